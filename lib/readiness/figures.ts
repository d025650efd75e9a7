import { and, between, desc, eq, lte, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, messageDailyCounts, phoneNumbers, phoneQualityDays, wabas } from '@/lib/db/schema';
import { defineJob, noData } from '@/lib/jobs';

// The Tech Partner upgrade's eligibility figures from our own data (Meta: Upgrading to a Tech
// Partner, Eligibility Requirements): at least 2,500 average daily messages sent or received over
// the last 7 days, 10 or more business customers that sent at least one message in the last 30
// days, and a phone number quality rating of 90% or better. Days are UTC days, today included;
// each figure is compared with the period just before it.

export const targets = { dailyMessages: 2500, activeCustomers: 10, quality: 0.9 } as const;

const ratedValues = ['GREEN', 'YELLOW', 'RED'];

export function utcDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return utcDay(new Date(Date.UTC(y, m - 1, d + days)));
}

export type Contributor = { metaBusinessId: string | null; name: string | null; messages: number };

/** Messages sent and received per customer between two days (inclusive), most first. */
async function messagesByCustomer(from: string, to: string, limit: number): Promise<Contributor[]> {
  const total = sql<number>`sum(${messageDailyCounts.sent} + ${messageDailyCounts.inbound})::int`;
  const rows = await db()
    .select({ metaBusinessId: businesses.metaBusinessId, name: businesses.name, messages: total })
    .from(messageDailyCounts)
    .leftJoin(phoneNumbers, eq(phoneNumbers.metaPhoneNumberId, messageDailyCounts.phoneNumberId))
    .leftJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(between(messageDailyCounts.day, from, to))
    .groupBy(businesses.metaBusinessId, businesses.name)
    .orderBy(desc(total))
    .limit(limit);
  return rows.filter((r) => r.messages > 0);
}

async function totalMessages(from: string, to: string): Promise<number> {
  const [row] = await db()
    .select({ n: sql<number>`coalesce(sum(${messageDailyCounts.sent} + ${messageDailyCounts.inbound}), 0)::int` })
    .from(messageDailyCounts)
    .where(between(messageDailyCounts.day, from, to));
  return row?.n ?? 0;
}

/** Customers (business portfolios) whose numbers sent at least one message between two days, most messages first. */
async function activeCustomers(from: string, to: string) {
  const sent = sql<number>`sum(${messageDailyCounts.sent})::int`;
  return db()
    .select({ metaBusinessId: businesses.metaBusinessId, name: businesses.name, messages: sent })
    .from(messageDailyCounts)
    .innerJoin(phoneNumbers, eq(phoneNumbers.metaPhoneNumberId, messageDailyCounts.phoneNumberId))
    .innerJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .innerJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(between(messageDailyCounts.day, from, to))
    .groupBy(businesses.metaBusinessId, businesses.name)
    .having(sql`sum(${messageDailyCounts.sent}) > 0`)
    .orderBy(desc(sent));
}

/** Our connected numbers as Meta last rated them. */
async function currentRatings() {
  return db()
    .select({
      metaPhoneNumberId: phoneNumbers.metaPhoneNumberId,
      displayPhoneNumber: phoneNumbers.displayPhoneNumber,
      rating: phoneNumbers.qualityRating,
      metaBusinessId: businesses.metaBusinessId,
      businessName: businesses.name,
      metaWabaId: wabas.metaWabaId,
    })
    .from(phoneNumbers)
    .innerJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(eq(wabas.status, 'connected'));
}

/** Each number's newest recorded rating on or before `day`. */
async function ratingsOn(day: string): Promise<string[]> {
  const rows = await db()
    .selectDistinctOn([phoneQualityDays.phoneNumberId], { rating: phoneQualityDays.rating })
    .from(phoneQualityDays)
    .where(and(lte(phoneQualityDays.day, day), sql`${phoneQualityDays.day} > ${addDays(day, -7)}`))
    .orderBy(phoneQualityDays.phoneNumberId, desc(phoneQualityDays.day));
  return rows.map((r) => r.rating);
}

/** The share of rated numbers that are GREEN; null when none is rated. */
export function greenShare(ratings: readonly (string | null)[]): number | null {
  const rated = ratings.filter((r): r is string => r !== null && ratedValues.includes(r));
  if (rated.length === 0) return null;
  return rated.filter((r) => r === 'GREEN').length / rated.length;
}

export async function readinessFigures(today: string = utcDay()) {
  const week = { from: addDays(today, -6), to: today };
  const previousWeek = { from: addDays(today, -13), to: addDays(today, -7) };
  const month = { from: addDays(today, -29), to: today };
  const previousMonth = { from: addDays(today, -59), to: addDays(today, -30) };
  const [weekTotal, previousWeekTotal, weekContributors, active, previousActive, ratings, previousRatings] = await Promise.all([
    totalMessages(week.from, week.to),
    totalMessages(previousWeek.from, previousWeek.to),
    messagesByCustomer(week.from, week.to, 5),
    activeCustomers(month.from, month.to),
    activeCustomers(previousMonth.from, previousMonth.to),
    currentRatings(),
    ratingsOn(addDays(today, -7)),
  ]);
  const rated = ratings.filter((r) => r.rating !== null && ratedValues.includes(r.rating));
  return {
    today,
    messages: {
      window: week,
      total: weekTotal,
      average: weekTotal / 7,
      previousAverage: previousWeekTotal / 7,
      target: targets.dailyMessages,
      contributors: weekContributors,
    },
    activeCustomers: {
      window: month,
      current: active.length,
      previous: previousActive.length,
      target: targets.activeCustomers,
      contributors: active.slice(0, 5),
    },
    quality: {
      share: greenShare(ratings.map((r) => r.rating)),
      previousShare: greenShare(previousRatings),
      target: targets.quality,
      rated: rated.length,
      green: rated.filter((r) => r.rating === 'GREEN').length,
      unrated: ratings.length - rated.length,
      notGreen: rated.filter((r) => r.rating !== 'GREEN'),
    },
  };
}

/** Records today's rating of every connected number (once a day; the quality trend compares with a week earlier). */
export async function recordQualityDay(today: string = utcDay()): Promise<number> {
  const ratings = (await currentRatings()).filter((r) => r.rating !== null);
  if (ratings.length === 0) return 0;
  await db()
    .insert(phoneQualityDays)
    .values(ratings.map((r) => ({ phoneNumberId: r.metaPhoneNumberId, day: today, rating: r.rating! })))
    .onConflictDoUpdate({ target: [phoneQualityDays.phoneNumberId, phoneQualityDays.day], set: { rating: sql`excluded.rating` } });
  return ratings.length;
}

export const recordQualityJob = defineJob({
  name: 'readiness.record-quality',
  schema: noData,
  schedule: '55 23 * * *',
  async handle() {
    await recordQualityDay();
  },
});
