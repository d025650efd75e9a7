import { z } from 'zod';
import { addAttention, changeTime, digitsOf, lockWaba, parseValue, recordFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// security (docs/meta/webhooks.md#field-list): two-step verification PIN changes on a number.

const securitySchema = z.looseObject({
  display_phone_number: z.string().optional(),
  event: z.string().min(1),
  requester: z.union([z.string(), z.number()]).transform(String).optional(),
});

export const handleSecurity: ChangeHandler = async (change, tx) => {
  const value = parseValue(securitySchema, change);
  const waba = await lockWaba(tx, change.wabaId);
  const key = `security:${digitsOf(value.display_phone_number)}`;
  if (waba && !(await recordFlag(tx, waba, key, changeTime(change), { event: value.event }))) return 'processed';
  // Onramp sets PINs itself, so changes are expected; a reset request may be someone taking the number over.
  if (value.event === 'PIN_RESET_REQUEST') {
    await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'security',
      message: `A two-step verification PIN reset was requested for ${value.display_phone_number ?? 'a number'} of WABA ${change.wabaId}.`,
      data: { displayPhoneNumber: value.display_phone_number ?? null, event: value.event },
    });
  }
  return 'processed';
};
