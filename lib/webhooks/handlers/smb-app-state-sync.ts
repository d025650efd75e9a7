import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingSessions } from '@/lib/db/schema';
import { parseValue } from '@/lib/webhooks/handlers/common';
import { coexistenceMetadataSchema, coexistenceSession, recordSessionFact } from '@/lib/webhooks/handlers/coexistence';
import type { ChangeHandler } from '@/lib/webhooks/types';

// smb_app_state_sync (docs/meta/coexistence.md): the WhatsApp Business app's contacts, counted on the
// onboarding once per event (contact details are not stored).

const stateSyncSchema = z.looseObject({
  metadata: coexistenceMetadataSchema,
  state_sync: z.array(z.looseObject({ type: z.string().optional(), action: z.string().optional() })).default([]),
});

export const handleSmbAppStateSync: ChangeHandler = async (change, tx) => {
  const value = parseValue(stateSyncSchema, change);
  const session = await coexistenceSession(tx, change, value.metadata.phone_number_id);
  if (!session) return 'processed';
  const count = value.state_sync.length;
  if (!(await recordSessionFact(tx, session.id, 'coexistence.state_sync', change, { count }))) return 'processed';
  await tx
    .update(onboardingSessions)
    .set({ contactsSynced: sql`${onboardingSessions.contactsSynced} + ${count}`, updatedAt: new Date() })
    .where(eq(onboardingSessions.id, session.id));
  return 'processed';
};
