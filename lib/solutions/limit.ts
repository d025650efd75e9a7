import { and, count, eq, gt, inArray, isNotNull, lte, min, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { solutions, wabas, type SignupLink } from '@/lib/db/schema';
import { solutionRules } from '@/lib/programs';
import { partnerType } from '@/lib/settings';

// The onboarding limit of a Tech Provider in a Multi-Partner Solution: at most 200 new customers in
// a rolling 7 days; only customers new to the platform count (Meta: Multi-Partner Solutions,
// "Onboarding Limits"; docs/meta/multi-partner-solutions.md). We cannot see the whole platform, so a
// customer counts when its first WhatsApp account with us came through a solution (our signup, or
// Meta's PARTNER_ADDED webhook for a signup our partner hosted): never fewer than Meta counts.

export const weeklyLimit = 200;
export const warnAt = 160;
export const windowMs = 7 * 24 * 3600_000;

export type OnboardingLimit = {
  /** A Tech Provider with at least one Active solution. */
  applies: boolean;
  count: number;
  limit: number;
  /** Reached 80 % of the limit. */
  warning: boolean;
  reached: boolean;
  /** When the oldest counted customer leaves the window (one place frees up); null with none counted. */
  resetsAt: Date | null;
  windowStart: Date;
};

/** New customers through solutions in the 7 days before `now`, each customer business once. */
export async function countSolutionCustomers(now: Date = new Date()): Promise<{ count: number; oldest: Date | null }> {
  const since = new Date(now.getTime() - windowMs);
  const firsts = db()
    .$with('firsts')
    .as(
      db()
        .select({
          solutionId: wabas.solutionId,
          createdAt: wabas.createdAt,
          // A customer's first WABA with us, whichever way it came; WABAs without a known business stand alone.
          rank: sql<number>`row_number() over (partition by coalesce(${wabas.businessId}::text, ${wabas.id}::text) order by ${wabas.createdAt}, ${wabas.id})`.as(
            'rank',
          ),
        })
        .from(wabas),
    );
  const [row] = await db()
    .with(firsts)
    .select({ n: count(), oldest: min(firsts.createdAt) })
    .from(firsts)
    .where(and(eq(firsts.rank, 1), isNotNull(firsts.solutionId), gt(firsts.createdAt, since), lte(firsts.createdAt, now)));
  return { count: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

async function inASolution(): Promise<boolean> {
  const [row] = await db()
    .select({ id: solutions.metaSolutionId })
    .from(solutions)
    .where(and(eq(solutions.status, 'ACTIVE'), inArray(solutions.role, ['owner', 'partner'])))
    .limit(1);
  return row !== undefined;
}

export async function onboardingLimit(now: Date = new Date()): Promise<OnboardingLimit> {
  const [type, counted, member] = await Promise.all([partnerType(), countSolutionCustomers(now), inASolution()]);
  const applies = solutionRules(type).onboardingLimit && member;
  return {
    applies,
    count: counted.count,
    limit: weeklyLimit,
    warning: applies && counted.count >= warnAt,
    reached: applies && counted.count >= weeklyLimit,
    resetsAt: counted.oldest ? new Date(counted.oldest.getTime() + windowMs) : null,
    windowStart: new Date(now.getTime() - windowMs),
  };
}

const utc = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** What a customer reads when a solution signup cannot start because the limit is reached; null when it can. */
export async function solutionSignupRefusal(link: Pick<SignupLink, 'solutionId'>, now: Date = new Date()): Promise<string | null> {
  if (!link.solutionId) return null;
  const limit = await onboardingLimit(now);
  if (!limit.reached) return null;
  const after = limit.resetsAt ? ` Please try again after ${utc.format(limit.resetsAt)} UTC, or contact us.` : ' Please contact us.';
  return `We cannot connect new accounts through this partner solution right now: Meta limits how many new customers we may connect through it each week, and this week’s limit is reached.${after}`;
}
