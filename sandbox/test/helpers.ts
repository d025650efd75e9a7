import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../server';

// Test helpers: a sandbox on a free port with no latency, and a tiny Graph/control client.

export const APP_ID = '1000000000000001';
export const APP_SECRET = 'sandbox-app-secret';
export const SYSTEM_TOKEN = 'sandbox-system-token';
export const PARTNER_BUSINESS_ID = '2000000000000001';
export const SYSTEM_USER_ID = '3000000000000001';
export const CREDIT_LINE_ID = '4000000000000001';
export const V = 'v25.0';

export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return startSandbox({
    port: 0,
    latency: 'none',
    scenario: 'demo',
    log: () => {},
    autoDecisions: { wabaReviewSeconds: null, displayNameSeconds: null, businessVerificationSeconds: null },
    ...options,
  });
}

// Replies are loose JSON on purpose: tests validate shapes with the zod schemas in schemas.ts.
export type Reply = { status: number; body: any };

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; query?: Record<string, string>; json?: unknown; form?: Record<string, string>; body?: FormData } = {},
): Promise<Reply> {
  const url = new URL(path.startsWith('/_sandbox') ? path : `/${V}${path}`, base);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | FormData | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body) {
    body = opts.body;
  }
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // non-JSON stays text
  }
  return { status: res.status, body: parsed };
}

export function client(sb: RunningSandbox) {
  return {
    get: (path: string, token?: string, query?: Record<string, string>) =>
      call(sb.url, 'GET', path, { ...(token ? { token } : {}), ...(query ? { query } : {}) }),
    post: (path: string, token?: string, json?: unknown, query?: Record<string, string>) =>
      call(sb.url, 'POST', path, { ...(token ? { token } : {}), ...(json !== undefined ? { json } : {}), ...(query ? { query } : {}) }),
    del: (path: string, token?: string, query?: Record<string, string>) =>
      call(sb.url, 'DELETE', path, { ...(token ? { token } : {}), ...(query ? { query } : {}) }),
    control: (method: string, path: string, json?: unknown) => call(sb.url, method, `/_sandbox${path}`, json !== undefined ? { json } : {}),
  };
}

/** Runs a browserless signup and exchanges its code; returns ids and the business token. */
export async function onboard(sb: RunningSandbox, choices: Record<string, unknown> = {}) {
  const c = client(sb);
  const signup = await c.control('POST', '/signups', choices);
  if (signup.status !== 201) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
  const exchange = await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, code: signup.body.code });
  if (exchange.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(exchange.body)}`);
  return {
    code: signup.body.code as string,
    message: signup.body.message,
    wabaId: signup.body.signup.waba_id as string,
    businessId: signup.body.signup.business_id as string,
    phoneId: signup.body.signup.phone_number_id as string | null,
    token: exchange.body.access_token as string,
  };
}

export type Received = { body: string; headers: IncomingMessage['headers']; signatureOk: boolean; at: number };

/** A webhook receiver that checks X-Hub-Signature-256 over the raw bytes; `status` picks the reply. */
export async function startReceiver(opts: { secret?: string; verifyToken?: string; status?: (n: number) => number } = {}) {
  const received: Received[] = [];
  const handshakes: URLSearchParams[] = [];
  const secret = opts.secret ?? APP_SECRET;
  const verifyToken = opts.verifyToken ?? 'sandbox-verify-token';
  let posts = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      handshakes.push(url.searchParams);
      const ok = url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
      res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      received.push({ body: raw.toString('utf8'), headers: req.headers, signatureOk: req.headers['x-hub-signature-256'] === expected, at: Date.now() });
      const status = opts.status ? opts.status(posts++) : 200;
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    handshakes,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
