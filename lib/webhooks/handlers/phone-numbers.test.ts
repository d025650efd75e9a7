import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, phoneNumbers } from '@/lib/db/schema';
import { createCustomer, deliver, wabaRow } from '@/test/webhook-fixtures';

const t0 = 1767225600;

async function phone(id: string) {
  const [row] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, id));
  return row!;
}

async function kinds(wabaId: string) {
  const rows = await db().select().from(attentionItems).where(eq(attentionItems.wabaId, wabaId));
  return rows.map((r) => r.kind).sort();
}

describe('phone_number_name_update', () => {
  it('records a rejection for staff and an approval as the verified name', async () => {
    const c = await createCustomer();
    const name = (decision: string, extra: Record<string, unknown> = {}) => ({
      field: 'phone_number_name_update',
      value: { display_phone_number: c.displayDigits, decision, requested_verified_name: 'Acme Support', rejection_reason: null, ...extra },
    });
    await deliver(c.waba.metaWabaId, [name('REJECTED', { rejection_reason: 'NAME_FORMAT_UNACCEPTABLE' })], t0);
    expect(await phone(c.phone.id)).toMatchObject({
      nameStatus: 'DECLINED',
      requestedVerifiedName: 'Acme Support',
      nameRejectionReason: 'NAME_FORMAT_UNACCEPTABLE',
    });
    expect(await kinds(c.waba.metaWabaId)).toEqual(['display_name_rejected']);

    await deliver(c.waba.metaWabaId, [name('APPROVED')], t0 + 60);
    // A PENDING decision from before the approval arrives late and changes nothing.
    await deliver(c.waba.metaWabaId, [name('PENDING')], t0 + 30);
    expect(await phone(c.phone.id)).toMatchObject({ nameStatus: 'APPROVED', verifiedName: 'Acme Support', nameRejectionReason: null });
  });
});

describe('phone_number_quality_update', () => {
  it('keeps the newest event and limit', async () => {
    const c = await createCustomer();
    const quality = (event: string, limit: Record<string, unknown>) => ({
      field: 'phone_number_quality_update',
      value: { display_phone_number: c.displayDigits, event, ...limit },
    });
    await deliver(
      c.waba.metaWabaId,
      [quality('THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED', max_daily_conversations_per_business: 'TIER_2K' })],
      t0 + 100,
    );
    await deliver(c.waba.metaWabaId, [quality('ONBOARDING', { max_daily_conversations_per_business: 'TIER_250' })], t0);
    expect(await phone(c.phone.id)).toMatchObject({ qualityEvent: 'THROUGHPUT_UPGRADE', currentLimit: 'TIER_2K' });
    await deliver(c.waba.metaWabaId, [quality('FLAGGED', { current_limit: 'TIER_250' })], t0 + 200);
    expect(await phone(c.phone.id)).toMatchObject({ qualityEvent: 'FLAGGED', currentLimit: 'TIER_250' });
    expect(await kinds(c.waba.metaWabaId)).toEqual(['phone_quality']);
  });
});

describe('security', () => {
  it('flags PIN reset requests for staff', async () => {
    const c = await createCustomer();
    const security = (event: string) => ({ field: 'security', value: { display_phone_number: c.displayDigits, event, requester: '10222270944537964' } });
    const events = await deliver(c.waba.metaWabaId, [security('PIN_CHANGED'), security('PIN_RESET_REQUEST')], t0);
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed']);
    expect(await kinds(c.waba.metaWabaId)).toEqual(['security']);
    expect((await wabaRow(c.waba.metaWabaId))!.flags[`security:${c.displayDigits}`]).toBeDefined();
  });
});
