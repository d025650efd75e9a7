import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { wabas } from '@/lib/db/schema';
import { refreshOutcome } from '@/lib/onboarding/outcome';
import { addAttention, changeTime, lockWaba, parseValue, resolveOpenItems, withFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// account_review_update (docs/meta/webhooks.md#account-review-update): newest decision wins; at the same instant a final
// decision beats PENDING, so the state never moves back to pending.

const accountReviewSchema = z.looseObject({ decision: z.string().min(1) });

function rank(decision: unknown): number {
  return decision === 'PENDING' ? 0 : 1;
}

export const handleAccountReviewUpdate: ChangeHandler = async (change, tx) => {
  const { decision } = parseValue(accountReviewSchema, change);
  const at = changeTime(change);
  const waba = await lockWaba(tx, change.wabaId);
  if (waba) {
    const stored = waba.flags.account_review_update;
    const sameInstant = stored && new Date(stored.at).getTime() === at.getTime();
    if (sameInstant && rank(decision) < rank(stored.value)) return 'processed';
    const next = withFlag(waba.flags, 'account_review_update', at, decision);
    if (!next.applied) return 'processed';
    await tx.update(wabas).set({ accountReviewStatus: decision, flags: next.flags, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
    await refreshOutcome(tx, waba.id);
    if (decision === 'APPROVED') await resolveOpenItems(tx, change.wabaId, ['account_review_rejected']);
  }
  if (decision === 'REJECTED') {
    await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'account_review_rejected',
      message: `The account review of WABA ${change.wabaId} was rejected.`,
    });
  }
  return 'processed';
};
