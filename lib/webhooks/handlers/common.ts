import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { attentionItems, businesses, onboardingSessions, phoneNumbers, wabas, type PhoneNumber, type Waba } from '@/lib/db/schema';
import type { StoredChange } from '@/lib/webhooks/types';

// Helpers shared by the field handlers. Every write goes through the handler's `tx`.

/** Validates a change's value; a mismatch throws, so the event is marked failed with a readable reason. */
export function parseValue<S extends z.ZodType>(schema: S, change: StoredChange): z.infer<S> {
  const parsed = schema.safeParse(change.value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`);
  throw new Error(`Invalid ${change.field}${change.event ? ` ${change.event}` : ''} payload: ${issues.join('; ')}`);
}

/** When Meta says the change happened: entry.time, else when we received it. */
export function changeTime(change: StoredChange): Date {
  return change.entryTime ?? change.receivedAt;
}

/** Meta's unix-seconds timestamps come as numbers or numeric strings. */
export function fromUnix(value: string | number | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

/** Latest-by-timestamp: a change at the same instant re-applies, so replays stay idempotent. */
export function isNotOlder(at: Date, stored: string | Date | null | undefined): boolean {
  if (stored === null || stored === undefined) return true;
  return at.getTime() >= new Date(stored).getTime();
}

export function digitsOf(phone: string | null | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

/** The WABA row, locked so concurrent handlers for the same WABA read-modify-write its flags in turn. */
export async function lockWaba(tx: Tx, metaWabaId: string | null): Promise<Waba | undefined> {
  if (!metaWabaId) return undefined;
  const [row] = await tx.select().from(wabas).where(eq(wabas.metaWabaId, metaWabaId)).for('update');
  return row;
}

export type FlagEntry = { at: string; value: unknown };

/** Sets `flags[key]` unless a newer value is stored; returns whether it was applied. */
export function withFlag(flags: Record<string, FlagEntry>, key: string, at: Date, value: unknown): { applied: boolean; flags: Record<string, FlagEntry> } {
  if (!isNotOlder(at, flags[key]?.at)) return { applied: false, flags };
  return { applied: true, flags: { ...flags, [key]: { at: at.toISOString(), value } } };
}

/** Records one flag on a locked WABA row; returns whether it was the newest value. */
export async function recordFlag(tx: Tx, waba: Waba, key: string, at: Date, value: unknown): Promise<boolean> {
  const next = withFlag(waba.flags, key, at, value);
  if (!next.applied) return false;
  await tx.update(wabas).set({ flags: next.flags, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
  waba.flags = next.flags;
  return true;
}

/** Finds or creates the business portfolio row. */
export async function upsertBusiness(tx: Tx, metaBusinessId: string): Promise<string> {
  await tx.insert(businesses).values({ metaBusinessId }).onConflictDoNothing({ target: businesses.metaBusinessId });
  const [row] = await tx.select({ id: businesses.id }).from(businesses).where(eq(businesses.metaBusinessId, metaBusinessId));
  return row!.id;
}

type Attention = {
  wabaId: string | null;
  kind: string;
  message: string;
  data?: Record<string, unknown>;
  /** Also skip when an unresolved item of this kind is already open for the WABA. */
  oncePerWaba?: boolean;
};

/** Adds an item for staff once per event (replays and duplicates add nothing); returns whether it was added. */
export async function addAttention(tx: Tx, change: StoredChange, item: Attention): Promise<boolean> {
  const sameEvent = and(eq(attentionItems.kind, item.kind), sql`${attentionItems.data}->>'eventId' = ${change.id}`);
  const [existing] = await tx.select({ id: attentionItems.id }).from(attentionItems).where(sameEvent).limit(1);
  if (existing) return false;
  if (item.oncePerWaba && item.wabaId) {
    const [open] = await tx
      .select({ id: attentionItems.id })
      .from(attentionItems)
      .where(and(eq(attentionItems.kind, item.kind), eq(attentionItems.wabaId, item.wabaId), isNull(attentionItems.resolvedAt)))
      .limit(1);
    if (open) return false;
  }
  await tx.insert(attentionItems).values({
    wabaId: item.wabaId,
    kind: item.kind,
    message: item.message,
    data: { ...item.data, eventId: change.id, field: change.field, event: change.event },
  });
  return true;
}

/**
 * Closes the open items of these kinds for a WABA (or for one of its numbers) once a newer change
 * says what they asked staff to act on no longer holds (an approval after a rejection, a re-share).
 */
export async function resolveOpenItems(
  tx: Tx,
  wabaId: string | null,
  kinds: string[],
  { displayPhoneNumber, exceptEventId }: { displayPhoneNumber?: string; exceptEventId?: string } = {},
): Promise<void> {
  if (!wabaId) return;
  const where = [eq(attentionItems.wabaId, wabaId), inArray(attentionItems.kind, kinds), isNull(attentionItems.resolvedAt)];
  if (exceptEventId) where.push(sql`coalesce(${attentionItems.data}->>'eventId', '') <> ${exceptEventId}`);
  if (displayPhoneNumber !== undefined) {
    where.push(sql`regexp_replace(coalesce(${attentionItems.data}->>'displayPhoneNumber', ''), '[^0-9]', '', 'g') = ${digitsOf(displayPhoneNumber)}`);
  }
  await tx
    .update(attentionItems)
    .set({ resolvedAt: new Date() })
    .where(and(...where));
}

/** The phone number a per-number change is about: by id, or by its display number within the WABA. */
export async function findPhone(tx: Tx, by: { metaPhoneNumberId?: string; wabaRowId?: string; displayPhoneNumber?: string }): Promise<PhoneNumber | undefined> {
  if (by.metaPhoneNumberId) {
    const [row] = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, by.metaPhoneNumberId));
    if (row) return row;
  }
  const wanted = digitsOf(by.displayPhoneNumber);
  if (!by.wabaRowId || !wanted) return undefined;
  // Graph returns "+1 555-078-3881" while webhooks send "15550783881": compare digits only.
  const rows = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, by.wabaRowId));
  return rows.find((p) => digitsOf(p.displayPhoneNumber) === wanted);
}

/** The onboarding a coexistence change belongs to: the newest session of the number's WABA. */
export async function latestSessionFor(tx: Tx, wabaRowId: string) {
  const [session] = await tx
    .select()
    .from(onboardingSessions)
    .where(eq(onboardingSessions.wabaId, wabaRowId))
    .orderBy(desc(onboardingSessions.createdAt))
    .limit(1)
    .for('update');
  return session;
}
