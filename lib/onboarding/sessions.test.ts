import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import {
  attentionItems,
  businessTokens,
  graphCalls,
  onboardingEvents,
  onboardingSessions,
  phoneNumbers,
  signupLinks,
  vaultSecrets,
  wabas,
} from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { allJobs } from '@/lib/job-registry';
import { jobs, startJobs, stopJobs } from '@/lib/jobs';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { finishFor, openTestSession, sandboxCustomers, signupChoices, waitForSession } from '@/test/onboarding-fixtures';
import { deliver } from '@/test/webhook-fixtures';
import { createSignupLink, defaultLinkToken, disableSignupLink, listSignupLinks } from '@/lib/onboarding/links';
import { abandonedSignupKind } from '@/lib/onboarding/abandoned-signups';
import {
  completeOnboarding,
  expireSessions,
  launchConfig,
  launchOnboardingSession,
  openOnboardingSession,
  pruneUnlaunchedSessions,
  recordFinish,
  recordLaunch,
  recordSignupOutcome,
  sessionForBrowser,
  signupSessionsJob,
  type OpenedSession,
} from '@/lib/onboarding/sessions';
import { customerStatus } from '@/lib/onboarding/status';
import { readSecret } from '@/lib/vault';

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await stopJobs();
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

/** Has the sandbox count calls to the code exchange (a latency fault of 0 ms that only counts). */
async function countExchanges() {
  await meta.fault({ path: '/oauth/access_token', kind: 'latency', latencyMs: 0 });
}

async function exchangeCalls(): Promise<number> {
  const { body } = await meta.control('GET', '/faults');
  return (body as { data: Array<{ path: string; hits: number }> }).data.filter((f) => f.path === '/oauth/access_token').reduce((sum, f) => sum + f.hits, 0);
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
    await db()
      .update(signupLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(signupLinks.id, old.id));
    expect(await openOnboardingSession(old.token)).toEqual({ problem: 'expired' });
    const off = await createSignupLink({ label: 'Off', flow: 'default', singleUse: false, prefill: {} }, null);
    await disableSignupLink(off.id);
    expect(await openOnboardingSession(off.token)).toEqual({ problem: 'disabled' });
  });

  it('restarts the completion window when the customer launches', async () => {
    const opened = await open();
    await db()
      .update(onboardingSessions)
      .set({ expiresAt: new Date(Date.now() + 60_000) })
      .where(eq(onboardingSessions.id, opened.sessionId));
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
    await expect(createSignupLink({ label: 'Half', flow: 'default', singleUse: false, prefill: { businessName: 'Acme' } }, null)).rejects.toThrow(
      /email, website and country/,
    );
    expect(await db().select().from(signupLinks)).toHaveLength(before.length);
  });

  it('launches with the flow, solution and pre-fill of its link', async () => {
    const link = await createSignupLink(
      {
        label: 'Partner solution',
        flow: 'mps',
        solutionId: '7000000000000001',
        singleUse: false,
        prefill: {
          businessName: 'Acme',
          businessEmail: 'ops@acme.test',
          businessWebsite: 'https://acme.test',
          businessCountry: 'US',
          displayName: 'Acme',
          category: 'RETAIL',
        },
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

  it('several signups of the same account at once: each is stored, and each onboarding finishes with the newest token', async () => {
    // People of one customer grant the same WABA at about the same moment (the Measurement flow's
    // shared account). Each new token replaces the one stored before; the onboardings still running
    // go on with it instead of telling the customer that Meta refused their access.
    await meta.configure({ partnerType: 'measurement_partner' });
    await startJobs({ work: true, jobs: allJobs });
    const sessions = await Promise.all(Array.from({ length: 4 }, () => openTestSession({ flow: 'measurement', partnerType: 'measurement_partner' })));
    const results = await Promise.all(
      sessions.map(async (s) => {
        const signup = await meta.signup(signupChoices(meta, 'measurement'));
        return completeOnboarding(s, { code: signup.code, finish: finishFor('measurement', signup) });
      }),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    const finals = await Promise.all(sessions.map((s) => waitForSession(s.id)));
    expect(finals.map((f) => f.status)).toEqual(['connected', 'connected', 'connected', 'connected']);
    const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, sandboxCustomers.brewWabaId));
    const valid = await db()
      .select()
      .from(businessTokens)
      .where(and(eq(businessTokens.wabaId, waba!.id), eq(businessTokens.status, 'valid')));
    expect(valid).toHaveLength(1);
    expect(new Set(finals.map((f) => f.tokenId))).toEqual(new Set([valid[0]!.id]));
    await stopJobs();
    await meta.configure({ partnerType: 'solution_partner' });
  });

  it('works once per session', async () => {
    const opened = await open();
    const signup = await meta.signup({});
    const finish = { event: 'FINISH' as const, wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId! };
    expect((await completeOnboarding(await session(opened), { code: signup.code, finish })).ok).toBe(true);
    const again = await completeOnboarding(await session(opened), { code: signup.code, finish });
    expect(again).toEqual({ ok: false, message: expect.stringMatching(/already used/) });
  });

  it('refuses a replayed code before it reaches Meta, and stops cleanly for a code exchanged after 30 seconds', async () => {
    await countExchanges();
    const signup = await meta.signup({});
    const first = await open();
    expect((await completeOnboarding(await session(first), { code: signup.code, finish: null })).ok).toBe(true);
    const replay = await open();
    const replayed = await completeOnboarding(await session(replay), { code: signup.code, finish: null });
    expect(replayed).toEqual({ ok: false, message: expect.stringMatching(/already used once, so we did not send it to Meta again/) });
    expect((await sessionRow(replay.sessionId)).status).toBe('failed');
    expect(await exchangeCalls()).toBe(1);

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
    const result = await completeOnboarding(await session(opened), {
      code: ours.code,
      finish: { event: 'FINISH', wabaId: foreignWaba, phoneNumberId: ours.phoneNumberId! },
    });
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
    const result = await completeOnboarding(await session(opened), {
      code: ours.code,
      finish: { event: 'FINISH', wabaId: ours.wabaId, phoneNumberId: other.phoneNumberId! },
    });
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

/** What a completion stores: WABAs and business tokens (the sandbox repeats ids after a reset, so counts are compared). */
async function stored(): Promise<{ wabas: number; tokens: number }> {
  return { wabas: (await db().select().from(wabas)).length, tokens: (await db().select().from(businessTokens)).length };
}

async function pastExpiry(sessionId: string) {
  await db()
    .update(onboardingSessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(onboardingSessions.id, sessionId));
}

describe('signup links at completion', () => {
  it('lets exactly one of two browsers complete a single-use link opened in both; the other is told why and its code never reaches Meta', async () => {
    const link = await createSignupLink({ label: 'Once, two browsers', flow: 'default', singleUse: true, prefill: {} }, null);
    const [a, b] = [await open(link.token), await open(link.token)];
    expect(a.browserKey).not.toBe(b.browserKey);
    const [signupA, signupB] = [await meta.signup({}), await meta.signup({})];
    const before = await stored();
    await countExchanges();
    const results = await Promise.all([
      completeOnboarding(await session(a), { code: signupA.code, finish: null }),
      completeOnboarding(await session(b), { code: signupB.code, finish: null }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser).toEqual({ ok: false, message: expect.stringMatching(/single-use link is being completed right now|that signup has already been completed/) });
    expect(await exchangeCalls()).toBe(1);
    expect((await stored()).tokens).toBe(before.tokens + 1);
    const statuses = (await Promise.all([sessionRow(a.sessionId), sessionRow(b.sessionId)])).map((r) => r.status).sort();
    expect(statuses).toEqual(['rejected', 'running'].sort());
  });

  it('completes nothing for a link disabled after its session was opened, without sending the code to Meta', async () => {
    const link = await createSignupLink({ label: 'Switched off', flow: 'default', singleUse: false, prefill: {} }, null);
    const opened = await open(link.token);
    const signup = await meta.signup({});
    await disableSignupLink(link.id);
    const before = await stored();
    await countExchanges();
    const result = await completeOnboarding(await session(opened), { code: signup.code, finish: null });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/switched this signup link off/) });
    expect(await sessionRow(opened.sessionId)).toMatchObject({ status: 'rejected' });
    expect(await exchangeCalls()).toBe(0);
    expect(await stored()).toEqual(before);
  });

  it('stores nothing when the link is disabled while Meta is being asked', async () => {
    const link = await createSignupLink({ label: 'Disabled mid-way', flow: 'default', singleUse: false, prefill: {} }, null);
    const opened = await open(link.token);
    const signup = await meta.signup({});
    await meta.fault({ path: '/debug_token', kind: 'latency', latencyMs: 600 });
    const before = await stored();
    const completing = completeOnboarding(await session(opened), { code: signup.code, finish: null });
    const deadline = Date.now() + 5_000;
    while ((await sessionRow(opened.sessionId)).status !== 'exchanging') {
      if (Date.now() > deadline) throw new Error('the completion never started');
      await new Promise((r) => setTimeout(r, 10));
    }
    await disableSignupLink(link.id);
    expect(await completing).toEqual({ ok: false, message: expect.stringMatching(/switched this signup link off/) });
    expect(await stored()).toEqual(before);
    expect((await sessionRow(opened.sessionId)).status).toBe('rejected');
  });

  it('completes nothing for a link that expired after its session was opened', async () => {
    const link = await createSignupLink({ label: 'Ends soon', flow: 'default', singleUse: false, expiresInDays: 1, prefill: {} }, null);
    const opened = await open(link.token);
    await db()
      .update(signupLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(signupLinks.id, link.id));
    const signup = await meta.signup({});
    const before = await stored();
    expect(await completeOnboarding(await session(opened), { code: signup.code, finish: null })).toEqual({
      ok: false,
      message: expect.stringMatching(/expired while you were signing up/),
    });
    expect(await stored()).toEqual(before);
  });

  it('lets the customer try a single-use link again when its only completion was refused by Meta', async () => {
    const link = await createSignupLink({ label: 'Once, retried', flow: 'default', singleUse: true, prefill: {} }, null);
    const first = await open(link.token);
    const refused = await completeOnboarding(await session(first), { code: 'AQ-a-code-meta-does-not-know', finish: null });
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/Meta did not accept the signup code/) });
    const [afterFailure] = await db().select().from(signupLinks).where(eq(signupLinks.id, link.id));
    expect(afterFailure!.usedAt).toBeNull();

    const again = await open(link.token);
    const signup = await meta.signup({});
    expect(await completeOnboarding(await session(again), { code: signup.code, finish: null })).toEqual({ ok: true, sessionId: again.sessionId });
    expect(await openOnboardingSession(link.token)).toEqual({ problem: 'used' });
  });
});

describe('sessions that are never finished', () => {
  it('expires a session nobody completes in time: the customer is told so and its code is refused before Meta', async () => {
    const opened = await open();
    await pastExpiry(opened.sessionId);
    const expired = await session(opened);
    expect(expired).toMatchObject({ status: 'expired', statusMessage: expect.stringMatching(/expired before the signup was completed/) });
    expect(await customerStatus(expired)).toMatchObject({ status: 'expired', settled: true, headline: 'This signup session expired', restartPath: '/signup' });
    await countExchanges();
    const signup = await meta.signup({});
    expect(await completeOnboarding(expired, { code: signup.code, finish: null })).toEqual({
      ok: false,
      message: expect.stringMatching(/session expired before the signup was completed/),
    });
    expect(await exchangeCalls()).toBe(0);
  });

  it('marks every started session past its time as expired, and only those', async () => {
    const [late, onTime, launchedLate] = [await open(), await open(), await open()];
    await recordLaunch(await session(launchedLate));
    await pastExpiry(late.sessionId);
    await pastExpiry(launchedLate.sessionId);
    expect(await expireSessions()).toBe(2);
    expect((await sessionRow(late.sessionId)).status).toBe('expired');
    expect((await sessionRow(launchedLate.sessionId)).status).toBe('expired');
    expect((await sessionRow(onTime.sessionId)).status).toBe('started');
    expect(await expireSessions()).toBe(0);
  });

  it('continues on a fresh session of the same link and browser when the button is clicked after the session expired', async () => {
    const link = await createSignupLink({ label: 'Left open', flow: 'default', singleUse: false, prefill: {} }, null);
    const opened = await open(link.token);
    await pastExpiry(opened.sessionId);
    const launched = await launchOnboardingSession(opened.sessionId, opened.browserKey, link.token);
    expect(launched).toEqual({ sessionId: expect.any(String) });
    const freshId = (launched as { sessionId: string }).sessionId;
    expect(freshId).not.toBe(opened.sessionId);
    expect(await sessionRow(freshId)).toMatchObject({ status: 'started', linkId: link.id, launchedAt: expect.any(Date) });
    expect(await sessionForBrowser(freshId, opened.browserKey)).toBeDefined();
    expect((await sessionRow(opened.sessionId)).status).toBe('expired');
    expect(await launchOnboardingSession(opened.sessionId, 'another-browser', link.token)).toBeNull();
  });

  it('prunes never-launched sessions after 30 days, and their link still counts them as opened', async () => {
    const link = await createSignupLink({ label: 'Pruned funnel', flow: 'default', singleUse: false, prefill: {} }, null);
    const [viewA, viewB, launched, recent] = [await open(link.token), await open(link.token), await open(link.token), await open(link.token)];
    await recordLaunch(await session(launched));
    const old = new Date(Date.now() - 31 * 86_400_000);
    for (const s of [viewA, viewB, launched]) {
      await db().update(onboardingSessions).set({ createdAt: old, expiresAt: old }).where(eq(onboardingSessions.id, s.sessionId));
    }
    await expireSessions();
    const funnel = async () => (await listSignupLinks()).find((l) => l.id === link.id)!;
    expect(await funnel()).toMatchObject({ opened: 4, launched: 1 });
    expect(await pruneUnlaunchedSessions()).toBe(2);
    const left = await db().select({ id: onboardingSessions.id }).from(onboardingSessions).where(eq(onboardingSessions.linkId, link.id));
    expect(left.map((r) => r.id).sort()).toEqual([launched.sessionId, recent.sessionId].sort());
    expect(await funnel()).toMatchObject({ opened: 4, launched: 1 });
    expect(await pruneUnlaunchedSessions()).toBe(0);
  });

  it('runs expiry and pruning as a scheduled job that the workers register', async () => {
    expect(allJobs).toContain(signupSessionsJob);
    await startJobs({ work: true, jobs: [signupSessionsJob] });
    const schedules = await jobs().getSchedules();
    expect(schedules.find((s) => s.name === signupSessionsJob.name)?.cron).toBe('*/10 * * * *');
  });
});

describe('abandoned signups', () => {
  const partnerAdded = (wabaId: string, ownerId: string) => ({
    field: 'account_update',
    value: { event: 'PARTNER_ADDED', waba_info: { waba_id: wabaId, owner_business_id: ownerId, partner_app_id: metaConfig().appId } },
  });

  async function finishedThenClosed() {
    const opened = await open();
    await recordLaunch(await session(opened));
    const wabaId = `29${Date.now()}`.slice(0, 16);
    const businessId = `39${Date.now()}`.slice(0, 16);
    await recordFinish(await session(opened), { event: 'FINISH', wabaId, businessId, phoneNumberId: '1090000000000001' });
    return { opened, wabaId, businessId };
  }

  async function items(wabaId: string, kind: string) {
    return db()
      .select()
      .from(attentionItems)
      .where(and(eq(attentionItems.wabaId, wabaId), eq(attentionItems.kind, kind)));
  }

  it('records the FINISH message’s ids when they arrive, before any code', async () => {
    const { opened, wabaId, businessId } = await finishedThenClosed();
    expect(await sessionRow(opened.sessionId)).toMatchObject({
      status: 'started',
      finishEvent: 'FINISH',
      reportedWabaId: wabaId,
      reportedBusinessId: businessId,
    });
    const events = await db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, opened.sessionId));
    expect(events.find((e) => e.type === 'finish_reported')?.data).toMatchObject({ wabaId, businessId });
  });

  it('links an expired session to the PARTNER_ADDED Meta sends for its WABA and asks staff to reach out, naming the session and the business', async () => {
    const { opened, wabaId, businessId } = await finishedThenClosed();
    await pastExpiry(opened.sessionId);
    await expireSessions();
    const [event] = await deliver(wabaId, [partnerAdded(wabaId, businessId)]);
    expect(event!.status).toBe('processed');
    const [item] = await items(wabaId, abandonedSignupKind);
    expect(item!.message).toContain(opened.sessionId);
    expect(item!.message).toContain(businessId);
    expect(item!.message).toMatch(/Reach out/);
    expect(await items(wabaId, 'finish_onboarding')).toHaveLength(0);
    const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, wabaId));
    expect((await sessionRow(opened.sessionId)).wabaId).toBe(waba!.id);
    await deliver(wabaId, [partnerAdded(wabaId, businessId)], 1767225601);
    expect(await items(wabaId, abandonedSignupKind)).toHaveLength(1);
  });

  it('waits for the session to expire when PARTNER_ADDED comes while it could still complete', async () => {
    const { opened, wabaId, businessId } = await finishedThenClosed();
    await deliver(wabaId, [partnerAdded(wabaId, businessId)]);
    expect(await items(wabaId, abandonedSignupKind)).toHaveLength(0);
    expect(await items(wabaId, 'finish_onboarding')).toHaveLength(0);
    await pastExpiry(opened.sessionId);
    await expireSessions();
    const [item] = await items(wabaId, abandonedSignupKind);
    expect(item!.message).toContain(opened.sessionId);
  });

  it('does not flag a session whose reported business is not the WABA’s owner', async () => {
    const { opened, wabaId } = await finishedThenClosed();
    await pastExpiry(opened.sessionId);
    await expireSessions();
    await deliver(wabaId, [partnerAdded(wabaId, '3900000000000999')]);
    expect(await items(wabaId, abandonedSignupKind)).toHaveLength(0);
    expect(await items(wabaId, 'finish_onboarding')).toHaveLength(1);
  });

  it('does not flag a signup that completes after its FINISH was recorded and PARTNER_ADDED came', async () => {
    const opened = await open();
    await recordLaunch(await session(opened));
    const signup = await meta.signup({});
    await recordFinish(await session(opened), { event: 'FINISH', wabaId: signup.wabaId, businessId: signup.businessId });
    await deliver(signup.wabaId, [partnerAdded(signup.wabaId, signup.businessId)]);
    expect((await completeOnboarding(await session(opened), { code: signup.code, finish: { event: 'FINISH', wabaId: signup.wabaId } })).ok).toBe(true);
    await expireSessions();
    expect(await items(signup.wabaId, abandonedSignupKind)).toHaveLength(0);
  });
});
