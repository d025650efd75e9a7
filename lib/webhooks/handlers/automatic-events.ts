import { z } from 'zod';
import { changeTime, fromUnix, lockWaba, parseValue, recordFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// automatic_events: purchase / lead events Meta detected in Click-to-WhatsApp chats; the latest
// per event name is kept on the WABA.

const automaticEventsSchema = z.looseObject({
  automatic_events: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        event_name: z.string().min(1),
        timestamp: z.union([z.number(), z.string()]).optional(),
        custom_data: z.looseObject({}).optional(),
      }),
    )
    .default([]),
});

export const handleAutomaticEvents: ChangeHandler = async (change, tx) => {
  const value = parseValue(automaticEventsSchema, change);
  const waba = await lockWaba(tx, change.wabaId);
  if (!waba) return 'processed';
  for (const event of value.automatic_events) {
    const at = fromUnix(event.timestamp) ?? changeTime(change);
    await recordFlag(tx, waba, `automatic_events:${event.event_name}`, at, { id: event.id ?? null, customData: event.custom_data ?? null });
  }
  return 'processed';
};
