import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import {
  businessTokens,
  businesses,
  graphCalls,
  onboardingEvents,
  onboardingSessions,
  operationEvents,
  operationRuns,
  operationSteps,
  phoneNumbers,
  signupLinks,
  vaultSecrets,
  wabas,
  type OnboardingSession,
} from '@/lib/db/schema';
import { countHiddenUnlaunched, getOnboardingDetail, linkChoices, listOnboardings, onboardingFiltersSchema } from '@/lib/onboarding/staff-queries';

type NewSession = Partial<typeof onboardingSessions.$inferInsert>;

async function insertSession(values: NewSession = {}): Promise<OnboardingSession> {
  const [row] = await db()
    .insert(onboardingSessions)
    .values({ browserKeyHash: 'hash', flow: 'default', partnerType: 'solution_partner', expiresAt: new Date(Date.now() + 3_600_000), ...values })
    .returning();
  return row!;
}

let campaign: string;
let other: string;

beforeAll(async () => {
  const [a, b] = await db()
    .insert(signupLinks)
    .values([
      { token: 'campaign-token', label: 'Spring campaign', flow: 'default' },
      { token: 'coex-token', label: 'Coexistence pilot', flow: 'coexistence' },
    ])
    .returning();
  campaign = a!.id;
  other = b!.id;
});

describe('listOnboardings', () => {
  it('lists newest first and pages through rows created in the same millisecond without skipping any', async () => {
    // Microseconds a JavaScript Date cannot hold: a cursor built from Date would skip or repeat rows.
    const stamps = [
      '2030-01-01 10:00:00.123456+00',
      '2030-01-01 10:00:00.123400+00',
      '2030-01-01 10:00:00.123400+00',
      '2030-01-01 10:00:00.123001+00',
      '2030-01-01 09:00:00+00',
    ];
    const ids: string[] = [];
    for (const stamp of stamps)
      ids.push((await insertSession({ linkId: campaign, launchedAt: new Date(), createdAt: sql`${stamp}::timestamptz` as unknown as Date })).id);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const { items, next } = await listOnboardings({ link: campaign, cursor }, 2);
      seen.push(...items.map((r) => r.id));
      if (!next) break;
      cursor = next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen[0]).toBe(ids[0]);
    expect(seen.at(-1)).toBe(ids[4]);
    expect(seen.slice(1, 3).sort()).toEqual([ids[1], ids[2]].sort());
    expect(seen[3]).toBe(ids[3]);
  });

  it('filters by status, flow and link, and joins the link label and the WABA name', async () => {
    const [business] = await db().insert(businesses).values({ metaBusinessId: '710000000000001', name: 'Acme Bakery' }).returning();
    const [waba] = await db().insert(wabas).values({ metaWabaId: '720000000000001', name: 'Acme WhatsApp', businessId: business!.id }).returning();
    const live = await insertSession({ linkId: other, flow: 'coexistence', status: 'live', wabaId: waba!.id, businessId: business!.id });
    const failed = await insertSession({ linkId: other, flow: 'coexistence', status: 'failed', statusMessage: 'Meta refused the PIN.' });
    await insertSession({ flow: 'waba_only', status: 'failed' });

    const byLink = await listOnboardings({ link: other });
    expect(byLink.items.map((r) => r.id)).toEqual([failed.id, live.id]);
    expect(byLink.items[1]).toMatchObject({
      linkLabel: 'Coexistence pilot',
      wabaName: 'Acme WhatsApp',
      businessName: 'Acme Bakery',
      metaWabaId: '720000000000001',
    });
    expect(byLink.next).toBeNull();

    const failedCoex = await listOnboardings({ status: 'failed', flow: 'coexistence' });
    expect(failedCoex.items.map((r) => r.id)).toEqual([failed.id]);
    expect(failedCoex.items[0]?.statusMessage).toBe('Meta refused the PIN.');

    const allFailed = await listOnboardings({ status: 'failed' });
    expect(allFailed.items).toHaveLength(2);
    expect(allFailed.items.every((r) => r.status === 'failed')).toBe(true);
  });

  it('hides sessions that were opened and never launched unless asked, and counts what it hides', async () => {
    const [link] = await db().insert(signupLinks).values({ token: 'views-token', label: 'Page views', flow: 'default' }).returning();
    const viewed = await insertSession({ linkId: link!.id });
    const viewedExpired = await insertSession({ linkId: link!.id, status: 'expired' });
    const launched = await insertSession({ linkId: link!.id, launchedAt: new Date() });
    const completed = await insertSession({ linkId: link!.id, status: 'running' });

    const shown = await listOnboardings({ link: link!.id });
    expect(shown.items.map((r) => r.id).sort()).toEqual([launched.id, completed.id].sort());
    expect(await countHiddenUnlaunched({ link: link!.id })).toEqual({ n: 2, exact: true });
    expect(await countHiddenUnlaunched({ link: link!.id, status: 'expired' })).toEqual({ n: 1, exact: true });

    const all = await listOnboardings({ link: link!.id, include: 'unlaunched' });
    expect(all.items.map((r) => r.id).sort()).toEqual([viewed.id, viewedExpired.id, launched.id, completed.id].sort());
    expect(await countHiddenUnlaunched({ link: link!.id, include: 'unlaunched' })).toEqual({ n: 0, exact: true });

    await db().update(onboardingSessions).set({ launchedAt: new Date() }).where(sql`${onboardingSessions.id} = ${viewed.id}`);
    expect(await countHiddenUnlaunched({ link: link!.id })).toEqual({ n: 1, exact: true });
    expect((await listOnboardings({ link: link!.id })).items.map((r) => r.id)).toContain(viewed.id);
    expect(onboardingFiltersSchema.parse({ include: 'everything' })).toEqual({});
  });

  it('ignores query-string values that are not valid choices', () => {
    expect(onboardingFiltersSchema.parse({ status: 'live', flow: 'nonsense', link: 'not-a-uuid', cursor: 'x'.repeat(300) })).toEqual({ status: 'live' });
    expect(onboardingFiltersSchema.parse({})).toEqual({});
  });

  it('offers every link as a filter choice', async () => {
    const choices = await linkChoices();
    expect(choices.map((c) => c.label).sort()).toEqual(['Coexistence pilot', 'Page views', 'Spring campaign']);
  });
});

describe('getOnboardingDetail', () => {
  it('returns the session, its steps, events, Graph calls, WABA and numbers, and the token only by status', async () => {
    const [secret] = await db().insert(vaultSecrets).values({ kind: 'business_token', keyId: 'k1', ciphertext: 'sealed-token-bytes' }).returning();
    const [waba] = await db().insert(wabas).values({ metaWabaId: '730000000000001', name: 'Detail WABA', accountReviewStatus: 'APPROVED' }).returning();
    const [number] = await db()
      .insert(phoneNumbers)
      .values({ metaPhoneNumberId: '740000000000001', wabaId: waba!.id, displayPhoneNumber: '+1 555 0100', nameStatus: 'APPROVED' })
      .returning();
    const expiresAt = new Date('2031-05-01T00:00:00Z');
    const [token] = await db()
      .insert(businessTokens)
      .values({ wabaId: waba!.id, secretId: secret!.id, scopes: ['whatsapp_business_management'], expiresAt, status: 'needs_reauth' })
      .returning();
    const session = await insertSession({
      linkId: campaign,
      status: 'failed',
      wabaId: waba!.id,
      phoneNumberId: number!.id,
      tokenId: token!.id,
      errorCode: '2',
      errorSessionId: 'es-1',
    });
    const elsewhere = await insertSession();

    await db()
      .insert(operationRuns)
      .values({ id: session.id, operation: 'onboarding', subjectType: 'onboarding_session', subjectId: session.id, status: 'failed' });
    await db()
      .insert(operationSteps)
      .values([
        {
          runId: session.id,
          name: 'register_phone',
          status: 'failed',
          attempts: 3,
          startedAt: new Date('2030-02-01T10:00:02Z'),
          lastErrorCode: '133016',
          lastErrorMessage: 'Too many registration attempts',
          lastFbtraceId: 'AbC123',
        },
        {
          runId: session.id,
          name: 'subscribe_app',
          status: 'done',
          attempts: 1,
          startedAt: new Date('2030-02-01T10:00:01Z'),
          finishedAt: new Date('2030-02-01T10:00:01.5Z'),
        },
        { runId: session.id, name: 'read_back', status: 'pending' },
      ]);
    await db()
      .insert(onboardingEvents)
      .values([
        { sessionId: session.id, type: 'launched' },
        { sessionId: session.id, type: 'verified', data: { wabaId: '730000000000001' } },
        { sessionId: elsewhere.id, type: 'launched' },
      ]);
    await db()
      .insert(operationEvents)
      .values({ runId: session.id, type: 'step.failed', data: { step: 'register_phone' } });
    await db()
      .insert(graphCalls)
      .values([
        { method: 'POST', path: '/v25.0/730000000000001/subscribed_apps', status: 200, durationMs: 120, sessionId: session.id, step: 'subscribe_app' },
        {
          method: 'POST',
          path: '/v25.0/740000000000001/register',
          status: 400,
          errorCode: '133016',
          fbtraceId: 'AbC123',
          durationMs: 95,
          sessionId: session.id,
          step: 'register_phone',
        },
        { method: 'GET', path: '/v25.0/debug_token', status: 200, durationMs: 50, sessionId: elsewhere.id },
      ]);

    const detail = await getOnboardingDetail(session.id);
    expect(detail).toBeDefined();
    expect(detail!.session).toMatchObject({ id: session.id, status: 'failed', errorCode: '2', errorSessionId: 'es-1' });
    expect(detail!.session).not.toHaveProperty('browserKeyHash');
    expect(detail!.link?.label).toBe('Spring campaign');
    expect(detail!.progress?.steps.map((s) => s.name)).toEqual(['subscribe_app', 'register_phone', 'read_back']);
    expect(detail!.progress?.steps[1]).toMatchObject({
      attempts: 3,
      label: { staff: 'Register the phone number for Cloud API', customer: 'Register your phone number' },
      lastError: { code: '133016', message: 'Too many registration attempts', fbtraceId: 'AbC123', advice: expect.stringContaining('72 hours') },
    });
    expect(detail!.progress).toMatchObject({ status: 'failed', settled: 1, total: 3 });
    expect(detail!.events.map((e) => e.type)).toEqual(['launched', 'verified', 'step.failed']);
    expect(detail!.calls.map((c) => c.step)).toEqual(['subscribe_app', 'register_phone']);
    expect(detail!.waba?.metaWabaId).toBe('730000000000001');
    expect(detail!.numbers.map((n) => n.displayPhoneNumber)).toEqual(['+1 555 0100']);
    expect(detail!.token).toEqual({ status: 'needs_reauth', expiresAt, scopes: ['whatsapp_business_management'], createdAt: expect.any(Date) });
    expect(JSON.stringify(detail)).not.toContain('sealed-token-bytes');
  });

  it('returns nothing for an unknown or malformed id', async () => {
    expect(await getOnboardingDetail('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await getOnboardingDetail('not-an-id')).toBeUndefined();
  });
});
