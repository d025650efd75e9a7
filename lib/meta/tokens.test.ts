import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { graphCalls } from '@/lib/db/schema';
import { GraphError, appToken, businessToken, systemToken } from '@/lib/meta/graph';
import { startMetaSandbox, sandboxApp, type MetaSandbox } from '@/test/meta-sandbox';
import { debugToken, exchangeCode, tokenGrantsWaba } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';

// Against the sandbox over HTTP: the Embedded Signup code exchange and debug_token (docs/meta/tokens.md).

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

describe('exchangeCode', () => {
  it('exchanges a signup code for a business token, once', async () => {
    const signup = await meta.signup();
    const exchanged = await exchangeCode(signup.code, { step: 'exchange_code' });
    expect(exchanged.accessToken).toMatch(/^EAA/);
    expect(exchanged.tokenType).toBe('bearer');
    expect(exchanged.expiresIn).toBeGreaterThan(0);

    const replay = await exchangeCode(signup.code).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(GraphError);
    expect(replay).toMatchObject({ code: 100, kind: 'permanent', tokenKind: 'none' });
    expect((replay as GraphError).hint).toMatch(/run Embedded Signup again/);
    expect((replay as GraphError).message).not.toContain(signup.code);
  });

  it('rejects an unknown code as permanent', async () => {
    const error = await exchangeCode('not-a-real-code').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 100, kind: 'permanent' });
  });

  it('never writes the code, the app secret or the token to the audit trail', async () => {
    const signup = await meta.signup();
    const { accessToken } = await exchangeCode(signup.code);
    await debugToken(accessToken, appToken());
    const rows = JSON.stringify(await db().select().from(graphCalls));
    expect(rows).toContain('/oauth/access_token');
    expect(rows).toContain('/debug_token');
    for (const secret of [signup.code, accessToken, sandboxApp.appSecret, 'client_secret', 'input_token']) expect(rows).not.toContain(secret);
  });
});

describe('debugToken', () => {
  it('lists scopes and the granted WABA, newest first, with the app token and with the system token', async () => {
    const signup = await meta.signup();
    const { accessToken } = await exchangeCode(signup.code);
    for (const caller of [appToken(), systemToken()]) {
      const info = await debugToken(accessToken, caller);
      expect(info.isValid).toBe(true);
      expect(info.appId).toBe(sandboxApp.appId);
      expect(info.scopes).toContain('whatsapp_business_management');
      expect(info.wabaIds?.[0]).toBe(signup.wabaId);
      expect(tokenGrantsWaba(info, signup.wabaId)).toBe(true);
      expect(tokenGrantsWaba(info, '2200000000000003')).toBe(false);
      expect(info.expiresAt).toBeInstanceOf(Date);
      expect(info.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('reports expires_at 0 as never expiring', async () => {
    await meta.configure({ businessTokenExpiry: 'never' });
    try {
      const { accessToken } = await exchangeCode((await meta.signup()).code);
      const info = await debugToken(accessToken, appToken());
      expect(info.expiresAt).toBeNull();
    } finally {
      await meta.configure({ businessTokenExpiry: 60 });
    }
  });

  it('reports a revoked token as invalid rather than failing', async () => {
    const signup = await meta.signup();
    const { accessToken } = await exchangeCode(signup.code);
    await meta.control('POST', '/tokens/revoke', { token: accessToken });
    const info = await debugToken(accessToken, appToken());
    expect(info.isValid).toBe(false);
    expect(tokenGrantsWaba(info, signup.wabaId)).toBe(false);
  });

  it('classifies a call with a revoked business token as auth', async () => {
    const signup = await meta.signup();
    const { accessToken } = await exchangeCode(signup.code);
    await meta.control('POST', '/tokens/revoke', { token: accessToken });
    const error = await getWaba(signup.wabaId, businessToken(accessToken)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 190, kind: 'auth', tokenKind: 'business' });
    expect((error as GraphError).hint).toMatch(/reconnect/);
  });

  it('says which configuration to fix when the system token is rejected', async () => {
    const error = await getWaba('2200000000000002', { kind: 'system', value: 'not-a-system-token' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 190, kind: 'auth', tokenKind: 'system' });
    expect((error as GraphError).hint).toMatch(/META_SYSTEM_TOKEN/);
  });
});
