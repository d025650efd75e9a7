import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { db, type Db, type Tx } from '@/lib/db/client';
import {
  businessTokens,
  businessVerifications,
  businesses,
  vaultSecrets,
  verificationSubmissions,
  wabas,
  type StaffUser,
  type VerificationSubmissionRow,
} from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import {
  getBusinessVerificationStatus,
  listVerificationSubmissions,
  submitBusinessVerification,
  type VerificationSubmissionRecord,
} from '@/lib/meta/business-verification';
import { businessToken, isGraphError, systemToken, type GraphToken } from '@/lib/meta/graph';
import { programRefusal, programSettings } from '@/lib/programs';
import { UserError } from '@/lib/user-error';
import { unseal } from '@/lib/vault';
import type { CheckedDocument } from '@/lib/verification/documents';

// Partner-led business verification for one customer portfolio (docs/meta/business-verification.md):
// three submissions per customer at most, never retried automatically, decisions by webhook.
// A submit is one Graph call carrying the documents, which live only in this request's memory; it
// is therefore not a durable operation run (a run would have to store the files to resume).

export const maxAttempts = 3;
/** Meta: "If you do not receive a webhook notifying of the outcome of a submission after 24 hours, please open a Direct Support ticket." */
export const reviewWaitMs = 24 * 3600_000;

/** Statuses that are waiting for Meta's decision. */
const waiting = ['submitting', 'unconfirmed', 'PENDING'];

export function countsAsAttempt(row: Pick<VerificationSubmissionRow, 'status'>): boolean {
  return row.status !== 'refused';
}

/** Attempts used: our own submissions and Meta's own count, whichever is higher. */
export function attemptsUsed(rows: readonly Pick<VerificationSubmissionRow, 'status' | 'metaAttempts'>[]): number {
  const ours = rows.filter(countsAsAttempt).length;
  const meta = Math.max(0, ...rows.map((r) => r.metaAttempts ?? 0));
  return Math.max(ours, meta);
}

export async function submissionsOf(metaBusinessId: string, executor: Db | Tx = db()): Promise<VerificationSubmissionRow[]> {
  return executor
    .select()
    .from(verificationSubmissions)
    .where(eq(verificationSubmissions.businessId, metaBusinessId))
    .orderBy(asc(verificationSubmissions.submittedAt), asc(verificationSubmissions.attempt));
}

/** The customer portfolio as we know it, or undefined when none of our customers has it. */
export async function findCustomerBusiness(metaBusinessId: string) {
  if (!/^\d{1,30}$/.test(metaBusinessId)) return undefined;
  const [business] = await db().select().from(businesses).where(eq(businesses.metaBusinessId, metaBusinessId));
  if (!business) return undefined;
  const accounts = await db()
    .select({
      id: wabas.id,
      metaWabaId: wabas.metaWabaId,
      name: wabas.name,
      status: wabas.status,
      businessVerificationStatus: wabas.businessVerificationStatus,
    })
    .from(wabas)
    .where(eq(wabas.businessId, business.id))
    .orderBy(asc(wabas.createdAt));
  if (accounts.length === 0) return undefined;
  return { business, accounts };
}

/** The customer's newest working business token (Meta: Partner-led Business Verification, "Get business verification status"). */
async function customerToken(businessRowId: string): Promise<GraphToken | undefined> {
  const [row] = await db()
    .select({ secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(and(eq(businessTokens.businessId, businessRowId), eq(businessTokens.status, 'valid')))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  return row ? businessToken(unseal(row.secret)) : undefined;
}

function partnerBusinessId(): string {
  const id = metaConfig().businessId;
  if (!id) throw new UserError('Your business portfolio id (META_BUSINESS_ID) is not configured: partner-led verification is submitted from it.');
  return id;
}

export async function requireVerificationProgram(): Promise<void> {
  const refusal = programRefusal('verification', await programSettings());
  if (refusal) throw new UserError(refusal);
}

export type SubmissionInput = {
  businessId: string;
  legalName?: string;
  address?: string;
  website?: string;
  businessVertical?: string;
};

/** The fallback once three attempts are used (Meta: Partner-led Business Verification, Limitations). */
export const selfVerificationHelpUrl = 'https://www.facebook.com/business/help/2058515294227817';
export const selfVerificationFallback = `All 3 partner-led attempts for this business are used: the customer must now verify their business on their own. Send them Meta’s Help Center article “How to Verify Your Business on Meta” (${selfVerificationHelpUrl}).`;

/** Takes the next attempt slot, or refuses with the reason; the slot is committed before Meta is called. */
async function reserveAttempt(metaBusinessId: string, documents: CheckedDocument[], user: StaffUser): Promise<VerificationSubmissionRow> {
  return db().transaction(async (tx) => {
    // One submission at a time per customer, whoever submits: the lock serialises the count.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`plbv:${metaBusinessId}`}))`);
    const rows = await submissionsOf(metaBusinessId, tx);
    const [known] = await tx.select().from(businessVerifications).where(eq(businessVerifications.businessId, metaBusinessId));
    if (known?.metaStatus === 'verified' || rows.some((r) => r.status === 'APPROVED')) {
      throw new UserError('This business is already verified: there is nothing to submit.');
    }
    if (attemptsUsed(rows) >= maxAttempts) throw new UserError(selfVerificationFallback);
    if (rows.some((r) => waiting.includes(r.status))) {
      throw new UserError('A submission for this business is still waiting for Meta’s decision: wait for it (or use Check with Meta) before submitting again.');
    }
    const attempt = Math.max(0, ...rows.filter(countsAsAttempt).map((r) => r.attempt)) + 1;
    const [row] = await tx
      .insert(verificationSubmissions)
      .values({
        businessId: metaBusinessId,
        attempt,
        status: 'submitting',
        documents: documents.map((d) => ({ name: d.name, type: d.type, size: d.size, ...(d.pages !== undefined && { pages: d.pages }) })),
        submittedBy: user.id,
      })
      .returning();
    return row!;
  });
}

async function setSubmission(id: string, values: Partial<typeof verificationSubmissions.$inferInsert>): Promise<void> {
  await db()
    .update(verificationSubmissions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(verificationSubmissions.id, id));
}

/**
 * Submits the customer's documents to Meta on their behalf. Refuses a 4th attempt, a second one
 * while Meta is deciding, and anything when partner-led verification does not apply to us.
 */
export async function submitVerification(input: SubmissionInput, documents: CheckedDocument[], user: StaffUser, audit: Auditor) {
  await requireVerificationProgram();
  const partnerId = partnerBusinessId();
  const customer = await findCustomerBusiness(input.businessId);
  if (!customer) throw new UserError('This business is not one of your onboarded customers.');
  const row = await reserveAttempt(input.businessId, documents, user);
  let answer: Awaited<ReturnType<typeof submitBusinessVerification>>;
  try {
    answer = await submitBusinessVerification(
      partnerId,
      {
        endBusinessId: input.businessId,
        documents,
        legalName: input.legalName,
        address: input.address,
        website: input.website,
        businessVertical: input.businessVertical,
      },
      systemToken(),
    );
  } catch (error) {
    // Meta answered with a refusal: no submission was made and the attempt is given back.
    if (isGraphError(error) && error.source === 'graph' && (error.httpStatus ?? 400) < 500) {
      await setSubmission(row.id, { status: 'refused', error: `${error.auditCode}: ${error.userMessage ?? error.details ?? error.message}` });
      throw error;
    }
    // No answer, or one we could not read: Meta may have taken it, so it counts until Meta's list says otherwise.
    await setSubmission(row.id, { status: 'unconfirmed', error: isGraphError(error) ? error.auditCode : 'no_answer' });
    throw new UserError(
      'Meta did not confirm the submission. It may still have been received, so it counts as an attempt: use Check with Meta before submitting again.',
    );
  }
  await setSubmission(row.id, { status: 'PENDING', metaAttempts: answer.verificationAttempts ?? null, error: null });
  // The answer carries no submission id: Meta's list links it (best effort; the webhook decides anyway).
  await checkWithMeta(input.businessId).catch(() => undefined);
  await audit.record(db(), {
    target: input.businessId,
    details: { attempt: row.attempt, metaAttempts: answer.verificationAttempts ?? null, documents: documents.map((d) => d.name) },
  });
  return { attempt: row.attempt, metaAttempts: answer.verificationAttempts, message: answer.message };
}

/** Applies Meta's list of our submissions for the customer: links ours, adds those made elsewhere, takes each status. */
async function applyMetaSubmissions(metaBusinessId: string, listed: VerificationSubmissionRecord[]): Promise<void> {
  const oldestFirst = [...listed].sort((a, b) => (a.submittedTime ?? '').localeCompare(b.submittedTime ?? ''));
  await db().transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`plbv:${metaBusinessId}`}))`);
    for (const submission of oldestFirst) {
      const status = submission.status.toUpperCase();
      const decided = !waiting.includes(status);
      const values = {
        status,
        rejectionReasons: submission.rejectionReasons,
        decidedAt: decided && submission.updateTime ? new Date(submission.updateTime) : null,
        updatedAt: new Date(),
      };
      const [linked] = await tx
        .select({ id: verificationSubmissions.id })
        .from(verificationSubmissions)
        .where(eq(verificationSubmissions.metaSubmissionId, submission.id));
      if (linked) {
        await tx.update(verificationSubmissions).set(values).where(eq(verificationSubmissions.id, linked.id));
        continue;
      }
      // Ours not yet linked, oldest first (Meta lists one submission per accepted request).
      const [unlinked] = await tx
        .select({ id: verificationSubmissions.id })
        .from(verificationSubmissions)
        .where(
          and(
            eq(verificationSubmissions.businessId, metaBusinessId),
            isNull(verificationSubmissions.metaSubmissionId),
            inArray(verificationSubmissions.status, ['PENDING', 'unconfirmed', 'submitting', 'APPROVED', 'FAILED', 'DISCARDED', 'REVOKED']),
          ),
        )
        .orderBy(asc(verificationSubmissions.attempt))
        .limit(1);
      if (unlinked) {
        await tx
          .update(verificationSubmissions)
          .set({ ...values, metaSubmissionId: submission.id })
          .where(eq(verificationSubmissions.id, unlinked.id));
        continue;
      }
      const [last] = await tx
        .select({ attempt: sql<number>`coalesce(max(${verificationSubmissions.attempt}), 0)::int` })
        .from(verificationSubmissions)
        .where(and(eq(verificationSubmissions.businessId, metaBusinessId), ne(verificationSubmissions.status, 'refused')));
      await tx.insert(verificationSubmissions).values({
        ...values,
        businessId: metaBusinessId,
        attempt: (last?.attempt ?? 0) + 1,
        metaSubmissionId: submission.id,
        submittedAt: submission.submittedTime ? new Date(submission.submittedTime) : new Date(),
      });
    }
    // An unconfirmed request Meta does not list was never received: it gives its attempt back.
    const listedCount = listed.length;
    const counted = (await submissionsOf(metaBusinessId, tx)).filter(countsAsAttempt);
    if (counted.length > listedCount) {
      for (const row of counted.filter((r) => r.status === 'unconfirmed' && !r.metaSubmissionId)) {
        await tx
          .update(verificationSubmissions)
          .set({ status: 'refused', error: 'Meta has no record of it', updatedAt: new Date() })
          .where(eq(verificationSubmissions.id, row.id));
      }
    }
  });
}

/**
 * Reads the customer's verification status (their business token) and our submissions for them
 * (our system token) from Meta, and stores both. Returns what Meta said.
 */
export async function checkWithMeta(metaBusinessId: string) {
  const customer = await findCustomerBusiness(metaBusinessId);
  if (!customer) throw new UserError('This business is not one of your onboarded customers.');
  const token = await customerToken(customer.business.id);
  let status: string | undefined;
  if (token) {
    status = await getBusinessVerificationStatus(metaBusinessId, token);
    await db()
      .insert(businessVerifications)
      .values({ businessId: metaBusinessId, metaStatus: status, metaReadAt: new Date() })
      .onConflictDoUpdate({ target: businessVerifications.businessId, set: { metaStatus: status, metaReadAt: new Date(), updatedAt: new Date() } });
    await db().update(businesses).set({ verificationStatus: status, updatedAt: new Date() }).where(eq(businesses.id, customer.business.id));
  }
  let listed: VerificationSubmissionRecord[] | undefined;
  const settings = await programSettings();
  if (programRefusal('verification', settings) === null && metaConfig().businessId) {
    listed = await listVerificationSubmissions(partnerBusinessId(), metaBusinessId, systemToken());
    await applyMetaSubmissions(metaBusinessId, listed);
  }
  return { status, hadToken: token !== undefined, submissions: listed?.length };
}
