import { and, asc, count, desc, eq, ilike, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { attentionItems, businesses, onboardingSessions, phoneNumbers, wabaStatuses, wabas } from '@/lib/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/webhooks/event-log';

// The staff views of WhatsApp Business Accounts as we store them (Graph syncs and webhooks keep
// them current); Graph calls live in lib/meta/wabas.ts.

export const wabaListFilterSchema = z.object({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(wabaStatuses).optional()),
  q: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(200).optional()),
});

export type WabaListFilter = z.infer<typeof wabaListFilterSchema>;

export async function listWabas(filter: WabaListFilter, options: { cursor?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const where: SQL[] = [];
  if (filter.status) where.push(eq(wabas.status, filter.status));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(eq(wabas.metaWabaId, filter.q), ilike(wabas.name, pattern), ilike(businesses.name, pattern), eq(businesses.metaBusinessId, filter.q))!);
  }
  const after = decodeCursor(options.cursor);
  if (after) {
    where.push(or(lt(wabas.createdAt, sql`${after.at}::timestamptz`), and(eq(wabas.createdAt, sql`${after.at}::timestamptz`), lt(wabas.id, after.id)))!);
  }
  const numbers = db()
    .select({ wabaId: phoneNumbers.wabaId, n: count().as('n') })
    .from(phoneNumbers)
    .groupBy(phoneNumbers.wabaId)
    .as('numbers');
  const rows = await db()
    .select({
      id: wabas.id,
      metaWabaId: wabas.metaWabaId,
      name: wabas.name,
      status: wabas.status,
      accountReviewStatus: wabas.accountReviewStatus,
      businessName: businesses.name,
      metaBusinessId: businesses.metaBusinessId,
      numbers: sql<number>`coalesce(${numbers.n}, 0)::int`,
      createdAt: wabas.createdAt,
      cursorAt: sql<string>`${wabas.createdAt}::text`,
    })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .leftJoin(numbers, eq(numbers.wabaId, wabas.id))
    .where(and(...where))
    .orderBy(desc(wabas.createdAt), desc(wabas.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    wabas: page.map(({ cursorAt: _c, ...row }) => row),
    next: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : undefined,
  };
}

const uuidSchema = z.string().uuid();

/** By our uuid or by Meta's WABA id. */
export async function findWaba(idOrMetaId: string) {
  const byUuid = uuidSchema.safeParse(idOrMetaId).success;
  if (!byUuid && !/^\d{1,30}$/.test(idOrMetaId)) return undefined;
  const [row] = await db()
    .select({ waba: wabas, business: businesses })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(byUuid ? eq(wabas.id, idOrMetaId) : eq(wabas.metaWabaId, idOrMetaId));
  return row;
}

export async function phoneNumbersOf(wabaId: string) {
  return db().select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, wabaId)).orderBy(asc(phoneNumbers.createdAt));
}

export async function onboardingsOf(wabaId: string) {
  return db()
    .select({ id: onboardingSessions.id, flow: onboardingSessions.flow, status: onboardingSessions.status, createdAt: onboardingSessions.createdAt })
    .from(onboardingSessions)
    .where(eq(onboardingSessions.wabaId, wabaId))
    .orderBy(desc(onboardingSessions.createdAt));
}

/** Open items for staff, newest first; for one WABA (Meta's id) or all of them. */
export async function openAttention(options: { metaWabaId?: string; limit?: number } = {}) {
  const where = [isNull(attentionItems.resolvedAt)];
  if (options.metaWabaId) where.push(eq(attentionItems.wabaId, options.metaWabaId));
  return db()
    .select({
      id: attentionItems.id,
      wabaId: attentionItems.wabaId,
      kind: attentionItems.kind,
      message: attentionItems.message,
      createdAt: attentionItems.createdAt,
      wabaRowId: wabas.id,
      /** Where the item is acted on, when that is not the WABA's page (e.g. `/verification/<business>`). */
      href: sql<string | null>`${attentionItems.data}->>'href'`,
      /** The account-page action that resolves it (`resubscribe`, `reauthorize`), for console-raised items. */
      action: sql<string | null>`${attentionItems.data}->>'action'`,
    })
    .from(attentionItems)
    .leftJoin(wabas, eq(wabas.metaWabaId, attentionItems.wabaId))
    .where(and(...where))
    .orderBy(desc(attentionItems.createdAt))
    .limit(options.limit ?? 100);
}

/** Marks an open item resolved by a staff member, with why; returns it, or undefined when it does not exist or was already resolved. */
export async function resolveAttention(id: string, by: { userId: string; reason: string }) {
  if (!uuidSchema.safeParse(id).success) return undefined;
  const [row] = await db()
    .update(attentionItems)
    .set({ resolvedAt: new Date(), resolvedBy: by.userId, resolution: by.reason })
    .where(and(eq(attentionItems.id, id), isNull(attentionItems.resolvedAt)))
    .returning({ id: attentionItems.id, kind: attentionItems.kind, wabaId: attentionItems.wabaId });
  return row;
}
