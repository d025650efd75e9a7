import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { phoneNumbers, wabas } from '@/lib/db/schema';
import { addAttention, changeTime, digitsOf, findPhone, lockWaba, parseValue, resolveOpenItems, withFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// phone_number_quality_update (docs/meta/webhooks.md#phone-number-quality-update): `current_limit` is deprecated in favour of
// `max_daily_conversations_per_business`; either may come.

const limit = z.union([z.string(), z.number()]).transform(String);

const qualityUpdateSchema = z.looseObject({
  display_phone_number: z.string().min(1),
  event: z.string().min(1),
  current_limit: limit.optional(),
  old_limit: limit.optional(),
  max_daily_conversations_per_business: limit.optional(),
});

export const handlePhoneNumberQualityUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(qualityUpdateSchema, change);
  const at = changeTime(change);
  const waba = await lockWaba(tx, change.wabaId);
  if (waba) {
    // Per-number timestamps live in the WABA's flags: phone_numbers has no column for them.
    const key = `phone_number_quality_update:${digitsOf(value.display_phone_number)}`;
    const next = withFlag(waba.flags, key, at, { event: value.event });
    if (!next.applied) return 'processed';
    await tx.update(wabas).set({ flags: next.flags, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
  }
  const phone = await findPhone(tx, { wabaRowId: waba?.id, displayPhoneNumber: value.display_phone_number });
  const currentLimit = value.max_daily_conversations_per_business ?? value.current_limit;
  if (phone) {
    await tx
      .update(phoneNumbers)
      .set({ qualityEvent: value.event, ...(currentLimit ? { currentLimit } : {}), updatedAt: new Date() })
      .where(eq(phoneNumbers.id, phone.id));
  }
  const number = { displayPhoneNumber: value.display_phone_number };
  if (value.event === 'UNFLAGGED' || value.event === 'UPGRADE') await resolveOpenItems(tx, change.wabaId, ['phone_quality'], number);
  if (value.event === 'FLAGGED' || value.event === 'DOWNGRADE') {
    const added = await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'phone_quality',
      message: `${value.display_phone_number} was ${value.event === 'FLAGGED' ? 'flagged for low quality' : 'downgraded'}${currentLimit ? ` (limit ${currentLimit})` : ''}.`,
      data: { displayPhoneNumber: value.display_phone_number, event: value.event, currentLimit: currentLimit ?? null },
    });
    // The newest word on the number replaces an older item about it.
    if (added) await resolveOpenItems(tx, change.wabaId, ['phone_quality'], { ...number, exceptEventId: change.id });
  }
  return 'processed';
};
