import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { businesses, messageDailyCounts, phoneNumbers, phoneQualityDays, wabas } from '@/lib/db/schema';
import { addDays, readinessFigures, recordQualityDay } from '@/lib/readiness/figures';

// The Tech Partner readiness figures from seeded message_daily_counts and numbers: each figure, its
// previous period, the customers contributing most, and that every one of them moves with the data.

const today = '2026-03-15';
const day = (offset: number) => addDays(today, offset);

type Customer = { name: string; phone: string };
const acme: Customer = { name: 'Acme Ltd', phone: '810000000001' };
const brew: Customer = { name: 'Brew & Co', phone: '810000000002' };
const cedar: Customer = { name: 'Cedar Clinic', phone: '810000000003' };
const unrated: Customer = { name: 'New Shop', phone: '810000000004' };
const strangerPhone = '819999999999';

async function addCustomer(c: Customer, i: number, rating: string | null) {
  const [business] = await db()
    .insert(businesses)
    .values({ metaBusinessId: `710000000000${i}`, name: c.name })
    .returning();
  const [waba] = await db()
    .insert(wabas)
    .values({ metaWabaId: `720000000000${i}`, businessId: business!.id })
    .returning();
  await db()
    .insert(phoneNumbers)
    .values({ metaPhoneNumberId: c.phone, wabaId: waba!.id, displayPhoneNumber: `+1 555 000 ${i}`, qualityRating: rating });
}

async function count(phone: string, d: string, values: { sent?: number; inbound?: number }) {
  await db()
    .insert(messageDailyCounts)
    .values({ phoneNumberId: phone, day: d, sent: values.sent ?? 0, inbound: values.inbound ?? 0 })
    .onConflictDoUpdate({
      target: [messageDailyCounts.phoneNumberId, messageDailyCounts.day],
      set: { sent: sql`${messageDailyCounts.sent} + ${values.sent ?? 0}`, inbound: sql`${messageDailyCounts.inbound} + ${values.inbound ?? 0}` },
    });
}

beforeAll(async () => {
  await addCustomer(acme, 1, 'GREEN');
  await addCustomer(brew, 2, 'YELLOW');
  await addCustomer(cedar, 3, 'GREEN');
  await addCustomer(unrated, 4, 'NA');
  for (let i = 0; i < 7; i++) await count(acme.phone, day(-i), { sent: 700, inbound: 300 });
  await count(brew.phone, day(-20), { sent: 1 });
  await count(cedar.phone, day(-2), { inbound: 40 });
  await count(strangerPhone, day(-1), { sent: 10 });
  // The previous periods: a quiet week before, and one customer active the month before.
  await count(acme.phone, day(-8), { sent: 100 });
  await count(cedar.phone, day(-40), { sent: 5 });
  for (const [phone, rating] of [
    [acme.phone, 'GREEN'],
    [brew.phone, 'GREEN'],
    [cedar.phone, 'GREEN'],
  ] as const) {
    await db()
      .insert(phoneQualityDays)
      .values({ phoneNumberId: phone, day: day(-7), rating });
  }
});

describe('Tech Partner readiness figures', () => {
  it('averages messages sent and received over the 7 days, against the week before, with the biggest customers first', async () => {
    const f = await readinessFigures(today);
    expect(f.messages.window).toEqual({ from: day(-6), to: today });
    expect(f.messages.total).toBe(7 * 1000 + 40 + 10);
    expect(f.messages.average).toBeCloseTo(7050 / 7);
    expect(f.messages.previousAverage).toBeCloseTo(100 / 7);
    expect(f.messages.contributors).toEqual([
      { metaBusinessId: '7100000000001', name: 'Acme Ltd', messages: 7000 },
      { metaBusinessId: '7100000000003', name: 'Cedar Clinic', messages: 40 },
      { metaBusinessId: null, name: null, messages: 10 },
    ]);
  });

  it('counts customers that sent at least one message in 30 days, not those that only received', async () => {
    const f = await readinessFigures(today);
    expect(f.activeCustomers.current).toBe(2);
    expect(f.activeCustomers.previous).toBe(1);
    expect(f.activeCustomers.contributors.map((c) => [c.name, c.messages])).toEqual([
      ['Acme Ltd', 5000],
      ['Brew & Co', 1],
    ]);
  });

  it('takes the share of rated numbers that are GREEN, against the ratings recorded a week earlier', async () => {
    const f = await readinessFigures(today);
    expect(f.quality).toMatchObject({ share: 2 / 3, previousShare: 1, rated: 3, green: 2, unrated: 1 });
    expect(f.quality.notGreen.map((n) => [n.metaPhoneNumberId, n.rating])).toEqual([[brew.phone, 'YELLOW']]);
  });

  it('moves every figure with the data', async () => {
    await count(cedar.phone, today, { sent: 2000 });
    await db().update(phoneNumbers).set({ qualityRating: 'GREEN' }).where(eq(phoneNumbers.metaPhoneNumberId, brew.phone));
    const f = await readinessFigures(today);
    expect(f.messages.average).toBeCloseTo(9050 / 7);
    expect(f.messages.contributors[0]).toMatchObject({ name: 'Acme Ltd', messages: 7000 });
    expect(f.messages.contributors[1]).toMatchObject({ name: 'Cedar Clinic', messages: 2040 });
    expect(f.activeCustomers.current).toBe(3);
    expect(f.quality.share).toBe(1);

    // A week later the numbers' recorded ratings are the comparison; Acme's messages have aged out.
    expect(await recordQualityDay(today)).toBe(4);
    const later = await readinessFigures(day(7));
    expect(later.quality.previousShare).toBe(1);
    expect(later.messages.previousAverage).toBeCloseTo(9050 / 7);
    expect(later.messages.total).toBe(0);
  });

  it('reads a week of counts through the day index, over a year of 200 numbers', async () => {
    await db().execute(sql`
      insert into message_daily_counts (phone_number_id, day, sent, inbound)
      select 'bulk' || n, to_char(date '2025-01-01' + d, 'YYYY-MM-DD'), 3, 2
      from generate_series(1, 200) n, generate_series(0, 364) d`);
    await db().execute(sql`analyze message_daily_counts`);
    const plan = rowsOf(await db().execute(sql`explain select sum(sent + inbound) from message_daily_counts where day between '2025-06-01' and '2025-06-07'`));
    const text = plan.map((row) => Object.values(row).join(' ')).join('\n');
    expect(text).toMatch(/message_daily_counts_day_idx/);
    await db().execute(sql`delete from message_daily_counts where phone_number_id like 'bulk%'`);
  });
});

/** Rows of a raw query on either backend (postgres.js returns an array, PGlite an object with rows). */
function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result)) return result as Array<Record<string, unknown>>;
  return (result as { rows: Array<Record<string, unknown>> }).rows;
}
