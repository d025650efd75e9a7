import { eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, onboardingSessions, phoneNumbers, wabas, webhookEvents, type WebhookEvent } from '@/lib/db/schema';
import { changesOf, envelopeSchema } from '@/lib/webhooks/envelope';
import { storeChanges } from '@/lib/webhooks/inbox';
import { processPending } from '@/lib/webhooks/processing';

// For the handler tests: deliver changes through the real inbox and processing pipeline.

export type TestChange = { field: string; value: Record<string, unknown> };

let counter = 0;

/** A fresh Meta-style numeric id, so tests in one file don't collide. */
export function metaId(prefix = '9'): string {
  counter += 1;
  return `${prefix}${String(Date.now()).slice(-8)}${String(counter).padStart(6, '0')}`;
}

export function envelope(entryId: string, changes: TestChange[], time?: number) {
  return envelopeSchema.parse({
    object: 'whatsapp_business_account',
    entry: [{ id: entryId, ...(time === undefined ? {} : { time }), changes }],
  });
}

/** Stores the changes as the receiver would, processes everything due, and returns their events. */
export async function deliver(entryId: string, changes: TestChange[], time?: number): Promise<WebhookEvent[]> {
  const incoming = changesOf(envelope(entryId, changes, time));
  await storeChanges(incoming);
  await processPending();
  return db()
    .select()
    .from(webhookEvents)
    .where(
      inArray(
        webhookEvents.dedupeKey,
        incoming.map((c) => c.dedupeKey),
      ),
    );
}

export async function createCustomer(options: { coexistence?: boolean; sessionStatus?: (typeof onboardingSessions.$inferInsert)['status'] } = {}) {
  const metaBusinessId = metaId('3');
  const metaWabaId = metaId('2');
  const metaPhoneNumberId = metaId('1');
  const displayPhoneNumber = `+1 555-${metaPhoneNumberId.slice(-7, -4)}-${metaPhoneNumberId.slice(-4)}`;
  const [business] = await db().insert(businesses).values({ metaBusinessId }).returning();
  const [waba] = await db().insert(wabas).values({ metaWabaId, businessId: business!.id }).returning();
  const [phone] = await db()
    .insert(phoneNumbers)
    .values({ metaPhoneNumberId, wabaId: waba!.id, displayPhoneNumber, isOnBizApp: options.coexistence ?? false })
    .returning();
  const [session] = await db()
    .insert(onboardingSessions)
    .values({
      browserKeyHash: 'test',
      flow: options.coexistence ? 'coexistence' : 'default',
      partnerType: 'solution_partner',
      status: options.sessionStatus ?? 'running',
      expiresAt: new Date(Date.now() + 3600_000),
      businessId: business!.id,
      wabaId: waba!.id,
      phoneNumberId: phone!.id,
    })
    .returning();
  return {
    business: business!,
    waba: waba!,
    phone: phone!,
    session: session!,
    displayDigits: displayPhoneNumber.replace(/\D/g, ''),
  };
}

export async function wabaRow(metaWabaId: string) {
  const [row] = await db().select().from(wabas).where(eq(wabas.metaWabaId, metaWabaId));
  return row;
}
