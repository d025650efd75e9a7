import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Auditor } from '@/lib/audit';
import { db, type Tx } from '@/lib/db/client';
import { wabaRequests, type WabaRequest } from '@/lib/db/schema';
import { cursorText, decodeCursor, olderThan, pageOf, type Page } from '@/lib/pagination';
import { UserError } from '@/lib/user-error';

// WABA creation requests a Solution Partner sends in Meta Business Suite (Meta: Partner-initiated
// WABA creation). Onramp cannot send them (Meta has no API for it); staff record what they sent, the
// customer accepts in Business Suite, and Meta's account_update PARTNER_ADDED marks the request
// accepted (lib/webhooks/handlers/partner-connection.ts).

/** Invitations not accepted within 90 days are cancelled automatically (Meta: Partner-initiated WABA creation). */
export const requestLifetimeMs = 90 * 24 * 3600_000;

/** What the customer does, from Meta's page, ready to send them. */
export const customerInstructions = [
  'Open Meta Business Suite at https://business.facebook.com.',
  'If you have several business portfolios, choose the right one in the menu at the top left.',
  'Go to Settings (the gear icon) › Requests › Other requests and open the Received tab.',
  'Find our invitation and review it (or decline it).',
  'Optionally add and verify a business phone number.',
  'Confirm the invitation.',
  'Go to Accounts › WhatsApp accounts and check that your WhatsApp Business Account was created and shared with us.',
]
  .map((line, i) => `${i + 1}. ${line}`)
  .join('\n');

const dateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date you sent it, e.g. 2026-03-01.')
  .transform((value) => new Date(`${value}T00:00:00.000Z`))
  .refine((date) => !Number.isNaN(date.getTime()), 'Enter a real date.');

export const newRequestSchema = z.object({
  customerBusinessId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, 'The business portfolio id is a number (Business Settings › Business info).'),
  customerName: z.string().trim().min(1, 'Enter the customer’s business name.').max(200, 'At most 200 characters.'),
  sentOn: dateSchema,
  note: z
    .string()
    .trim()
    .max(1000, 'At most 1,000 characters.')
    .transform((v) => (v === '' ? null : v))
    .optional(),
});

export type NewRequest = z.output<typeof newRequestSchema>;

export type RequestState = 'waiting' | 'expired' | 'accepted' | 'cancelled';

export function expiresAt(request: Pick<WabaRequest, 'sentAt'>): Date {
  return new Date(request.sentAt.getTime() + requestLifetimeMs);
}

export function requestState(request: Pick<WabaRequest, 'status' | 'sentAt'>, now: Date = new Date()): RequestState {
  if (request.status === 'accepted') return 'accepted';
  if (request.status === 'cancelled') return 'cancelled';
  return expiresAt(request) <= now ? 'expired' : 'waiting';
}

/** Whole days left before Meta cancels the invitation (0 on its last day). */
export function daysLeft(request: Pick<WabaRequest, 'sentAt'>, now: Date = new Date()): number {
  return Math.max(0, Math.floor((expiresAt(request).getTime() - now.getTime()) / 86_400_000));
}

export async function recordWabaRequest(input: NewRequest, audit: Auditor): Promise<WabaRequest> {
  if (input.sentOn.getTime() > Date.now()) throw new UserError('The date you sent it cannot be in the future.', { sentOn: ['Not in the future.'] });
  return db().transaction(async (tx) => {
    const [row] = await tx
      .insert(wabaRequests)
      .values({
        customerBusinessId: input.customerBusinessId,
        customerName: input.customerName,
        sentAt: input.sentOn,
        note: input.note ?? null,
        createdBy: audit.actorId,
      })
      .returning();
    await audit.record(tx, {
      target: row!.id,
      details: { customerBusinessId: row!.customerBusinessId, customerName: row!.customerName, sentAt: row!.sentAt.toISOString() },
    });
    return row!;
  });
}

/** Staff cancelled the invitation in Business Suite; an expired or accepted one stays as it is. */
export async function cancelWabaRequest(id: string, audit: Auditor): Promise<WabaRequest> {
  return db().transaction(async (tx) => {
    const [row] = await tx.select().from(wabaRequests).where(eq(wabaRequests.id, id)).for('update');
    if (!row) throw new UserError('This request does not exist.');
    const state = requestState(row);
    if (state !== 'waiting') throw new UserError(`This request is ${state}: only a request still waiting for the customer can be marked cancelled.`);
    const [updated] = await tx.update(wabaRequests).set({ status: 'cancelled' }).where(eq(wabaRequests.id, id)).returning();
    await audit.record(tx, { target: id, details: { customerBusinessId: row.customerBusinessId } });
    return updated!;
  });
}

export async function listWabaRequests(options: { cursor?: string; limit?: number } = {}): Promise<Page<WabaRequest & { cursorAt: string }>> {
  const limit = options.limit ?? 50;
  const cursor = decodeCursor(options.cursor);
  const rows = await db()
    .select({ request: wabaRequests, cursorAt: cursorText(wabaRequests.createdAt) })
    .from(wabaRequests)
    .where(cursor ? olderThan(wabaRequests.createdAt, wabaRequests.id, cursor) : undefined)
    .orderBy(desc(wabaRequests.createdAt), desc(wabaRequests.id))
    .limit(limit + 1);
  const items = rows.map((r) => ({ ...r.request, cursorAt: r.cursorAt }));
  return pageOf(items, limit, (r) => ({ at: r.cursorAt, id: r.id }));
}

export async function requestForWaba(metaWabaId: string): Promise<WabaRequest | undefined> {
  const [row] = await db().select().from(wabaRequests).where(eq(wabaRequests.metaWabaId, metaWabaId)).limit(1);
  return row;
}

/**
 * PARTNER_ADDED for a WABA of this business: the oldest request still open at `at` is accepted and
 * linked to the WABA. Runs in the webhook handler's transaction; a replay finds it done already.
 */
export async function markRequestAccepted(tx: Tx, input: { ownerBusinessId: string; metaWabaId: string; at: Date }): Promise<boolean> {
  const [already] = await tx.select({ id: wabaRequests.id }).from(wabaRequests).where(eq(wabaRequests.metaWabaId, input.metaWabaId)).limit(1);
  if (already) return false;
  const [open] = await tx
    .select()
    .from(wabaRequests)
    .where(
      and(
        eq(wabaRequests.customerBusinessId, input.ownerBusinessId),
        eq(wabaRequests.status, 'sent'),
        gt(wabaRequests.sentAt, new Date(input.at.getTime() - requestLifetimeMs)),
      ),
    )
    .orderBy(asc(wabaRequests.sentAt))
    .limit(1)
    .for('update');
  if (!open) return false;
  await tx.update(wabaRequests).set({ status: 'accepted', metaWabaId: input.metaWabaId, acceptedAt: input.at }).where(eq(wabaRequests.id, open.id));
  return true;
}
