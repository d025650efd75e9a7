import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { businessTokens, graphCalls, onboardingEvents, onboardingSessions, phoneNumbers, signupLinks, vaultSecrets, wabas } from '@/lib/db/schema';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createSignupLink, defaultLinkToken, disableSignupLink } from '@/lib/onboarding/links';
import { completeOnboarding, launchConfig, openOnboardingSession, recordLaunch, recordSignupOutcome, sessionForBrowser, type OpenedSession } from '@/lib/onboarding/sessions';
import { customerStatus } from '@/lib/onboarding/status';
import { readSecret } from '@/lib/vault';

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

beforeEach(async () => {
  await meta.control('POST', '/reset');
});

async function open(token = defaultLinkToken): Promise<OpenedSession> {
  const opened = await openOnboardingSession(token);
  if ('problem' in opened) throw new Error(`link problem: ${opened.problem}`);
  return opened;
}

async function session(opened: OpenedSession) {
  const row = await sessionForBrowser(opened.sessionId, opened.browserKey);
  if (!row) throw new Error('session not found for its own browser key');
  return row;
}

async function sessionRow(id: string) {
  const [row] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, id));
  return row!;
}

describe('signup links and sessions', () => {
  it('opens sessions only for usable links', async () => {
    expect(await openOnboardingSession('no-such-link')).toEqual({ problem: 'unknown' });
    const once = await createSignupLink({ label: 'Once', flow: 'default', singleUse: true, prefill: {} }, null);
    await db().update(signupLinks).set({ usedAt: new Date() }).where(eq(signupLinks.id, once.id));
    expect(await openOnboardingSession(once.token)).toEqual({ problem: 'used' });
    const old = await createSignupLink({ label: 'Old', flow: 'default', singleUse: false, expiresInDays: 1, prefill: {} }, null);
    await db().update(signupLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(signupLinks.id, old.id));
    expect(await openOnboardingSession(old.token)).toEqual({ problem: 'expired' });
    const off = await createSignupLink({ label: 'Off', flow: 'default', singleUse: false, prefill: {} }, null);
    await disableSignupLink(off.id);
    expect(await openOnboardingSession(off.token)).toEqual({ problem: 'disabled' });
  });

  it('restarts the completion window when the customer launches', async () => {
    const opened = await open();
    await db().update(onboardingSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(onboardingSessions.id, opened.sessionId));
    await recordLaunch(await session(opened));
    const launched = await sessionRow(opened.sessionId);
    expect(launched.launchedAt).not.toBeNull();
    expect(launched.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    await recordLaunch(await session(opened));
    const events = await db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, opened.sessionId));
    expect(events.filter((e) => e.type === 'launched')).toHaveLength(1);
  });

  it('binds a session to the browser key and never stores the key itself', async () => {
    const opened = await open();
    expect(await sessionForBrowser(opened.sessionId, 'someone-else')).toBeUndefined();
    expect(await sessionForBrowser(opened.sessionId, undefined)).toBeUndefined();
    expect(await sessionForBrowser('not-a-uuid', opened.browserKey)).toBeUndefined();
    const row = await session(opened);
    expect(row.browserKeyHash).not.toContain(opened.browserKey);
  });

  it('refuses link input Meta would not apply', async () => {
    const before = await db().select().from(signupLinks);
    await expect(createSignupLink({ label: 'MPS', flow: 'mps', singleUse: false, prefill: {} }, null)).rejects.toThrow(/solution id/);
    await expect(createSignupLink({ label: 'Half', flow: 'default', singleUse: false, prefill: { businessName: 'Acme' } }, null)).rejects.toThrow(/email, website and country/);
    expect(await db().select().from(signupLinks)).toHaveLength(before.length);
  });

  it('launches with the flow, solution and pre-fill of its link', async () => {
    const link = await createSignupLink(
      {
        label: 'Partner solution',
        flow: 'mps',
        solutionId: '7000000000000001',
        singleUse: false,
        prefill: { businessName: 'Acme', businessEmail: 'ops@acme.test', businessWebsite: 'https://acme.test', businessCountry: 'US', displayName: 'Acme', category: 'RETAIL' },
      },
      null,
    );
    const config = launchConfig(link);
    expect(config.extras).toEqual({
      setup: {
        solutionID: '7000000000000001',
        business: { name: 'Acme', email: 'ops@acme.test', website: 'https://acme.test', address: { country: 'US' } },
        phone: { displayName: 'Acme', category: 'RETAIL', description: '' },
      },
      featureType: '',
      sessionInfoVersion: '3',
    });
    const coexistence = await createSignupLink({ label: 'Bakery', flow: 'coexistence', singleUse: false, prefill: {} }, null);
    expect(launchConfig(coexistence).extras.featureType).toBe('whatsapp_business_app_onboarding');
  });

  it('records a cancel with its step and an in-flow error with Meta’s reference', async () => {
    const cancelled = await open();
    const advice = await recordSignupOutcome(await session(cancelled), { kind: 'cancel', currentStep: 'PHONE_NUMBER_SETUP' });
    expect(advice).toMatch(/phone number/);
    expect(await sessionRow(cancelled.sessionId)).toMatchObject({ status: 'cancelled', cancelStep: 'PHONE_NUMBER_SETUP' });

    const errored = await open();
    const errorAdvice = await recordSignupOutcome(await session(errored), {
      kind: 'error',
      errorMessage: 'Your verified name violates WhatsApp guidelines',
      errorCode: '524126',
      sessionId: 'f34b51dab5e0498',
      timestamp: '1746041036',
    });
    expect(errorAdvice).toContain('524126');
    expect(await sessionRow(errored.sessionId)).toMatchObject({ status: 'errored', errorCode: '524126', errorSessionId: 'f34b51dab5e0498' });
  });
});

describe('completing an onboarding', () => {
  it('exchanges the code, verifies the grant, stores the token encrypted and starts the steps', async () => {
    const opened = await open();
    const signup = await meta.signup({});
    const result = await completeOnboarding(await session(opened), {
      code: signup.code,
      finish: { event: 'FINISH', wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId!, businessId: signup.businessId },
    });
    expect(result).toEqual({ ok: true, sessionId: opened.sessionId });
    expect((await customerStatus(await sessionRow(opened.sessionId))).restartPath).toBeNull();

    const row = await sessionRow(opened.sessionId);
    expect(row.status).not.toBe('exchanging');
    const [waba] = await db().select().from(wabas).where(eq(wabas.id, row.wabaId!));
    expect(waba!.metaWabaId).toBe(signup.wabaId);
    const [phone] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, row.phoneNumberId!));
    expect(phone!.metaPhoneNumberId).toBe(signup.phoneNumberId);
    const [token] = await db().select().from(businessTokens).where(eq(businessTokens.id, row.tokenId!));
    expect(token!.grantedWabaIds).toContain(signup.wabaId);
    const [secret] = await db().select().from(vaultSecrets).where(eq(vaultSecrets.id, token!.secretId));
    const plaintext = await readSecret(token!.secretId);
    expect(plaintext.length).toBeGreaterThan(20);
    expect(secret!.ciphertext).not.toContain(plaintext);
    const calls = await db().select().from(graphCalls).where(eq(graphCalls.sessionId, opened.sessionId));
    expect(calls.map((c) => c.step)).toEqual(expect.arrayContaining(['exchange_code', 'verify_token', 'verify_waba', 'verify_phone']));
    expect(JSON.stringify(calls)).not.toContain(signup.code);
  });

  it('works once per session', async () => {
    const opened = await open();
    const signup = await meta.signup({});
    const finish = { event: 'FINISH' as const, wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId! };
    expect((await completeOnboarding(await session(opened), { code: signup.code, finish })).ok).toBe(true);
    const again = await completeOnboarding(await session(opened), { code: signup.code, finish });
    expect(again).toEqual({ ok: false, message: expect.stringMatching(/already used/) });
  });

  it('stops cleanly for a replayed code and for a code exchanged after 30 seconds', async () => {
    const signup = await meta.signup({});
    const first = await open();
    expect((await completeOnboarding(await session(first), { code: signup.code, finish: null })).ok).toBe(true);
    const replay = await open();
    const replayed = await completeOnboarding(await session(replay), { code: signup.code, finish: null });
    expect(replayed).toEqual({ ok: false, message: expect.stringMatching(/30 seconds/) });
    expect((await sessionRow(replay.sessionId)).status).toBe('failed');

    const late = await meta.signup({});
    await meta.control('POST', '/clock/advance', { seconds: 31 });
    const lateSession = await open();
    expect((await completeOnboarding(await session(lateSession), { code: late.code, finish: null })).ok).toBe(false);
    expect(await db().select().from(wabas).where(eq(wabas.metaWabaId, late.wabaId))).toHaveLength(0);
  });

  it('rejects a WABA the token does not grant and stores nothing about it', async () => {
    const ours = await meta.signup({});
    const foreignWaba = '2200000000000003';
    const tokensBefore = await db().select().from(businessTokens);
    const opened = await open();
    const result = await completeOnboarding(await session(opened), { code: ours.code, finish: { event: 'FINISH', wabaId: foreignWaba, phoneNumberId: ours.phoneNumberId! } });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/not shared with us/) });
    const rejected = await sessionRow(opened.sessionId);
    expect(rejected.status).toBe('rejected');
    expect(await customerStatus(rejected)).toMatchObject({ status: 'rejected', settled: true, restartPath: '/signup', waba: null });
    expect(await db().select().from(wabas).where(eq(wabas.metaWabaId, foreignWaba))).toHaveLength(0);
    expect(await db().select().from(businessTokens)).toHaveLength(tokensBefore.length);
    const events = await db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, opened.sessionId));
    expect(JSON.stringify(events)).not.toContain(foreignWaba);
  });

  it('rejects a phone number that is not on the granted WABA', async () => {
    await meta.signup({});
    const other = await meta.signup({});
    const ours = await meta.signup({});
    const opened = await open();
    const result = await completeOnboarding(await session(opened), { code: ours.code, finish: { event: 'FINISH', wabaId: ours.wabaId, phoneNumberId: other.phoneNumberId! } });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/does not belong/) });
    expect(await db().select().from(wabas).where(eq(wabas.metaWabaId, ours.wabaId))).toHaveLength(0);
  });

  it('finds the WABA from the grant when the session info never arrived', async () => {
    const signup = await meta.signup({});
    const opened = await open();
    expect((await completeOnboarding(await session(opened), { code: signup.code, finish: null })).ok).toBe(true);
    const row = await sessionRow(opened.sessionId);
    const [waba] = await db().select().from(wabas).where(eq(wabas.id, row.wabaId!));
    expect(waba!.metaWabaId).toBe(signup.wabaId);
  });

  it('picks the WhatsApp Business app number for coexistence', async () => {
    const link = await createSignupLink({ label: 'Bakery', flow: 'coexistence', singleUse: true, prefill: {} }, null);
    const opened = await open(link.token);
    const signup = await meta.signup({
      extras: { featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3', setup: {} },
      person: { personId: '8000000000000004' },
      business: { businessId: '2100000000000004' },
      phone: { bizApp: 0 },
    });
    const result = await completeOnboarding(await session(opened), {
      code: signup.code,
      finish: { event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING', wabaId: signup.wabaId },
    });
    expect(result.ok).toBe(true);
    const row = await sessionRow(opened.sessionId);
    const [phone] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, row.phoneNumberId!));
    expect(phone!.isOnBizApp).toBe(true);
    const [used] = await db().select().from(signupLinks).where(eq(signupLinks.id, link.id));
    expect(used!.usedAt).not.toBeNull();
    expect(await openOnboardingSession(link.token)).toEqual({ problem: 'used' });
  });
});
