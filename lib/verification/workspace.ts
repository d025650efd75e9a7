import { and, desc, eq, exists, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessVerifications, businesses, verificationSubmissions, wabas } from '@/lib/db/schema';
import { cursorText, olderThan, pageLimit, pageOf, type Cursor, type Page } from '@/lib/pagination';
import { attemptsUsed, findCustomerBusiness, maxAttempts, reviewWaitMs, submissionsOf } from '@/lib/verification/submissions';

// What the verification workspace shows for one customer portfolio, and the list of customers.

/** Meta: Partner-led Business Verification, Support — where to ask when a review takes too long. */
export const directSupport = {
  url: 'https://business.facebook.com/direct-support/',
  steps: [
    'Open Direct Support and click Ask a Question.',
    'Under Topic choose “WABiz: Onboarding”.',
    'Under Request type choose “Partner-led Business Verification for WhatsApp”.',
  ],
};

export async function verificationWorkspace(metaBusinessId: string, now: Date = new Date()) {
  const customer = await findCustomerBusiness(metaBusinessId);
  if (!customer) return undefined;
  const [submissions, [known]] = await Promise.all([
    submissionsOf(metaBusinessId),
    db().select().from(businessVerifications).where(eq(businessVerifications.businessId, metaBusinessId)),
  ]);
  const used = attemptsUsed(submissions);
  const waiting = [...submissions].reverse().find((s) => s.status === 'PENDING' || s.status === 'unconfirmed' || s.status === 'submitting');
  const approved = submissions.some((s) => s.status === 'APPROVED') || known?.metaStatus === 'verified';
  return {
    business: customer.business,
    accounts: customer.accounts,
    known,
    submissions,
    attempts: { used: Math.min(used, maxAttempts), left: Math.max(0, maxAttempts - used), max: maxAttempts },
    approved,
    waiting,
    /** Meta: no outcome webhook after 24 hours → Direct Support. */
    overdue: waiting !== undefined && now.getTime() - waiting.submittedAt.getTime() > reviewWaitMs,
    /** All three used and none still being decided (Meta: "If all three submissions are rejected"). */
    exhausted: !approved && waiting === undefined && used >= maxAttempts,
  };
}

/** Customer portfolios (with at least one WABA), newest first, each with its stored verification status and attempts. */
export async function listVerificationCustomers(
  options: { cursor?: Cursor; limit?: number } = {},
): Promise<
  Page<{ id: string; metaBusinessId: string; name: string | null; verificationStatus: string | null; attempts: number; waiting: boolean; createdAt: Date }>
> {
  const limit = pageLimit(options.limit);
  const attempts = db()
    .select({
      businessId: verificationSubmissions.businessId,
      attempts: sql<number>`count(*) filter (where ${verificationSubmissions.status} <> 'refused')::int`.as('attempts'),
      metaAttempts: sql<number>`coalesce(max(${verificationSubmissions.metaAttempts}), 0)::int`.as('meta_attempts'),
      waiting: sql<boolean>`bool_or(${verificationSubmissions.status} in ('PENDING', 'unconfirmed', 'submitting'))`.as('waiting'),
    })
    .from(verificationSubmissions)
    .groupBy(verificationSubmissions.businessId)
    .as('attempts');
  const rows = await db()
    .select({
      id: businesses.id,
      metaBusinessId: businesses.metaBusinessId,
      name: businesses.name,
      verificationStatus: sql<string | null>`coalesce(${businessVerifications.metaStatus}, ${businesses.verificationStatus})`,
      attempts: sql<number>`greatest(coalesce(${attempts.attempts}, 0), coalesce(${attempts.metaAttempts}, 0))::int`,
      waiting: sql<boolean>`coalesce(${attempts.waiting}, false)`,
      createdAt: businesses.createdAt,
      cursorAt: cursorText(businesses.createdAt),
    })
    .from(businesses)
    .leftJoin(businessVerifications, eq(businessVerifications.businessId, businesses.metaBusinessId))
    .leftJoin(attempts, eq(attempts.businessId, businesses.metaBusinessId))
    .where(
      and(
        exists(db().select({ one: sql`1` }).from(wabas).where(eq(wabas.businessId, businesses.id))),
        options.cursor ? olderThan(businesses.createdAt, businesses.id, options.cursor) : undefined,
      ),
    )
    .orderBy(desc(businesses.createdAt), desc(businesses.id))
    .limit(limit + 1);
  return pageOf(rows, limit, (r) => ({ at: r.cursorAt, id: r.id })) as Page<(typeof rows)[number]>;
}
