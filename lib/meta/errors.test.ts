import { desc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { graphCalls } from '@/lib/db/schema';
import { overrideGraphSettings } from '@/lib/graph-settings';
import { GraphError, systemToken } from '@/lib/meta/graph';
import { listSystemUsers } from '@/lib/meta/system-users';
import { registerPhoneNumber } from '@/lib/meta/phone-numbers';
import { listSubscribedApps, subscribeApp } from '@/lib/meta/subscriptions';
import { startMetaSandbox, sandboxApp, sandboxIds, type MetaSandbox } from '@/test/meta-sandbox';

// Against the sandbox: faults injected through its control API are classified the way the
// onboarding jobs need (docs/meta/errors-and-limits.md), appsecret_proof is accepted where Meta requires it, and
// the audit trail holds every call without secrets.

let meta: MetaSandbox;
let customer: Awaited<ReturnType<MetaSandbox['onboard']>>;

beforeAll(async () => {
  meta = await startMetaSandbox();
  customer = await meta.onboard();
});

afterAll(async () => {
  await meta.close();
});

afterEach(async () => {
  await meta.clearFaults();
});

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

async function lastAudit() {
  const [row] = await db().select().from(graphCalls).orderBy(desc(graphCalls.id)).limit(1);
  return row!;
}

describe('error classification against injected faults', () => {
  it('a 503 is transient, and the next call succeeds', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/subscribed_apps', kind: 'http5xx', httpStatus: 503, next: 1 });
    const error = await failure(subscribeApp(customer.wabaId, customer.token, { step: 'subscribe' }));
    expect(error).toMatchObject({ httpStatus: 503, kind: 'transient' });
    expect(error.fbtraceId).toBeTruthy();
    expect(await lastAudit()).toMatchObject({ method: 'POST', path: `/${customer.wabaId}/subscribed_apps`, status: 503, step: 'subscribe' });
    await subscribeApp(customer.wabaId, customer.token);
  });

  it.each([4, 17, 613, 80007, 80008, 130429, 133004])('code %i is transient', async (code) => {
    await meta.fault({ path: '/{id}/subscribed_apps', error: { code, message: `(#${code}) limit` }, next: 1 });
    const error = await failure(listSubscribedApps(customer.wabaId, customer.token));
    expect(error).toMatchObject({ code, kind: 'transient', source: 'graph' });
    expect((await lastAudit()).errorCode).toBe(String(code));
  });

  it('code 190 is auth and says the customer must reconnect', async () => {
    await meta.fault({
      path: '/{id}/subscribed_apps',
      error: { code: 190, subcode: 463, message: 'Error validating access token: Session has expired' },
      next: 1,
    });
    const error = await failure(listSubscribedApps(customer.wabaId, customer.token));
    expect(error).toMatchObject({ code: 190, subcode: 463, kind: 'auth', httpStatus: 400 });
    expect(error.hint).toMatch(/reconnect/);
  });

  it('code 133016 is permanent', async () => {
    await meta.fault({ path: '/{id}/register', error: { code: 133016, message: 'Account register deregister rate limit exceeded' }, next: 1 });
    const error = await failure(registerPhoneNumber(customer.phoneNumberId!, { pin: '123456' }, customer.token));
    expect(error).toMatchObject({ code: 133016, kind: 'permanent' });
  });

  it('a call that hangs times out as transient and is audited', async () => {
    const restore = overrideGraphSettings({ timeoutMs: 250 });
    try {
      await meta.fault({ path: '/{id}/subscribed_apps', kind: 'timeout', latencyMs: 1_500, next: 1 });
      const started = Date.now();
      const error = await failure(listSubscribedApps(customer.wabaId, customer.token, { step: 'slow' }));
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(error).toMatchObject({ source: 'timeout', kind: 'transient', isTransient: true });
      expect(await lastAudit()).toMatchObject({ errorCode: 'timeout', status: null, step: 'slow' });
    } finally {
      restore();
    }
  });
});

describe('appsecret_proof', () => {
  it('is accepted by a sandbox that requires it, and a wrong one is refused', async () => {
    await meta.configure({ requireAppsecretProof: true });
    try {
      expect(await listSubscribedApps(customer.wabaId, customer.token)).toBeInstanceOf(Array);
      expect(await listSystemUsers(sandboxIds.partnerBusinessId, systemToken())).not.toHaveLength(0);
      const restore = overrideGraphSettings({ appSecret: 'not-the-app-secret' });
      try {
        const error = await failure(listSubscribedApps(customer.wabaId, customer.token));
        expect(error.code).toBe(100);
        expect(error.message).toMatch(/appsecret_proof/);
      } finally {
        restore();
      }
    } finally {
      await meta.configure({ requireAppsecretProof: false });
    }
  });
});

describe('audit trail', () => {
  it('has a row for every call and no token, code or secret in any row', async () => {
    const before = (await db().select().from(graphCalls)).length;
    await listSubscribedApps(customer.wabaId, customer.token);
    await listSystemUsers(sandboxIds.partnerBusinessId, systemToken());
    const rows = await db().select().from(graphCalls);
    expect(rows.length).toBe(before + 2);
    const text = JSON.stringify(rows);
    for (const secret of [customer.tokenValue, customer.code, sandboxApp.appSecret, sandboxApp.systemToken, '?', 'appsecret_proof']) {
      expect(text).not.toContain(secret);
    }
  });
});
