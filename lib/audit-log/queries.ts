import { and, asc, desc, eq, gte, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db, rowsOf } from '@/lib/db/client';
import { auditLog, graphCalls, onboardingSessions, phoneNumbers, staffUsers, wabas } from '@/lib/db/schema';
import { onboardingSteps } from '@/lib/onboarding/operation';
import { cursorText, decodeCursor, olderThan, pageLimit, pageOf, type Page } from '@/lib/pagination';
import { masked, maskPayload } from '@/lib/webhooks/event-log';

// The audit log: what staff did (audit_log) and every call to Meta's Graph API (graph_calls), each
// filtered and keyset-paged, newest first. Graph paths are redacted when recorded; staff action
// details are redacted here, so that no token, PIN or secret reaches the page.

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** datetime-local inputs carry no zone: the log's filters are in UTC, and the page says so. */
const utcTime = z.preprocess(
  blank,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Use a date and time like 2026-01-31T14:00.')
    .transform((v) => new Date(`${v}Z`))
    .refine((d) => !Number.isNaN(d.getTime()), 'Not a valid date.')
    .optional(),
);

const wabaId = z.preprocess(
  blank,
  z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, 'A WABA id is digits only.')
    .optional(),
);

export const staffActionFilterSchema = z.object({
  actor: z.preprocess(blank, z.union([z.literal('system'), z.uuid()], 'Choose someone from the list.').optional()),
  action: z.preprocess(
    blank,
    z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'Not an action name, like link.create.')
      .max(100)
      .optional(),
  ),
  waba: wabaId,
  from: utcTime,
  to: utcTime,
});
export type StaffActionFilter = z.infer<typeof staffActionFilterSchema>;

/** The steps Graph calls are tagged with: the signup's completion, then the onboarding's steps. */
export const graphCallSteps: readonly string[] = ['exchange_code', 'verify_token', 'verify_waba', 'verify_phone', ...onboardingSteps.map((step) => step.name)];

export const graphCallFilterSchema = z.object({
  waba: wabaId,
  step: z.preprocess(
    blank,
    z
      .string()
      .refine((step) => graphCallSteps.includes(step), 'Choose a step from the list.')
      .optional(),
  ),
  result: z.preprocess(blank, z.enum(['ok', 'failed'], 'Choose succeeded or failed.').optional()),
  from: utcTime,
  to: utcTime,
});
export type GraphCallFilter = z.infer<typeof graphCallFilterSchema>;

/** Parses a filter from search params; an invalid value is dropped and reported, never applied half-way. */
export function parseFilter<S extends z.ZodObject>(
  schema: S,
  params: Record<string, string | string[] | undefined>,
): { filter: z.output<S>; errors: string[] } {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = params[key];
    if (typeof value === 'string') raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { filter: parsed.data, errors: [] };
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const errors = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  const kept = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  return { filter: schema.parse(kept), errors };
}

// --- Redaction -----------------------------------------------------------------------------------

const tokenShaped = /EAA[A-Za-z0-9]{20,}/g;
const secretParam = /([?&](?:[a-z_]*token|[a-z_]*secret|password|pin|code|key|signature|sig)=)[^&#\s]*/gi;

function redactText(text: string): string {
  return text.replace(tokenShaped, masked).replace(secretParam, `$1${masked}`);
}

function redactStrings(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v)]));
  return value;
}

/** A staff action's details fit to show: secret-named keys masked, tokens and secret URL parameters cut. */
export function redactDetails(details: unknown): unknown {
  return redactStrings(maskPayload(details));
}

// --- Staff actions -------------------------------------------------------------------------------------

function staffActionConditions(filter: StaffActionFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.actor === 'system') where.push(isNull(auditLog.actorId));
  else if (filter.actor) where.push(eq(auditLog.actorId, filter.actor));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) where.push(lte(auditLog.createdAt, filter.to));
  if (filter.waba) {
    const w = filter.waba;
    // Actions name a WABA directly, or an onboarding or WABA row of ours.
    where.push(sql`(${auditLog.target} = ${w}
      or ${auditLog.details}->>'wabaId' = ${w}
      or ${auditLog.target} in (select o.id::text from ${onboardingSessions} o join ${wabas} w on w.id = o.waba_id where w.meta_waba_id = ${w})
      or ${auditLog.target} in (select w.id::text from ${wabas} w where w.meta_waba_id = ${w}))`);
  }
  return where;
}

export type StaffActionRow = {
  id: number;
  createdAt: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  target: string | null;
  details: unknown;
};

export async function listStaffActions(filter: StaffActionFilter, options: { cursor?: string; limit?: number } = {}): Promise<Page<StaffActionRow>> {
  const limit = pageLimit(options.limit);
  const where = staffActionConditions(filter);
  const cursor = decodeCursor(options.cursor);
  if (cursor && /^\d+$/.test(cursor.id)) where.push(olderThan(auditLog.createdAt, auditLog.id, cursor));
  const rows = await db()
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      at: cursorText(auditLog.createdAt),
      actorId: auditLog.actorId,
      actorName: staffUsers.name,
      actorEmail: staffUsers.email,
      action: auditLog.action,
      target: auditLog.target,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorId))
    .where(and(...where))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (row) => ({ at: row.at, id: String(row.id) }));
  return { items: page.items.map(({ at: _at, details, ...row }) => ({ ...row, details: redactDetails(details) })), next: page.next };
}

/** Who can be chosen in the actor filter: every staff member, by name. */
export async function auditActors(): Promise<{ id: string; name: string; email: string }[]> {
  return db().select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email }).from(staffUsers).orderBy(asc(staffUsers.name));
}

/** The actions recorded so far, for the action filter. */
export async function auditActions(): Promise<string[]> {
  // A skip along audit_log_action_idx: one index probe per distinct action, not a read of every row.
  const result = await db().execute(sql`
    with recursive actions(action) as (
      (select action from ${auditLog} order by action limit 1)
      union all
      select (select a.action from ${auditLog} a where a.action > actions.action order by a.action limit 1) from actions where actions.action is not null
    )
    select action from actions where action is not null`);
  return rowsOf<{ action: string }>(result).map((r) => r.action);
}

// --- Graph calls ---------------------------------------------------------------------------------------

function graphCallConditions(filter: GraphCallFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.step) where.push(eq(graphCalls.step, filter.step));
  if (filter.result === 'failed') where.push(isNotNull(graphCalls.errorCode));
  if (filter.result === 'ok') where.push(isNull(graphCalls.errorCode));
  if (filter.from) where.push(gte(graphCalls.createdAt, filter.from));
  if (filter.to) where.push(lte(graphCalls.createdAt, filter.to));
  if (filter.waba) {
    const w = filter.waba;
    // A call is about the WABA when its path starts with the WABA or one of its numbers, or it was
    // made for one of its onboardings (the code exchange, the credit line; an onboarding's run shares its id).
    const first = sql`split_part(${graphCalls.path}, '/', 2)`;
    where.push(sql`(${first} = ${w}
      or ${first} in (select p.meta_phone_number_id from ${phoneNumbers} p join ${wabas} w on w.id = p.waba_id where w.meta_waba_id = ${w})
      or ${graphCalls.sessionId} in (select o.id from ${onboardingSessions} o join ${wabas} w on w.id = o.waba_id where w.meta_waba_id = ${w})
      or ${graphCalls.runId} in (select o.id from ${onboardingSessions} o join ${wabas} w on w.id = o.waba_id where w.meta_waba_id = ${w}))`);
  }
  return where;
}

export type GraphCallRow = typeof graphCalls.$inferSelect;

export async function listGraphCalls(filter: GraphCallFilter, options: { cursor?: string; limit?: number } = {}): Promise<Page<GraphCallRow>> {
  const limit = pageLimit(options.limit);
  const where = graphCallConditions(filter);
  const cursor = decodeCursor(options.cursor);
  if (cursor && /^\d+$/.test(cursor.id)) where.push(olderThan(graphCalls.createdAt, graphCalls.id, cursor));
  const rows = await db()
    .select({
      id: graphCalls.id,
      method: graphCalls.method,
      path: graphCalls.path,
      status: graphCalls.status,
      errorCode: graphCalls.errorCode,
      fbtraceId: graphCalls.fbtraceId,
      durationMs: graphCalls.durationMs,
      sessionId: graphCalls.sessionId,
      runId: graphCalls.runId,
      step: graphCalls.step,
      createdAt: graphCalls.createdAt,
      at: cursorText(graphCalls.createdAt),
    })
    .from(graphCalls)
    .where(and(...where))
    .orderBy(desc(graphCalls.createdAt), desc(graphCalls.id))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (row) => ({ at: row.at, id: String(row.id) }));
  return { items: page.items.map(({ at: _at, ...row }) => row), next: page.next };
}
