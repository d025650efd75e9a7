import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { wabas } from '@/lib/db/schema';
import { changeTime, lockWaba, parseValue, withFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// business_capability_update (docs/meta/webhooks.md#business-capability-update): tiers come as "TIER_10K" or as numbers (2000, -1).

const limit = z.union([z.string(), z.number()]).transform(String);

const businessCapabilitySchema = z.looseObject({
  max_daily_conversations_per_business: limit.optional(),
  max_daily_conversation_per_phone: limit.optional(),
  max_phone_numbers_per_waba: z.number().optional(),
  max_phone_numbers_per_business: z.number().optional(),
});

export const handleBusinessCapabilityUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(businessCapabilitySchema, change);
  const waba = await lockWaba(tx, change.wabaId);
  if (!waba) return 'processed';
  const next = withFlag(waba.flags, 'business_capability_update', changeTime(change), change.value);
  if (!next.applied) return 'processed';
  const messagingLimit = value.max_daily_conversations_per_business ?? value.max_daily_conversation_per_phone;
  await tx
    .update(wabas)
    .set({ flags: next.flags, ...(messagingLimit ? { messagingLimit } : {}), updatedAt: new Date() })
    .where(eq(wabas.id, waba.id));
  return 'processed';
};
