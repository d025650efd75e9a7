import { and, asc, eq, gte, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { graphCalls } from '@/lib/db/schema';

// Register and deregister share a budget of 10 requests per number in 72 hours; past it Meta answers
// 133016 and the number is blocked until the window has passed (docs/meta/phone-numbers.md#register-and-deregister-budget).
// Meta does not report the budget, so we count our own calls from the audit trail of Graph calls.

export const registrationBudgetLimit = 10;
export const registrationWindowMs = 72 * 3600_000;

export type RegistrationBudget = {
  used: number;
  limit: number;
  /** Our calls in the window, oldest first. */
  calls: Date[];
  /** When the oldest call of the window leaves it (a request is given back). */
  oldestLeavesAt: Date | null;
  /** With the budget used up: when the next request is possible again, from our own calls. */
  freesAt: Date | null;
};

/**
 * Every register or deregister call we sent for the number in the last 72 hours, whatever Meta
 * answered (a call that timed out may have counted), except the ones Meta refused with 133016:
 * the sandbox and the pages we follow do not count a refused call.
 */
export async function registrationBudget(metaPhoneNumberId: string, now: Date = new Date()): Promise<RegistrationBudget> {
  const since = new Date(now.getTime() - registrationWindowMs);
  const rows = await db()
    .select({ at: graphCalls.createdAt })
    .from(graphCalls)
    .where(
      and(
        // The partial index's own predicate, so that the planner uses it.
        sql`(${graphCalls.path} like '%/register' or ${graphCalls.path} like '%/deregister')`,
        inArray(graphCalls.path, [`/${metaPhoneNumberId}/register`, `/${metaPhoneNumberId}/deregister`]),
        eq(graphCalls.method, 'POST'),
        gte(graphCalls.createdAt, since),
        or(isNull(graphCalls.errorCode), ne(graphCalls.errorCode, '133016')),
      ),
    )
    .orderBy(asc(graphCalls.createdAt));
  const calls = rows.map((r) => r.at);
  const leaves = (at: Date) => new Date(at.getTime() + registrationWindowMs);
  const used = calls.length;
  // With n ≥ 10 calls in the window, a request is possible once n − 9 of them have left it.
  const blocking = used >= registrationBudgetLimit ? calls[used - registrationBudgetLimit] : undefined;
  return {
    used,
    limit: registrationBudgetLimit,
    calls,
    oldestLeavesAt: calls[0] ? leaves(calls[0]) : null,
    freesAt: blocking ? leaves(blocking) : null,
  };
}
