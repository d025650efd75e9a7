import { z } from 'zod';
import { changeTime, fromUnix, lockWaba, parseValue, recordFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// user_preferences: a WhatsApp user stopped or resumed marketing messages. Only the latest
// preference per category is kept on the WABA; the user's number is not.

const userPreferencesSchema = z.looseObject({
  user_preferences: z
    .array(
      z.looseObject({
        category: z.string().optional(),
        value: z.string().optional(),
        timestamp: z.union([z.number(), z.string()]).optional(),
      }),
    )
    .default([]),
});

export const handleUserPreferences: ChangeHandler = async (change, tx) => {
  const value = parseValue(userPreferencesSchema, change);
  const waba = await lockWaba(tx, change.wabaId);
  if (!waba) return 'processed';
  for (const preference of value.user_preferences) {
    const at = fromUnix(preference.timestamp) ?? changeTime(change);
    await recordFlag(tx, waba, `user_preferences:${preference.category ?? 'unknown'}`, at, { value: preference.value ?? null });
  }
  return 'processed';
};
