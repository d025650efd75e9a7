import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { attentionItems, businessVerifications, verificationSubmissions } from '@/lib/db/schema';
import { normaliseRejectionReason } from '@/lib/meta/business-verification';
import { addAttention, isNotOlder } from '@/lib/webhooks/handlers/common';
import type { StoredChange } from '@/lib/webhooks/types';
import { attemptsUsed, maxAttempts, submissionsOf } from '@/lib/verification/submissions';
import { rejectionReasonText } from '@/lib/verification/words';

// What the account_update PARTNER_CLIENT_CERTIFICATION_* events change for partner-led business
// verification (docs/meta/webhooks.md, docs/meta/business-verification.md). Both are kept per
// customer portfolio; the attention items they raise open the customer's verification workspace.

export const verificationAttentionKinds = ['business_verification_rejected', 'business_verification_needed'] as const;

export function workspaceHref(metaBusinessId: string): string {
  return `/verification/${metaBusinessId}`;
}

/** Reasons as Meta's two spellings normalise them (underscores), without the `NONE` Meta sends when nothing was wrong. */
export function rejectionReasonsOf(reasons: readonly string[]): string[] {
  return reasons.map(normaliseRejectionReason).filter((r) => r !== '' && r !== 'NONE');
}

async function resolveVerificationAttention(tx: Tx, metaBusinessId: string): Promise<void> {
  await tx
    .update(attentionItems)
    .set({ resolvedAt: new Date() })
    .where(
      and(
        inArray(attentionItems.kind, [...verificationAttentionKinds]),
        sql`${attentionItems.data}->>'clientBusinessId' = ${metaBusinessId}`,
        isNull(attentionItems.resolvedAt),
      ),
    );
}

/** PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE: Meta's decision on our latest submission for the customer. */
export async function recordCertificationDecision(
  tx: Tx,
  change: StoredChange,
  decision: { clientBusinessId: string; status: string; rejectionReasons: readonly string[]; at: Date; metaWabaId: string | null },
): Promise<void> {
  const status = decision.status.toUpperCase();
  const reasons = rejectionReasonsOf(decision.rejectionReasons);
  const [known] = await tx.select().from(businessVerifications).where(eq(businessVerifications.businessId, decision.clientBusinessId)).for('update');
  // Out-of-order deliveries: an older decision never overwrites a newer one.
  if (known && !isNotOlder(decision.at, known.webhookAt)) return;
  await tx
    .insert(businessVerifications)
    .values({ businessId: decision.clientBusinessId, webhookStatus: status, webhookReasons: reasons, webhookAt: decision.at })
    .onConflictDoUpdate({
      target: businessVerifications.businessId,
      set: { webhookStatus: status, webhookReasons: reasons, webhookAt: decision.at, updatedAt: new Date() },
    });
  // The webhook names no submission: it decides the newest one still waiting (or re-applies to the newest).
  const [target] = await tx
    .select()
    .from(verificationSubmissions)
    .where(
      and(
        eq(verificationSubmissions.businessId, decision.clientBusinessId),
        inArray(verificationSubmissions.status, ['PENDING', 'unconfirmed', 'submitting', status]),
      ),
    )
    .orderBy(desc(verificationSubmissions.attempt))
    .limit(1);
  if (target) {
    await tx
      .update(verificationSubmissions)
      .set({ status, rejectionReasons: reasons, decidedAt: decision.at, updatedAt: new Date() })
      .where(eq(verificationSubmissions.id, target.id));
  }
  if (status === 'APPROVED') {
    await resolveVerificationAttention(tx, decision.clientBusinessId);
    return;
  }
  if (status !== 'FAILED' && status !== 'REVOKED') return;
  const used = attemptsUsed(await submissionsOf(decision.clientBusinessId, tx));
  const why = reasons.length > 0 ? `: ${reasons.map(rejectionReasonText).join('; ')}` : '';
  const next =
    used >= maxAttempts ? ' All 3 attempts are used: the customer must now verify on their own.' : ` ${maxAttempts - used} of ${maxAttempts} attempts left.`;
  await addAttention(tx, change, {
    wabaId: decision.metaWabaId,
    kind: 'business_verification_rejected',
    message: `Meta ${status === 'REVOKED' ? 'revoked' : 'rejected'} the business verification of ${decision.clientBusinessId}${why}.${next}`,
    data: { clientBusinessId: decision.clientBusinessId, status, rejectionReasons: reasons, href: workspaceHref(decision.clientBusinessId) },
  });
}

/** PARTNER_CLIENT_CERTIFICATION_NEEDED: the customer (signed up without a website) cannot message until verified. */
export async function recordCertificationNeeded(
  tx: Tx,
  change: StoredChange,
  needed: { clientBusinessId: string; at: Date; metaWabaId: string | null },
): Promise<void> {
  await tx
    .insert(businessVerifications)
    .values({ businessId: needed.clientBusinessId, neededAt: needed.at })
    .onConflictDoUpdate({ target: businessVerifications.businessId, set: { neededAt: needed.at, updatedAt: new Date() } });
  const [approved] = await tx
    .select({ id: verificationSubmissions.id })
    .from(verificationSubmissions)
    .where(and(eq(verificationSubmissions.businessId, needed.clientBusinessId), eq(verificationSubmissions.status, 'APPROVED')))
    .limit(1);
  if (approved) return;
  await addAttention(tx, change, {
    wabaId: needed.metaWabaId,
    kind: 'business_verification_needed',
    oncePerWaba: true,
    message: `The customer ${needed.clientBusinessId} must be verified before WABA ${needed.metaWabaId ?? ''} can message: submit partner-led business verification.`,
    data: { clientBusinessId: needed.clientBusinessId, href: workspaceHref(needed.clientBusinessId) },
  });
}
