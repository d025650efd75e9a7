import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { phoneNumbers, wabas } from '@/lib/db/schema';
import { refreshOutcome } from '@/lib/onboarding/outcome';
import { addAttention, changeTime, digitsOf, findPhone, lockWaba, parseValue, resolveOpenItems, withFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// phone_number_name_update (docs/meta/phone-numbers.md, docs/meta/webhooks.md#phone-number-name-update): the display-name review decision for one number.

const nameUpdateSchema = z.looseObject({
  display_phone_number: z.string().min(1),
  decision: z.string().min(1),
  requested_verified_name: z.string().nullish(),
  rejection_reason: z.string().nullish(),
});

// Decisions mapped onto the Graph `name_status` vocabulary the phone sync also writes (docs/meta/phone-numbers.md).
const nameStatuses: Record<string, string> = { APPROVED: 'APPROVED', REJECTED: 'DECLINED', PENDING: 'PENDING_REVIEW' };

function rank(decision: unknown): number {
  return decision === 'PENDING' ? 0 : 1;
}

export const handlePhoneNumberNameUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(nameUpdateSchema, change);
  const at = changeTime(change);
  const waba = await lockWaba(tx, change.wabaId);
  if (waba) {
    // Per-number decision timestamps live in the WABA's flags: phone_numbers has no column for them.
    const key = `phone_number_name_update:${digitsOf(value.display_phone_number)}`;
    const stored = waba.flags[key];
    if (stored && new Date(stored.at).getTime() === at.getTime() && rank(value.decision) < rank(stored.value)) return 'processed';
    const next = withFlag(waba.flags, key, at, value.decision);
    if (!next.applied) return 'processed';
    await tx.update(wabas).set({ flags: next.flags, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
  }
  const phone = await findPhone(tx, { wabaRowId: waba?.id, displayPhoneNumber: value.display_phone_number });
  const approved = value.decision === 'APPROVED';
  if (phone) {
    await tx
      .update(phoneNumbers)
      .set({
        nameStatus: nameStatuses[value.decision] ?? value.decision,
        requestedVerifiedName: value.requested_verified_name ?? phone.requestedVerifiedName,
        nameRejectionReason: approved ? null : (value.rejection_reason ?? null),
        ...(approved && value.requested_verified_name ? { verifiedName: value.requested_verified_name } : {}),
        updatedAt: new Date(),
      })
      .where(eq(phoneNumbers.id, phone.id));
    await refreshOutcome(tx, phone.wabaId);
  }
  if (approved) await resolveOpenItems(tx, change.wabaId, ['display_name_rejected'], { displayPhoneNumber: value.display_phone_number });
  if (value.decision === 'REJECTED' || value.decision === 'DECLINED') {
    await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'display_name_rejected',
      message: `The display name "${value.requested_verified_name ?? ''}" for ${value.display_phone_number} was rejected${value.rejection_reason ? ` (${value.rejection_reason})` : ''}.`,
      data: {
        displayPhoneNumber: value.display_phone_number,
        requestedVerifiedName: value.requested_verified_name ?? null,
        rejectionReason: value.rejection_reason ?? null,
      },
    });
  }
  return 'processed';
};
