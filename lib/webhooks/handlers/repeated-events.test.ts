import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, phoneNumbers, webhookEvents } from '@/lib/db/schema';
import { createCustomer, deliver, wabaRow, type TestChange } from '@/test/webhook-fixtures';

// A genuinely repeated event (the same content with a later entry.time) is a new event, and each
// handler's ordering rule ends on the newest one whatever order the three arrive in. A re-delivery
// (same bytes, same entry.time) is still stored once.

const t1 = 1767225600;
const times = [t1, t1 + 60, t1 + 120];

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const label = (order: number[]) => (order.join('') === '012' ? 'in order' : `shuffled: ${order.map((i) => i + 1).join(', ')}`);
const orders = permutations([0, 1, 2]).map((order) => [label(order), order] as const);

async function openItems(wabaId: string, kind: string) {
  return db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, wabaId), eq(attentionItems.kind, kind), isNull(attentionItems.resolvedAt)));
}

async function storedFor(wabaId: string, field: string) {
  return db()
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.entryId, wabaId), eq(webhookEvents.field, field)));
}

async function play(wabaId: string, sequence: TestChange[], order: number[]) {
  for (const i of order) await deliver(wabaId, [sequence[i]!], times[i]);
}

describe('account review APPROVED → REJECTED → APPROVED', () => {
  const review = (decision: string): TestChange => ({ field: 'account_review_update', value: { decision } });
  it.each(orders)('ends APPROVED with no open rejection (%s)', async (_label, order) => {
    const c = await createCustomer();
    await play(c.waba.metaWabaId, [review('APPROVED'), review('REJECTED'), review('APPROVED')], order);
    expect((await storedFor(c.waba.metaWabaId, 'account_review_update')).length).toBe(3);
    expect((await wabaRow(c.waba.metaWabaId))!.accountReviewStatus).toBe('APPROVED');
    expect(await openItems(c.waba.metaWabaId, 'account_review_rejected')).toEqual([]);
  });
});

describe('PARTNER_ADDED → PARTNER_REMOVED → PARTNER_ADDED (a customer re-sharing)', () => {
  it.each(orders)('ends connected with no open request to revoke the credit line (%s)', async (_label, order) => {
    const c = await createCustomer();
    const connection = (event: string): TestChange => ({
      field: 'account_update',
      value: { event, waba_info: { waba_id: c.waba.metaWabaId, owner_business_id: c.business.metaBusinessId } },
    });
    await play(c.waba.metaWabaId, [connection('PARTNER_ADDED'), connection('PARTNER_REMOVED'), connection('PARTNER_ADDED')], order);
    expect((await storedFor(c.waba.metaWabaId, 'account_update')).length).toBe(3);
    const waba = (await wabaRow(c.waba.metaWabaId))!;
    expect(waba.status).toBe('connected');
    expect(waba.disconnectedAt).toBeNull();
    expect(await openItems(c.waba.metaWabaId, 'credit_line_revoke')).toEqual([]);
  });
});

describe('number FLAGGED → UNFLAGGED → FLAGGED', () => {
  it.each(orders)('ends FLAGGED with staff told once (%s)', async (_label, order) => {
    const c = await createCustomer();
    const quality = (event: string): TestChange => ({
      field: 'phone_number_quality_update',
      value: { display_phone_number: c.displayDigits, event, current_limit: 'TIER_1K' },
    });
    await play(c.waba.metaWabaId, [quality('FLAGGED'), quality('UNFLAGGED'), quality('FLAGGED')], order);
    expect((await storedFor(c.waba.metaWabaId, 'phone_number_quality_update')).length).toBe(3);
    const [phone] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, c.phone.id));
    expect(phone!.qualityEvent).toBe('FLAGGED');
    const open = await openItems(c.waba.metaWabaId, 'phone_quality');
    expect(open).toHaveLength(1);
    expect(open[0]!.message).toContain('flagged for low quality');
  });
});

describe('re-deliveries', () => {
  it('stores a re-delivered change once (same bytes, same entry.time), even after newer ones', async () => {
    const c = await createCustomer();
    const review = (decision: string): TestChange => ({ field: 'account_review_update', value: { decision } });
    await deliver(c.waba.metaWabaId, [review('APPROVED')], times[0]);
    await deliver(c.waba.metaWabaId, [review('REJECTED')], times[1]);
    // Meta retries the first delivery, and a second subscribed app gets it too.
    await deliver(c.waba.metaWabaId, [review('APPROVED')], times[0]);
    await deliver(c.waba.metaWabaId, [review('APPROVED')], times[0]);
    expect((await storedFor(c.waba.metaWabaId, 'account_review_update')).length).toBe(2);
    expect((await wabaRow(c.waba.metaWabaId))!.accountReviewStatus).toBe('REJECTED');
    expect(await openItems(c.waba.metaWabaId, 'account_review_rejected')).toHaveLength(1);
  });
});
