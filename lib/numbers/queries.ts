import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, rawQuery } from '@/lib/db/client';
import {
  businesses,
  messageStatuses,
  messageTemplates,
  operationRuns,
  operationSteps,
  phoneNumbers,
  testMessages,
  vaultSecrets,
  wabas,
  webhookEvents,
} from '@/lib/db/schema';
import { addPhoneNumberOperation } from '@/lib/numbers/operations/add';
import { runProgress, runsAbout, type RunProgress } from '@/lib/operations/progress';

// What the staff number pages read: the number with its WABA, the webhooks about it, the runs
// about it, its test messages and their delivery, and the templates it may send.

const uuidSchema = z.uuid();
const metaId = /^\d{1,30}$/;

/** The WABA (our uuid or Meta's id) and one of its numbers (Meta's id); undefined when either is unknown or they do not belong together. */
export async function findNumber(wabaParam: string, phoneParam: string) {
  const byUuid = uuidSchema.safeParse(wabaParam).success;
  if ((!byUuid && !metaId.test(wabaParam)) || !metaId.test(phoneParam)) return undefined;
  const [row] = await db()
    .select({ waba: wabas, business: businesses, phone: phoneNumbers })
    .from(phoneNumbers)
    .innerJoin(wabas, eq(wabas.id, phoneNumbers.wabaId))
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(and(eq(phoneNumbers.metaPhoneNumberId, phoneParam), byUuid ? eq(wabas.id, wabaParam) : eq(wabas.metaWabaId, wabaParam)));
  return row;
}

export type FoundNumber = NonNullable<Awaited<ReturnType<typeof findNumber>>>;

export async function findWabaRow(wabaParam: string) {
  const byUuid = uuidSchema.safeParse(wabaParam).success;
  if (!byUuid && !metaId.test(wabaParam)) return undefined;
  const [row] = await db()
    .select({ waba: wabas, business: businesses })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(byUuid ? eq(wabas.id, wabaParam) : eq(wabas.metaWabaId, wabaParam));
  return row;
}

/** When our PIN for the number was stored (the vault row's time), if we hold one. */
export async function pinStoredAt(secretId: string | null): Promise<Date | null> {
  if (!secretId) return null;
  const [row] = await db().select({ createdAt: vaultSecrets.createdAt }).from(vaultSecrets).where(eq(vaultSecrets.id, secretId));
  return row?.createdAt ?? null;
}

export type NumberEvent = { id: string; field: string; event: string | null; receivedAt: Date; value: Record<string, unknown> };

/** The newest quality, limit and display-name webhooks about this number (Meta names it by its digits). */
export async function numberEvents(metaWabaId: string, displayPhoneNumber: string | null, limit = 20): Promise<NumberEvent[]> {
  const digits = (displayPhoneNumber ?? '').replace(/\D/g, '');
  if (!digits) return [];
  const rows = await db()
    .select({ id: webhookEvents.id, field: webhookEvents.field, event: webhookEvents.event, receivedAt: webhookEvents.receivedAt, value: webhookEvents.value })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.wabaId, metaWabaId),
        inArray(webhookEvents.field, ['phone_number_quality_update', 'phone_number_name_update']),
        sql`regexp_replace(coalesce((${webhookEvents.value})::jsonb ->> 'display_phone_number', ''), '[^0-9]', '', 'g') = ${digits}`,
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, value: (r.value ?? {}) as Record<string, unknown> }));
}

/** Runs about the number, and the add-number run that created it. */
export async function runsForNumber(metaWabaId: string, metaPhoneNumberId: string): Promise<RunProgress[]> {
  const [own, creators] = await Promise.all([
    runsAbout('phone_number', metaPhoneNumberId),
    db()
      .select({ id: operationRuns.id })
      .from(operationRuns)
      .innerJoin(operationSteps, and(eq(operationSteps.runId, operationRuns.id), eq(operationSteps.name, 'create_number')))
      .where(
        and(
          eq(operationRuns.operation, addPhoneNumberOperation.name),
          eq(operationRuns.subjectId, metaWabaId),
          sql`${operationSteps.result} ->> 'phoneNumberId' = ${metaPhoneNumberId}`,
        ),
      ),
  ]);
  const created = (await Promise.all(creators.map((c) => runProgress(c.id)))).filter((r): r is RunProgress => r !== undefined);
  return [...own, ...created].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The plan of the newest add-number run that created this number (what staff asked for then). */
export async function addRequestOf(metaWabaId: string, metaPhoneNumberId: string): Promise<Record<string, unknown> | null> {
  const [row] = await db()
    .select({ input: operationRuns.input })
    .from(operationRuns)
    .innerJoin(operationSteps, and(eq(operationSteps.runId, operationRuns.id), eq(operationSteps.name, 'create_number')))
    .where(
      and(
        eq(operationRuns.operation, addPhoneNumberOperation.name),
        eq(operationRuns.subjectId, metaWabaId),
        sql`${operationSteps.result} ->> 'phoneNumberId' = ${metaPhoneNumberId}`,
      ),
    )
    .orderBy(desc(operationRuns.createdAt))
    .limit(1);
  return row?.input ?? null;
}

/** The add-number run, and the runs that continued it once the number existed. */
export async function addNumberFlow(metaWabaId: string, runId: string) {
  if (!uuidSchema.safeParse(runId).success) return undefined;
  const run = await runProgress(runId);
  if (!run || run.operation !== addPhoneNumberOperation.name || run.subjectId !== metaWabaId) return undefined;
  const created = run.steps.find((s) => s.name === 'create_number')?.result as { phoneNumberId?: string } | null;
  const phoneNumberId = created?.phoneNumberId ?? null;
  const later = phoneNumberId ? (await runsAbout('phone_number', phoneNumberId)).filter((r) => r.createdAt >= run.createdAt) : [];
  const [phone] = phoneNumberId ? await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, phoneNumberId)) : [];
  const [stored] = await db().select({ input: operationRuns.input }).from(operationRuns).where(eq(operationRuns.id, runId));
  const region = stored?.input.dataLocalizationRegion;
  return { run, phoneNumberId, phone: phone ?? null, later, dataLocalizationRegion: typeof region === 'string' ? region : null };
}

/** Approved templates of the WABA as its webhooks told us, the ones named like Meta's sample first. */
export async function approvedTemplates(metaWabaId: string) {
  const rows = await db()
    .select({ name: messageTemplates.name, language: messageTemplates.language, category: messageTemplates.category })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.wabaId, metaWabaId), eq(messageTemplates.status, 'APPROVED')));
  return rows
    .filter((r): r is { name: string; language: string; category: string | null } => Boolean(r.name && r.language))
    .sort((a, b) => Number(b.name.startsWith('hello')) - Number(a.name.startsWith('hello')) || a.name.localeCompare(b.name));
}

export const customerServiceWindowMs = 24 * 3600_000;

/** When the person last wrote to this number, from the messages webhooks we received (within 24 hours), else null. */
export async function lastMessageFrom(metaWabaId: string, metaPhoneNumberId: string, waId: string, now: Date = new Date()): Promise<Date | null> {
  const since = new Date(now.getTime() - customerServiceWindowMs);
  const [row] = await rawQuery<{ at: Date | string | null }>(
    `select max(e.received_at) as at
       from webhook_events e, jsonb_array_elements(coalesce((e.value)::jsonb -> 'messages', '[]'::jsonb)) m
      where e.waba_id = $1 and e.field = 'messages' and e.received_at >= $2::timestamptz
        and (e.value)::jsonb -> 'metadata' ->> 'phone_number_id' = $3 and m ->> 'from' = $4`,
    [metaWabaId, since.toISOString(), metaPhoneNumberId, waId],
  );
  return row?.at ? new Date(row.at) : null;
}

export type DeliveryStep = { status: string; at: Date; error: { code: string | null; title: string | null; details: string | null } | null };

export type TestMessageView = {
  messageId: string;
  recipient: string;
  kind: 'text' | 'template';
  templateName: string | null;
  createdAt: Date;
  /** The furthest status Meta reported (message_statuses), or null before the first webhook. */
  status: string | null;
  /** Each status webhook, in the order Meta timestamped them. */
  history: DeliveryStep[];
};

const statusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.union([z.number(), z.string()]).optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.looseObject({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/** The number's newest test messages with their delivery as the statuses webhooks report it. */
export async function testMessagesOf(metaWabaId: string, metaPhoneNumberId: string, limit = 10): Promise<TestMessageView[]> {
  const rows = await db()
    .select({ message: testMessages, status: messageStatuses.status })
    .from(testMessages)
    .leftJoin(messageStatuses, eq(messageStatuses.messageId, testMessages.messageId))
    .where(eq(testMessages.phoneNumberId, metaPhoneNumberId))
    .orderBy(desc(testMessages.createdAt))
    .limit(limit);
  if (rows.length === 0) return [];
  const oldest = rows.at(-1)!.message.createdAt;
  const ids = rows.map((r) => r.message.messageId);
  const statuses = await rawQuery<{ received_at: Date | string; status: unknown }>(
    `select e.received_at, s as status
       from webhook_events e, jsonb_array_elements(coalesce((e.value)::jsonb -> 'statuses', '[]'::jsonb)) s
      where e.waba_id = $1 and e.field = 'messages' and e.received_at >= $2::timestamptz and s ->> 'id' = any($3::text[])`,
    [metaWabaId, new Date(oldest.getTime() - 60_000).toISOString(), ids],
  );
  const history = new Map<string, Map<string, DeliveryStep>>();
  for (const row of statuses) {
    const parsed = statusSchema.safeParse(typeof row.status === 'string' ? JSON.parse(row.status) : row.status);
    if (!parsed.success) continue;
    const s = parsed.data;
    const at = s.timestamp !== undefined && Number.isFinite(Number(s.timestamp)) ? new Date(Number(s.timestamp) * 1000) : new Date(row.received_at);
    const first = s.errors?.[0];
    const error = first
      ? { code: first.code === undefined ? null : String(first.code), title: first.title ?? first.message ?? null, details: first.error_data?.details ?? null }
      : null;
    const steps = history.get(s.id) ?? new Map<string, DeliveryStep>();
    // Meta repeats statuses; one line per status.
    if (!steps.has(s.status)) steps.set(s.status, { status: s.status, at, error });
    history.set(s.id, steps);
  }
  const order: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };
  return rows.map(({ message, status }) => ({
    messageId: message.messageId,
    recipient: message.recipient,
    kind: message.kind,
    templateName: message.templateName,
    createdAt: message.createdAt,
    status: status ?? null,
    history: [...(history.get(message.messageId)?.values() ?? [])].sort(
      (a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || a.at.getTime() - b.at.getTime(),
    ),
  }));
}

/** Whether a test message left the number in the last two minutes (the page keeps refreshing while it travels). */
export async function hasRecentTestMessage(metaPhoneNumberId: string, now: Date = new Date()): Promise<boolean> {
  const [row] = await db()
    .select({ id: testMessages.messageId })
    .from(testMessages)
    .where(and(eq(testMessages.phoneNumberId, metaPhoneNumberId), gte(testMessages.createdAt, new Date(now.getTime() - 120_000))))
    .limit(1);
  return row !== undefined;
}
