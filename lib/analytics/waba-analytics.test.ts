import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { wabas } from '@/lib/db/schema';
import { eq } from 'drizzle-orm';
import { bucketsOf, rangeFrom, wabaAnalytics } from '@/lib/analytics/waba-analytics';
import { createOnboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// A Measurement Partner's customer analytics, read with the read-only business token from its
// signup, against the sandbox's analytics derived from the messages the WABA sent.

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
  await meta.configure({ partnerType: 'measurement_partner' });
});

afterAll(async () => {
  await meta.close();
});

const day = 86_400_000;

describe('customer analytics', () => {
  it('reads conversations and delivered messages per day and category with the read-only token', async () => {
    const o = await createOnboarding(meta, 'measurement', 'measurement_partner');
    const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, o.metaWabaId));
    const phone = Object.values(meta.sandbox.state.phoneNumbers).find((p) => p.wabaId === o.metaWabaId)!;
    const now = meta.sandbox.clock.now();
    const base = {
      phoneNumberId: phone.id,
      wabaId: o.metaWabaId,
      type: 'template',
      pricingType: 'regular' as const,
      billable: true,
      status: 'delivered' as const,
    };
    // Another app of the customer sent these: analytics count every message of the WABA.
    meta.sandbox.state.messages.push(
      { ...base, id: 'wamid.a1', to: '16505550001', category: 'marketing', sentAt: now - 2 * day, deliveredAt: now - 2 * day + 1000 },
      { ...base, id: 'wamid.a2', to: '16505550002', category: 'utility', sentAt: now - 2 * day, deliveredAt: now - 2 * day + 1000 },
      { ...base, id: 'wamid.a3', to: '16505550003', category: 'marketing', sentAt: now - day, deliveredAt: now - day + 1000 },
    );
    const to = new Date(now).toISOString().slice(0, 10);
    const from = new Date(now - 6 * day).toISOString().slice(0, 10);
    const result = await wabaAnalytics(waba!, { from, to, granularity: 'DAILY' });
    if (!result.ok) throw new Error(result.problem);
    expect(result.conversations.total).toBe(3);
    expect(result.conversations.categories).toEqual(['MARKETING', 'UTILITY']);
    expect(result.conversations.buckets).toHaveLength(7);
    expect(result.conversations.buckets.map((b) => (b.values.MARKETING ?? 0) + (b.values.UTILITY ?? 0))).toEqual([0, 0, 0, 0, 2, 1, 0]);
    expect(result.pricing.totals).toEqual([
      { category: 'MARKETING', values: [2, 0.05] },
      { category: 'UTILITY', values: [1, 0.004] },
    ]);
    expect(result.pricing.cost).toBeCloseTo(0.054);

    // The figures move with the data.
    meta.sandbox.state.messages.push({ ...base, id: 'wamid.a4', to: '16505550004', category: 'utility', sentAt: now - 1000, deliveredAt: now - 500 });
    const again = await wabaAnalytics(waba!, { from, to, granularity: 'DAILY' });
    expect(again.ok && again.pricing.total).toBe(4);
  });

  it('explains a missing token and keeps bad ranges to the last 30 days with the reason', async () => {
    const [row] = await db().insert(wabas).values({ metaWabaId: '2999000000000001' }).returning();
    expect(await wabaAnalytics(row!, { from: '2026-01-01', to: '2026-01-31', granularity: 'DAILY' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('no working business token'),
    });
    expect(rangeFrom({ from: '2026-02-10', to: '2026-02-01', granularity: 'DAILY' }).problem).toBe(
      'The start date must be on or before the end date. Showing the last 30 days instead.',
    );
    expect(rangeFrom({ from: '2026-02-01', to: '2026-02-10', granularity: 'HALF_HOUR' }).problem).toMatch(/Half-hour buckets/);
    expect(rangeFrom({}).range.granularity).toBe('DAILY');
    const monthly = bucketsOf(
      [],
      { start: new Date('2026-01-15T00:00:00Z'), end: new Date('2026-03-02T00:00:00Z'), granularity: 'MONTHLY' },
      () => 'ALL',
      () => 1,
    );
    expect(monthly.map((b) => b.label)).toEqual(['2026-01', '2026-02', '2026-03']);
  });
});
