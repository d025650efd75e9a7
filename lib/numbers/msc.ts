import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { graphCalls, mscShares, onboardingSessions, operationSteps, phoneNumbers, wabas, type MscShare } from '@/lib/db/schema';
import { cursorText, olderThan, pageLimit, pageOf, type Cursor } from '@/lib/pagination';
import { programRefusal, programSettings } from '@/lib/programs';
import { UserError } from '@/lib/user-error';

// Multi-Solution Conversations (Meta: How to use Multi-Solution Conversations): one business phone
// number used by up to 5 partners, each through its own WABA. Meta reports no field that says a
// number is shared, and partners cannot see how many partners a business uses (Meta's FAQ), so the
// sharing is what staff record from the customer, with a hint from what Meta showed us. The rules
// below are the ones Meta's page names; `mscRefusal` is what number actions ask before acting.

export const maxMscPartners = 5;

export const numberActions = ['register', 'deregister', 'change_pin', 'request_code', 'verify_code', 'coexistence_sync', 'record_sharing'] as const;
export type NumberAction = (typeof numberActions)[number];

export type MscNumber = {
  metaPhoneNumberId: string;
  /** Coexistence (WhatsApp Business app) number. */
  isOnBizApp: boolean;
  /** Whether a register call of ours for this number succeeded (graph_calls). */
  registeredByUs: boolean;
  /** Recorded sharing, or null when staff know of none. */
  share: Pick<MscShare, 'partnerCount'> | null;
};

const notRegistering =
  'This number is shared with other partners through Multi-Solution Conversations and was registered by another partner: only the partner that registered it may register it again or change its PIN, and it would change for every partner. Ask the customer which partner registered it (their WABA activity log shows it).';

/** Why Multi-Solution Conversations does not allow `action` on this number, or null when it does. */
export function mscRefusal(number: MscNumber, action: NumberAction, partnerCount?: number): string | null {
  if (action === 'record_sharing') {
    if (number.isOnBizApp) return 'Coexistence numbers (also on the WhatsApp Business app) cannot be shared through Multi-Solution Conversations.';
    if (partnerCount !== undefined && partnerCount > maxMscPartners)
      return `Multi-Solution Conversations allows at most ${maxMscPartners} partners per number, us included.`;
    if (partnerCount !== undefined && partnerCount < 2) return 'A shared number has at least 2 partners: us and at least one other.';
    return null;
  }
  if (!number.share) return null;
  switch (action) {
    case 'coexistence_sync':
      return 'Multi-Solution Conversations does not support coexistence numbers: a shared number cannot sync WhatsApp Business app data.';
    case 'deregister':
      return 'This number is shared with other partners through Multi-Solution Conversations: deregistering it would stop it for all of them. To leave, the customer opens a WhatsApp support ticket with the request type “Embedded Signup - MSC Offboarding”.';
    case 'register':
    case 'change_pin':
    case 'request_code':
    case 'verify_code':
      return number.registeredByUs ? null : notRegistering;
  }
}

/** Whether one of our register calls for this number succeeded. */
async function registeredByUs(metaPhoneNumberId: string): Promise<boolean> {
  const [row] = await db()
    .select({ one: sql`1` })
    .from(graphCalls)
    .where(and(eq(graphCalls.method, 'POST'), like(graphCalls.path, `%/${metaPhoneNumberId}/register`), eq(graphCalls.status, 200)))
    .limit(1);
  return row !== undefined;
}

/** The number as the MSC rules need it, or undefined when it is not on record. */
export async function loadMscNumber(metaPhoneNumberId: string) {
  if (!/^\d{1,30}$/.test(metaPhoneNumberId)) return undefined;
  const [row] = await db()
    .select({ phone: phoneNumbers, metaWabaId: wabas.metaWabaId, wabaName: wabas.name, share: mscShares })
    .from(phoneNumbers)
    .innerJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .leftJoin(mscShares, eq(mscShares.phoneNumberId, phoneNumbers.metaPhoneNumberId))
    .where(eq(phoneNumbers.metaPhoneNumberId, metaPhoneNumberId));
  if (!row) return undefined;
  const [byUs, arrivedRegistered] = await Promise.all([registeredByUs(metaPhoneNumberId), arrivedRegisteredAt(row.phone.id)]);
  const number: MscNumber = { metaPhoneNumberId, isOnBizApp: row.phone.isOnBizApp, registeredByUs: byUs, share: row.share };
  return { number, phone: row.phone, metaWabaId: row.metaWabaId, wabaName: row.wabaName, share: row.share, arrivedRegistered };
}

/** When an onboarding found the number registered already (as a number shared through MSC arrives), if one did. */
async function arrivedRegisteredAt(phoneRowId: string): Promise<Date | null> {
  const [row] = await db()
    .select({ at: operationSteps.finishedAt })
    .from(operationSteps)
    .innerJoin(onboardingSessions, eq(onboardingSessions.id, operationSteps.runId))
    .where(
      and(
        eq(onboardingSessions.phoneNumberId, phoneRowId),
        eq(operationSteps.name, 'register_phone'),
        sql`${operationSteps.result}->>'alreadyRegistered' = 'true'`,
      ),
    )
    .limit(1);
  return row ? (row.at ?? new Date(0)) : null;
}

/** Throws the refusal as a UserError: what a number action calls first (`await assertMscAllows(id, 'register')`). */
export async function assertMscAllows(metaPhoneNumberId: string, action: NumberAction): Promise<void> {
  const found = await loadMscNumber(metaPhoneNumberId);
  if (!found) return;
  const refusal = mscRefusal(found.number, action);
  if (refusal) throw new UserError(refusal);
}

export async function recordMscShare(input: { phoneNumberId: string; partnerCount: number; note?: string }, audit: Auditor): Promise<void> {
  const programRefused = programRefusal('msc', await programSettings());
  if (programRefused) throw new UserError(programRefused);
  const found = await loadMscNumber(input.phoneNumberId);
  if (!found) throw new UserError('This phone number is not on record.');
  const refusal = mscRefusal(found.number, 'record_sharing', input.partnerCount);
  if (refusal) throw new UserError(refusal, { partnerCount: [refusal] });
  await db().transaction(async (tx) => {
    const values = { partnerCount: input.partnerCount, note: input.note ?? null, recordedBy: audit.actorId, recordedAt: new Date() };
    await tx
      .insert(mscShares)
      .values({ phoneNumberId: input.phoneNumberId, ...values })
      .onConflictDoUpdate({ target: mscShares.phoneNumberId, set: values });
    await audit.record(tx, { target: input.phoneNumberId, details: { partnerCount: input.partnerCount, before: found.share?.partnerCount ?? null } });
  });
}

export async function clearMscShare(phoneNumberId: string, audit: Auditor): Promise<boolean> {
  return db().transaction(async (tx) => {
    const removed = await tx.delete(mscShares).where(eq(mscShares.phoneNumberId, phoneNumberId)).returning({ id: mscShares.phoneNumberId });
    if (removed.length > 0) await audit.record(tx, { target: phoneNumberId, details: { shared: false } });
    return removed.length > 0;
  });
}

/** Numbers recorded as shared, newest first, for the Shared numbers page. */
export async function listMscShares(options: { cursor?: Cursor; limit?: number } = {}) {
  const limit = pageLimit(options.limit);
  const rows = await db()
    .select({
      share: mscShares,
      displayPhoneNumber: phoneNumbers.displayPhoneNumber,
      verifiedName: phoneNumbers.verifiedName,
      metaWabaId: wabas.metaWabaId,
      cursorAt: cursorText(mscShares.recordedAt),
    })
    .from(mscShares)
    .innerJoin(phoneNumbers, eq(phoneNumbers.metaPhoneNumberId, mscShares.phoneNumberId))
    .innerJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .where(options.cursor ? olderThan(mscShares.recordedAt, mscShares.phoneNumberId, options.cursor) : undefined)
    .orderBy(desc(mscShares.recordedAt), desc(mscShares.phoneNumberId))
    .limit(limit + 1);
  return pageOf(rows, limit, (r) => ({ at: r.cursorAt, id: r.share.phoneNumberId }));
}
