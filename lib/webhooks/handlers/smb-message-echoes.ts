import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingSessions } from '@/lib/db/schema';
import { parseValue } from '@/lib/webhooks/handlers/common';
import { coexistenceMetadataSchema, coexistenceSession, recordSessionFact } from '@/lib/webhooks/handlers/coexistence';
import type { ChangeHandler } from '@/lib/webhooks/types';

// smb_message_echoes (docs/meta/coexistence.md): messages the business sent from the app, counted on the
// onboarding once per event (bodies are not stored).

const echoesSchema = z.looseObject({
  metadata: coexistenceMetadataSchema,
  message_echoes: z.array(z.looseObject({ id: z.string().optional() })).default([]),
});

export const handleSmbMessageEchoes: ChangeHandler = async (change, tx) => {
  const value = parseValue(echoesSchema, change);
  const session = await coexistenceSession(tx, change, value.metadata.phone_number_id);
  if (!session) return 'processed';
  const count = value.message_echoes.length;
  if (!(await recordSessionFact(tx, session.id, 'coexistence.message_echoes', change, { count }))) return 'processed';
  await tx
    .update(onboardingSessions)
    .set({ echoesSeen: sql`${onboardingSessions.echoesSeen} + ${count}`, updatedAt: new Date() })
    .where(eq(onboardingSessions.id, session.id));
  return 'processed';
};
