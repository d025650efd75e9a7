import { startSandbox, type SandboxOptions } from '@/sandbox/server';
import { overrideGraphSettings } from '@/lib/graph-settings';
import { type GraphToken, businessToken } from '@/lib/meta/graph';
import { exchangeCode } from '@/lib/meta/tokens';

// Test-only (imported by lib/meta/*.test.ts, never by app code): a sandbox on a free port with no
// latency, the Graph client pointed at it, and the sandbox's control API for signups and faults.

export const sandboxApp = { appId: '1000000000000001', appSecret: 'meta-client-test-secret', systemToken: 'meta-client-test-system-token' };
export const sandboxIds = { partnerBusinessId: '2000000000000001', systemUserId: '3000000000000001', creditLineId: '4000000000000001' };

export type Signup = { code: string; wabaId: string; businessId: string; phoneNumberId: string | null; solutionId: string | null };

export type Fault = {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  kind?: 'error' | 'http5xx' | 'timeout' | 'latency';
  error?: { code: number; subcode?: number; message?: string; httpStatus?: number; isTransient?: boolean };
  httpStatus?: number;
  latencyMs?: number;
  next?: number;
};

export async function startMetaSandbox(options: Partial<SandboxOptions> = {}) {
  const running = await startSandbox({
    port: 0,
    latency: 0,
    scenario: 'demo',
    log: () => {},
    autoDecisions: { wabaReviewSeconds: null, displayNameSeconds: null, businessVerificationSeconds: null },
    ...sandboxApp,
    ...options,
  });
  const restore = overrideGraphSettings({ graphUrl: running.url, graphVersion: 'v25.0', ...sandboxApp, timeoutMs: 2_000 });

  async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${running.url}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  return {
    url: running.url,
    sandbox: running.sandbox,
    control,
    /** A completed Embedded Signup through the sandbox's non-interactive route; returns its code and ids. */
    async signup(choices: Record<string, unknown> = {}): Promise<Signup> {
      const result = await control('POST', '/signups', choices);
      if (result.status !== 201) throw new Error(`sandbox signup failed: ${JSON.stringify(result.body)}`);
      const body = result.body as {
        code: string;
        signup: { waba_id: string; business_id: string; phone_number_id: string | null; solution_id: string | null };
      };
      return {
        code: body.code,
        wabaId: body.signup.waba_id,
        businessId: body.signup.business_id,
        phoneNumberId: body.signup.phone_number_id,
        solutionId: body.signup.solution_id,
      };
    },
    /** A signup whose code is already exchanged (through the client under test) for a business token. */
    async onboard(choices: Record<string, unknown> = {}): Promise<Signup & { token: GraphToken; tokenValue: string }> {
      const signup = await this.signup(choices);
      const { accessToken } = await exchangeCode(signup.code);
      return { ...signup, token: businessToken(accessToken), tokenValue: accessToken };
    },
    async fault(fault: Fault): Promise<void> {
      const result = await control('POST', '/faults', fault);
      if (result.status >= 300) throw new Error(`sandbox fault failed: ${JSON.stringify(result.body)}`);
    },
    async clearFaults(): Promise<void> {
      await control('DELETE', '/faults');
    },
    async configure(patch: Record<string, unknown>): Promise<void> {
      const result = await control('PATCH', '/config', patch);
      if (result.status >= 300) throw new Error(`sandbox config failed: ${JSON.stringify(result.body)}`);
    },
    async close(): Promise<void> {
      restore();
      await running.close();
    },
  };
}

export type MetaSandbox = Awaited<ReturnType<typeof startMetaSandbox>>;
