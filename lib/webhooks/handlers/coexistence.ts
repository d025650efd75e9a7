import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { onboardingEvents, wabas, type OnboardingSession } from '@/lib/db/schema';
import { findPhone, latestSessionFor } from '@/lib/webhooks/handlers/common';
import type { StoredChange } from '@/lib/webhooks/types';

// Shared by the coexistence fields (docs/meta/coexistence.md): they report sync progress of an onboarding.

export const coexistenceMetadataSchema = z.looseObject({
  phone_number_id: z.union([z.string().min(1), z.number()]).transform(String),
  display_phone_number: z.string().optional(),
});

/** The onboarding of the change's number (or, failing that, of its WABA), locked for update. */
export async function coexistenceSession(tx: Tx, change: StoredChange, metaPhoneNumberId: string): Promise<OnboardingSession | undefined> {
  const phone = await findPhone(tx, { metaPhoneNumberId });
  let wabaRowId = phone?.wabaId;
  if (!wabaRowId && change.wabaId) {
    const [waba] = await tx.select({ id: wabas.id }).from(wabas).where(eq(wabas.metaWabaId, change.wabaId));
    wabaRowId = waba?.id;
  }
  return wabaRowId ? latestSessionFor(tx, wabaRowId) : undefined;
}

/**
 * Records a per-change fact on the session once; returns false when this event was recorded
 * already (a replay or a retry), so counters are only added to once per event.
 */
export async function recordSessionFact(tx: Tx, sessionId: string, type: string, change: StoredChange, data: Record<string, unknown>): Promise<boolean> {
  const [seen] = await tx
    .select({ id: onboardingEvents.id })
    .from(onboardingEvents)
    .where(and(eq(onboardingEvents.sessionId, sessionId), eq(onboardingEvents.type, type), sql`${onboardingEvents.data}->>'eventId' = ${change.id}`))
    .limit(1);
  if (seen) return false;
  await tx.insert(onboardingEvents).values({ sessionId, type, data: { ...data, eventId: change.id } });
  return true;
}
