import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, businesses, onboardingEvents, onboardingSessions, operationRuns, operationSteps, settings, wabas } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { allJobs } from '@/lib/job-registry';
import { jobs, startJobs, stopJobs } from '@/lib/jobs';
import { normaliseRejectionReasons } from '@/lib/webhooks/handlers/account-update';
import { revokeCreditLineJob } from '@/lib/webhooks/credit-line-revoke';
import { revokeCreditLineSetting } from '@/lib/webhooks/handlers/partner-connection';
import { createCustomer, deliver, metaId, wabaRow } from '@/test/webhook-fixtures';
import { replayChanges } from '@/lib/webhooks/processing';

const t0 = 1767225600;

function accountUpdate(value: Record<string, unknown>) {
  return { field: 'account_update', value };
}

async function attention(metaWabaId: string, kind?: string) {
  const rows = await db().select().from(attentionItems).where(eq(attentionItems.wabaId, metaWabaId));
  return kind ? rows.filter((r) => r.kind === kind) : rows;
}

afterAll(async () => {
  await stopJobs();
});

describe('account_update PARTNER_ADDED / PARTNER_APP_INSTALLED', () => {
  it('creates the customer record and asks staff to finish a partner-initiated onboarding', async () => {
    const wabaId = metaId('2');
    const ownerId = metaId('3');
    const [event] = await deliver(
      '506914307656634',
      [
        accountUpdate({
          event: 'PARTNER_APP_INSTALLED',
          waba_info: {
            waba_id: wabaId,
            owner_business_id: ownerId,
            partner_app_id: metaConfig().appId,
            solution_id: '795033096057724',
            solution_partner_business_ids: ['506914307656634', '520744086200222'],
          },
        }),
      ],
      t0,
    );
    expect(event!.status).toBe('processed');
    const waba = await wabaRow(wabaId);
    expect(waba).toMatchObject({ status: 'connected', solutionId: '795033096057724', disconnectedAt: null });
    const [business] = await db().select().from(businesses).where(eq(businesses.metaBusinessId, ownerId));
    expect(waba!.businessId).toBe(business!.id);
    expect(waba!.flags.PARTNER_APP_INSTALLED?.at).toBe(new Date(t0 * 1000).toISOString());
    const items = await attention(wabaId, 'finish_onboarding');
    expect(items).toHaveLength(1);
    expect(items[0]!.message).toContain('795033096057724');

    // PARTNER_ADDED for the same WABA, and a replay, add no second item.
    const [added] = await deliver(wabaId, [accountUpdate({ event: 'PARTNER_ADDED', waba_info: { waba_id: wabaId, owner_business_id: ownerId } })], t0);
    await replayChanges([event!.id, added!.id]);
    expect(await attention(wabaId, 'finish_onboarding')).toHaveLength(1);
  });

  it('ignores another app being installed on a WABA', async () => {
    const wabaId = metaId('2');
    const [event] = await deliver(
      wabaId,
      [accountUpdate({ event: 'PARTNER_APP_INSTALLED', waba_info: { waba_id: wabaId, owner_business_id: metaId('3'), partner_app_id: '670843887433847' } })],
      t0,
    );
    expect(event!.status).toBe('ignored');
    expect(await wabaRow(wabaId)).toBeUndefined();
    expect(await attention(wabaId)).toHaveLength(0);
  });

  it('links to the onboarding that already references the WABA, once', async () => {
    const c = await createCustomer();
    const value = { event: 'PARTNER_ADDED', waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId } };
    const [event] = await deliver(c.waba.metaWabaId, [accountUpdate(value)], t0);
    await replayChanges([event!.id]);
    const rows = await db()
      .select()
      .from(onboardingEvents)
      .where(and(eq(onboardingEvents.sessionId, c.session.id), eq(onboardingEvents.type, 'webhook.partner_added')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ eventId: event!.id, event: 'PARTNER_ADDED' });
    expect(await attention(c.waba.metaWabaId, 'finish_onboarding')).toHaveLength(0);
  });
});

describe('account_update PARTNER_REMOVED / PARTNER_APP_UNINSTALLED', () => {
  it('disconnects the WABA, stops its running onboarding and flags the credit line for staff', async () => {
    const c = await createCustomer({ coexistence: true });
    await db().update(onboardingSessions).set({ status: 'running' }).where(eq(onboardingSessions.id, c.session.id));
    await db().insert(operationRuns).values({ id: c.session.id, operation: 'onboarding', subjectType: 'onboarding_session', subjectId: c.session.id });
    await db()
      .insert(operationSteps)
      .values([
        { runId: c.session.id, name: 'subscribe_app', status: 'done' },
        { runId: c.session.id, name: 'share_credit_line', status: 'retrying' },
        { runId: c.session.id, name: 'register_phone', status: 'pending' },
      ]);
    const [event] = await deliver(
      c.waba.metaWabaId,
      [
        accountUpdate({
          event: 'PARTNER_REMOVED',
          waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId },
          disconnection_info: { reason: 'PRIMARY_INACTIVITY', initiated_by: 'SYSTEM' },
        }),
      ],
      t0 + 60,
    );
    expect(event!.status).toBe('processed');
    const waba = await wabaRow(c.waba.metaWabaId);
    expect(waba!.status).toBe('disconnected');
    expect(waba!.disconnectedAt?.toISOString()).toBe(new Date((t0 + 60) * 1000).toISOString());
    expect(waba!.flags.disconnection_info?.value).toEqual({ reason: 'PRIMARY_INACTIVITY', initiated_by: 'SYSTEM' });
    const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, c.session.id));
    expect(session!.status).toBe('failed');
    expect(session!.statusMessage).toMatch(/removed us as a partner/);
    const steps = await db().select().from(operationSteps).where(eq(operationSteps.runId, c.session.id));
    expect(Object.fromEntries(steps.map((s) => [s.name, s.status]))).toEqual({
      subscribe_app: 'done',
      share_credit_line: 'skipped',
      register_phone: 'skipped',
    });
    const [run] = await db().select().from(operationRuns).where(eq(operationRuns.id, c.session.id));
    expect(run).toMatchObject({ status: 'cancelled', statusMessage: expect.stringMatching(/removed us as a partner/) });
    expect(await attention(c.waba.metaWabaId, 'credit_line_revoke')).toHaveLength(1);

    // A late, older PARTNER_ADDED does not reconnect it.
    await deliver(
      c.waba.metaWabaId,
      [accountUpdate({ event: 'PARTNER_ADDED', waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId } })],
      t0,
    );
    expect((await wabaRow(c.waba.metaWabaId))!.status).toBe('disconnected');
  });

  it('queues the credit line revocation when the setting says so', async () => {
    await startJobs({ work: false, jobs: allJobs });
    await jobs().createQueue(revokeCreditLineJob.name);
    await db().insert(settings).values({ key: revokeCreditLineSetting, value: true });
    const c = await createCustomer();
    const value = {
      event: 'PARTNER_APP_UNINSTALLED',
      waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId, partner_app_id: metaConfig().appId },
    };
    const [event] = await deliver(c.waba.metaWabaId, [accountUpdate(value)], t0);
    await replayChanges([event!.id]);
    expect(await attention(c.waba.metaWabaId, 'credit_line_revoke_requested')).toHaveLength(1);
    expect(await attention(c.waba.metaWabaId, 'credit_line_revoke')).toHaveLength(0);
    let queued: unknown[] = [];
    for (let i = 0; i < 50 && queued.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      queued = (await jobs().fetch(revokeCreditLineJob.name, { batchSize: 10 })).map((j) => j.data);
    }
    expect(queued).toEqual([{ wabaId: c.waba.metaWabaId, ownerBusinessId: c.business.metaBusinessId }]);
    await db().delete(settings).where(eq(settings.key, revokeCreditLineSetting));
    await stopJobs();
  });

  it('ignores another app being uninstalled', async () => {
    const c = await createCustomer();
    const [event] = await deliver(
      c.waba.metaWabaId,
      [
        accountUpdate({
          event: 'PARTNER_APP_UNINSTALLED',
          waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId, partner_app_id: '670843887433847' },
        }),
      ],
      t0,
    );
    expect(event!.status).toBe('ignored');
    expect((await wabaRow(c.waba.metaWabaId))!.status).toBe('connected');
  });
});

describe('account_update: account state events', () => {
  it('records violations, restrictions, bans and country, and tells staff', async () => {
    const c = await createCustomer();
    const id = c.waba.metaWabaId;
    const events = await deliver(
      id,
      [
        accountUpdate({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }),
        accountUpdate({ event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1767312000 }] }),
        accountUpdate({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: 'April 17, 2025' } }),
        accountUpdate({ event: 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE', country: 'BR' }),
        accountUpdate({
          event: 'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE',
          auth_international_rate_eligibility: { start_time: t0, exception_countries: [{ country_code: 'ID', start_time: 1769904000 }] },
        }),
        accountUpdate({ event: 'SOMETHING_NEW', detail: 42 }),
      ],
      t0,
    );
    expect(events.map((e) => e.status)).toEqual(Array(6).fill('processed'));
    const waba = await wabaRow(id);
    expect(waba).toMatchObject({
      violationType: 'ADULT',
      restrictions: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1767312000 }],
      banState: 'DISABLE',
      status: 'connected',
      country: 'BR',
    });
    expect(waba!.flags.SOMETHING_NEW?.value).toEqual({ detail: 42 });
    expect(waba!.flags.AUTH_INTL_PRICE_ELIGIBILITY_UPDATE?.value).toMatchObject({ auth_international_rate_eligibility: { start_time: t0 } });
    expect((await attention(id)).map((a) => a.kind).sort()).toEqual(['account_disabled', 'account_restriction', 'account_violation']);
  });

  it('keeps the newest value when an older change arrives late', async () => {
    const c = await createCustomer();
    const id = c.waba.metaWabaId;
    await deliver(id, [accountUpdate({ event: 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE', country: 'IN' })], t0 + 100);
    await deliver(id, [accountUpdate({ event: 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE', country: 'BR' })], t0);
    const waba = await wabaRow(id);
    expect(waba!.country).toBe('IN');
    expect(waba!.flags.BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE?.value).toEqual({ country: 'IN' });
  });

  it('marks deleted, offboarded and reconnected WABAs', async () => {
    const c = await createCustomer({ coexistence: true });
    const id = c.waba.metaWabaId;
    const info = { waba_id: id, owner_business_id: c.business.metaBusinessId };
    await deliver(
      id,
      [accountUpdate({ event: 'ACCOUNT_OFFBOARDED', waba_info: info, disconnection_info: { reason: 'COMPANION_INACTIVITY', initiated_by: 'SYSTEM' } })],
      t0,
    );
    let waba = await wabaRow(id);
    expect(waba!.status).toBe('disconnected');
    expect(waba!.flags.disconnection_info?.value).toMatchObject({ reason: 'COMPANION_INACTIVITY' });
    await deliver(id, [accountUpdate({ event: 'ACCOUNT_RECONNECTED', waba_info: info })], t0 + 10);
    waba = await wabaRow(id);
    expect(waba).toMatchObject({ status: 'connected', disconnectedAt: null });
    await deliver(id, [accountUpdate({ event: 'ACCOUNT_DELETED' })], t0 + 20);
    await deliver(id, [accountUpdate({ event: 'ACCOUNT_RECONNECTED', waba_info: info, extra: 1 })], t0 + 30);
    expect((await wabaRow(id))!.status).toBe('deleted');
  });

  it('records business verification outcomes with normalised rejection reasons', async () => {
    const c = await createCustomer();
    const id = c.waba.metaWabaId;
    await deliver(
      id,
      [
        accountUpdate({
          event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
          partner_client_certification_info: {
            client_business_id: c.business.metaBusinessId,
            status: 'FAILED',
            rejection_reasons: ['LEGAL NAME NOT MATCHING', 'WEBSITE_NOT_MATCHING'],
          },
        }),
      ],
      t0,
    );
    const [business] = await db().select().from(businesses).where(eq(businesses.id, c.business.id));
    expect(business!.verificationStatus).toBe('rejected');
    const [item] = await attention(id, 'business_verification_rejected');
    expect(item!.data).toMatchObject({ rejectionReasons: ['LEGAL_NAME_NOT_MATCHING', 'WEBSITE_NOT_MATCHING'] });

    await deliver(
      id,
      [
        accountUpdate({
          event: 'PARTNER_CLIENT_CERTIFICATION_NEEDED',
          partner_client_certification_needed_info: { client_business_id: c.business.metaBusinessId },
        }),
      ],
      t0,
    );
    expect(await attention(id, 'business_verification_needed')).toHaveLength(1);
    expect(normaliseRejectionReasons(['NONE'])).toEqual([]);
  });

  it('processes changes for a WABA we do not know without creating it', async () => {
    const id = metaId('2');
    const [event] = await deliver(id, [accountUpdate({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } })], t0);
    expect(event!.status).toBe('processed');
    expect(await wabaRow(id)).toBeUndefined();
    expect(await attention(id, 'account_violation')).toHaveLength(1);
  });

  it('marks a malformed payload failed with a readable error', async () => {
    const c = await createCustomer();
    const [event] = await deliver(c.waba.metaWabaId, [accountUpdate({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_date: 'soon' } })], t0);
    expect(event!.status).toBe('failed');
    expect(event!.lastError).toMatch(/Invalid account_update DISABLED_UPDATE payload: ban_info\.waba_ban_state/);
    expect(event!.nextAttemptAt).not.toBeNull();
    const [waba] = await db().select().from(wabas).where(eq(wabas.id, c.waba.id));
    expect(waba!.flags).toEqual({});
  });
});
