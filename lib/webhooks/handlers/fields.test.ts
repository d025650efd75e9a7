import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, solutions } from '@/lib/db/schema';
import { createCustomer, deliver, metaId, wabaRow } from '@/test/webhook-fixtures';

const t0 = 1767225600;

async function kinds(wabaId: string) {
  const rows = await db().select().from(attentionItems).where(eq(attentionItems.wabaId, wabaId));
  return rows.map((r) => r.kind).sort();
}

describe('partner_solutions', () => {
  it('keeps the newest solution status, splitting out the pending request', async () => {
    const solutionId = metaId('7');
    const change = (status: string) => ({ field: 'partner_solutions', value: { event: 'SOLUTION_UPDATED', solution_id: solutionId, solution_status: status } });
    const [event] = await deliver(
      '506914307656634',
      [{ field: 'partner_solutions', value: { event: 'SOLUTION_CREATED', solution_id: solutionId, solution_status: 'INITIATED' } }],
      t0,
    );
    expect(event!.status).toBe('processed');
    await deliver('506914307656634', [change('ACTIVE')], t0 + 10);
    await deliver('506914307656634', [change('PENDING_DEACTIVATION')], t0 + 20);
    let [row] = await db().select().from(solutions).where(eq(solutions.metaSolutionId, solutionId));
    expect(row).toMatchObject({ status: 'ACTIVE', pendingRequestStatus: 'PENDING_DEACTIVATION' });
    await deliver('506914307656634', [change('DEACTIVATED')], t0 + 30);
    // A late INITIATED (older) changes nothing.
    await deliver('506914307656634', [change('INITIATED')], t0 + 5);
    [row] = await db().select().from(solutions).where(eq(solutions.metaSolutionId, solutionId));
    expect(row).toMatchObject({ status: 'DEACTIVATED', pendingRequestStatus: 'NONE' });
  });
});

describe('account_review_update', () => {
  it('never lets an older or same-instant PENDING undo a decision', async () => {
    const c = await createCustomer();
    const review = (decision: string) => ({ field: 'account_review_update', value: { decision } });
    await deliver(c.waba.metaWabaId, [review('APPROVED')], t0 + 10);
    await deliver(c.waba.metaWabaId, [review('PENDING')], t0);
    await deliver(c.waba.metaWabaId, [review('PENDING')], t0 + 10);
    expect((await wabaRow(c.waba.metaWabaId))!.accountReviewStatus).toBe('APPROVED');
    await deliver(c.waba.metaWabaId, [review('REJECTED')], t0 + 20);
    expect((await wabaRow(c.waba.metaWabaId))!.accountReviewStatus).toBe('REJECTED');
    expect(await kinds(c.waba.metaWabaId)).toEqual(['account_review_rejected']);
  });
});

describe('business_capability_update', () => {
  it('stores the messaging limit as tier or number', async () => {
    const c = await createCustomer();
    await deliver(
      c.waba.metaWabaId,
      [{ field: 'business_capability_update', value: { max_daily_conversations_per_business: 'TIER_10K', max_phone_numbers_per_waba: 25 } }],
      t0 + 10,
    );
    await deliver(c.waba.metaWabaId, [{ field: 'business_capability_update', value: { max_daily_conversations_per_business: 2000 } }], t0);
    let waba = await wabaRow(c.waba.metaWabaId);
    expect(waba!.messagingLimit).toBe('TIER_10K');
    expect(waba!.flags.business_capability_update?.value).toMatchObject({ max_phone_numbers_per_waba: 25 });
    await deliver(c.waba.metaWabaId, [{ field: 'business_capability_update', value: { max_daily_conversation_per_phone: 100000 } }], t0 + 20);
    waba = await wabaRow(c.waba.metaWabaId);
    expect(waba!.messagingLimit).toBe('100000');
  });
});

describe('account_alerts', () => {
  it('records alerts and tells staff about active warnings only', async () => {
    const c = await createCustomer();
    const alert = (type: string, severity: string, status = 'ACTIVE') => ({
      field: 'account_alerts',
      value: {
        entity_type: 'BUSINESS',
        entity_id: c.business.metaBusinessId,
        alert_info: { alert_severity: severity, alert_status: status, alert_type: type, alert_description: 'Limits cannot be increased for your business ...' },
      },
    });
    await deliver(
      c.waba.metaWabaId,
      [
        alert('INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED', 'WARNING'),
        alert('OBA_APPROVED', 'INFORMATIONAL'),
        alert('PROFILE_PICTURE_LOST', 'CRITICAL', 'NONE'),
      ],
      t0,
    );
    expect(await kinds(c.waba.metaWabaId)).toEqual(['account_alert']);
    expect((await wabaRow(c.waba.metaWabaId))!.flags['account_alerts:OBA_APPROVED']).toBeDefined();
  });
});

describe('user_preferences, payment_configuration_update, automatic_events', () => {
  it('keeps the latest of each on the WABA and flags payment configurations that need work', async () => {
    const c = await createCustomer();
    const metadata = { display_phone_number: c.displayDigits, phone_number_id: c.phone.metaPhoneNumberId };
    const events = await deliver(
      c.waba.metaWabaId,
      [
        {
          field: 'user_preferences',
          value: {
            messaging_product: 'whatsapp',
            metadata,
            contacts: [{ profile: { name: 'Jane Doe' }, wa_id: '16505551234' }],
            user_preferences: [
              { wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: t0 },
            ],
          },
        },
        {
          field: 'payment_configuration_update',
          value: {
            configuration_name: 'razorpay-prod',
            provider_name: 'razorpay',
            provider_mid: 'acc_GP4lfNA0iIMn5B',
            status: 'Needs Testing',
            created_timestamp: t0 - 86400,
            updated_timestamp: t0,
          },
        },
        {
          field: 'automatic_events',
          value: {
            messaging_product: 'whatsapp',
            metadata,
            automatic_events: [
              { id: 'wamid.AE1', event_name: 'Purchase', timestamp: t0, ctwa_clid: 'Afc3nYt4', custom_data: { currency: 'USD', value: 25000 } },
            ],
          },
        },
      ],
      t0,
    );
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed', 'processed']);
    const waba = await wabaRow(c.waba.metaWabaId);
    expect(waba!.flags['user_preferences:marketing_messages']?.value).toEqual({ value: 'stop' });
    expect(JSON.stringify(waba!.flags)).not.toContain('16505551234');
    expect(waba!.flags['payment_configuration_update:razorpay-prod']?.value).toMatchObject({ status: 'Needs Testing' });
    expect(waba!.flags['automatic_events:Purchase']?.value).toMatchObject({ customData: { currency: 'USD', value: 25000 } });
    expect(await kinds(c.waba.metaWabaId)).toEqual(['payment_configuration']);

    // An older "Active" does not clear the newer state.
    await deliver(
      c.waba.metaWabaId,
      [{ field: 'payment_configuration_update', value: { configuration_name: 'razorpay-prod', status: 'Active', updated_timestamp: t0 - 100 } }],
      t0,
    );
    expect((await wabaRow(c.waba.metaWabaId))!.flags['payment_configuration_update:razorpay-prod']?.value).toMatchObject({ status: 'Needs Testing' });
  });
});
