import { and, asc, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { webhookEventStatuses, webhookEvents, webhookRejections, type WebhookEvent } from '@/lib/db/schema';
import { handledFields } from '@/lib/webhooks/handlers';

// What the staff webhook views read: the event log with its filters and keyset paging, the raw
// payload with secrets masked, one-line summaries for timelines, rejection counters, forwards.

/** The fields offered in filters and forward forms: every field with a handler. */
export const knownFields = handledFields;

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** datetime-local inputs carry no zone: the log's filters are in UTC, and the page says so. */
const utcTime = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Use a date and time like 2026-01-31T14:00.')
    .transform((v) => new Date(`${v}Z`))
    .refine((d) => !Number.isNaN(d.getTime()), 'Not a valid date.')
    .optional(),
);

export const eventFilterSchema = z.object({
  waba: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,30}$/, 'A WABA id is digits only.')
      .optional(),
  ),
  field: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_]{0,99}$/, 'Not a webhook field name.')
      .optional(),
  ),
  event: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_]{1,100}$/, 'Not an event name.')
      .optional(),
  ),
  status: z.preprocess(blankToUndefined, z.enum(webhookEventStatuses, { message: 'Not an event status.' }).optional()),
  from: utcTime,
  to: utcTime,
});

export type EventFilter = z.infer<typeof eventFilterSchema>;

/** Parses the filter from search params; an invalid value is dropped and reported, never applied half-way. */
export function parseEventFilter(params: Record<string, string | string[] | undefined>): { filter: EventFilter; errors: string[] } {
  const raw: Record<string, string> = {};
  for (const key of ['waba', 'field', 'event', 'status', 'from', 'to'] as const) {
    const value = params[key];
    if (typeof value === 'string') raw[key] = value;
  }
  const parsed = eventFilterSchema.safeParse(raw);
  if (parsed.success) return { filter: parsed.data, errors: [] };
  const filter: Record<string, unknown> = {};
  const errors: string[] = [];
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  for (const issue of parsed.error.issues) errors.push(`${String(issue.path[0])}: ${issue.message}`);
  for (const [key, value] of Object.entries(raw)) if (!bad.has(key)) filter[key] = value;
  return { filter: eventFilterSchema.parse(filter), errors };
}

function conditions(filter: EventFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.waba) where.push(eq(webhookEvents.wabaId, filter.waba));
  if (filter.field) where.push(eq(webhookEvents.field, filter.field));
  if (filter.event) where.push(eq(webhookEvents.event, filter.event));
  if (filter.status) where.push(eq(webhookEvents.status, filter.status));
  if (filter.from) where.push(gte(webhookEvents.receivedAt, filter.from));
  if (filter.to) where.push(lte(webhookEvents.receivedAt, filter.to));
  return where;
}

// The cursor keeps PostgreSQL's microseconds (a JavaScript Date would round them and skip rows).
const cursorSchema = z.object({ at: z.string().min(1).max(40), id: z.string().uuid() });

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify({ at, id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type EventRow = Pick<
  WebhookEvent,
  'id' | 'field' | 'event' | 'entryId' | 'wabaId' | 'status' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'receivedAt' | 'processedAt'
> & { value: unknown };

const rowColumns = {
  id: webhookEvents.id,
  field: webhookEvents.field,
  event: webhookEvents.event,
  entryId: webhookEvents.entryId,
  wabaId: webhookEvents.wabaId,
  status: webhookEvents.status,
  attempts: webhookEvents.attempts,
  lastError: webhookEvents.lastError,
  nextAttemptAt: webhookEvents.nextAttemptAt,
  receivedAt: webhookEvents.receivedAt,
  processedAt: webhookEvents.processedAt,
  value: webhookEvents.value,
  cursorAt: sql<string>`${webhookEvents.receivedAt}::text`,
};

/** Newest first, `limit` at a time; `next` is the cursor of the following page. */
export async function listEvents(filter: EventFilter, options: { cursor?: string; limit?: number } = {}): Promise<{ events: EventRow[]; next?: string }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const where = conditions(filter);
  const after = decodeCursor(options.cursor);
  if (after) {
    where.push(
      or(
        lt(webhookEvents.receivedAt, sql`${after.at}::timestamptz`),
        and(eq(webhookEvents.receivedAt, sql`${after.at}::timestamptz`), lt(webhookEvents.id, after.id)),
      )!,
    );
  }
  const rows = await db()
    .select(rowColumns)
    .from(webhookEvents)
    .where(and(...where))
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map(({ cursorAt: _c, ...row }) => row),
    next: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : undefined,
  };
}

export async function getEvent(id: string): Promise<WebhookEvent | undefined> {
  if (!z.string().uuid().safeParse(id).success) return undefined;
  const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, id));
  return row;
}

/** The failed events that match a filter (for "replay all failed"), oldest first. */
export async function failedEventIds(filter: EventFilter, limit = 500): Promise<string[]> {
  const rows = await db()
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(...conditions({ ...filter, status: 'failed' })))
    .orderBy(asc(webhookEvents.receivedAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The newest events about one WABA, for its timeline. */
export async function eventsForWaba(metaWabaId: string, limit = 100): Promise<EventRow[]> {
  return (await listEvents({ waba: metaWabaId }, { limit })).events;
}

// --- Masking ------------------------------------------------------------------------------------

export const masked = '•••';

const secretKeys = new Set(['pin', 'password', 'secret', 'otp', 'token', 'access_token', 'refresh_token', 'code_verifier']);
// Codes that name things rather than prove something.
const harmlessCodes = new Set(['country_code', 'language_code', 'currency_code', 'error_code', 'status_code', 'http_code', 'response_code', 'region_code']);

function isErrorContainer(parentKey: string | undefined): boolean {
  return parentKey !== undefined && /error/i.test(parentKey);
}

function isSecretKey(key: string, parentKey: string | undefined): boolean {
  const k = key.toLowerCase();
  if (secretKeys.has(k) || k.endsWith('_token') || k.endsWith('_pin') || k.endsWith('_secret') || k.endsWith('_password')) return true;
  if (k === 'code' || k.endsWith('_code')) {
    if (harmlessCodes.has(k)) return false;
    // Meta's error objects ({ code: 131026, title, ... }) and a language ({ code: "en_US" }) are not secrets.
    if (k === 'code' && (isErrorContainer(parentKey) || parentKey === 'language')) return false;
    return true;
  }
  return false;
}

/** A copy of the payload with PIN-, code- and token-looking values replaced by "•••". */
export function maskPayload(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => maskPayload(item, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(key, parentKey) && inner !== null && typeof inner !== 'object') out[key] = masked;
    else out[key] = maskPayload(inner, key);
  }
  return out;
}

// --- Summaries ----------------------------------------------------------------------------------

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function joined(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined).join(' ');
}

function summariseAccountUpdate(value: Record<string, unknown>): string {
  const event = str(value.event) ?? 'account_update';
  switch (event) {
    case 'DISABLED_UPDATE':
      return joined(event, str(obj(value.ban_info).waba_ban_state));
    case 'ACCOUNT_VIOLATION':
      return joined(event, str(obj(value.violation_info).violation_type));
    case 'ACCOUNT_RESTRICTION': {
      const types = Array.isArray(value.restriction_info) ? value.restriction_info.map((r) => str(obj(r).restriction_type)).filter(Boolean) : [];
      return types.length ? `${event}: ${types.join(', ')}` : event;
    }
    case 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE':
      return joined(event, str(obj(value.partner_client_certification_info).status));
    case 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE':
      return joined(event, str(value.country));
    case 'PARTNER_REMOVED':
    case 'ACCOUNT_OFFBOARDED': {
      const reason = str(obj(value.disconnection_info).reason);
      return reason ? `${event} (${reason})` : event;
    }
    default:
      return event;
  }
}

/** One line a person can read in a timeline: "PARTNER_ADDED", "Display name 'Acme' APPROVED". */
export function summariseEvent(change: { field: string; event: string | null; value: unknown; status?: string }): string {
  if (change.status === 'invalid') return change.field ? `Invalid ${change.field} change` : 'Invalid change (no field)';
  const value = obj(change.value);
  switch (change.field) {
    case 'account_update':
      return summariseAccountUpdate(value);
    case 'phone_number_name_update': {
      const line = `Display name '${str(value.requested_verified_name) ?? '?'}' ${str(value.decision) ?? 'updated'}`;
      const reason = str(value.rejection_reason);
      return reason ? `${line} (${reason})` : line;
    }
    case 'phone_number_quality_update':
      return joined(
        `Number ${str(value.display_phone_number) ?? '?'} quality ${str(value.event) ?? 'update'}`,
        str(value.max_daily_conversations_per_business) ?? str(value.current_limit),
      );
    case 'account_review_update':
      return `Account review ${str(value.decision) ?? 'updated'}`;
    case 'business_capability_update':
      return joined('Messaging limit', str(value.max_daily_conversations_per_business) ?? 'updated');
    case 'account_alerts': {
      const alert = obj(value.alert_info);
      return joined(str(alert.alert_severity), 'alert', str(alert.alert_type), str(alert.alert_status) ? `(${str(alert.alert_status)})` : undefined);
    }
    case 'message_template_status_update': {
      const reason = str(value.reason);
      return joined(
        `Template '${str(value.message_template_name) ?? str(value.message_template_id) ?? '?'}'`,
        str(value.event),
        reason && reason !== 'NONE' ? `(${reason})` : undefined,
      );
    }
    case 'message_template_quality_update':
      return `Template '${str(value.message_template_name) ?? '?'}' quality ${str(value.previous_quality_score) ?? '?'} → ${str(value.new_quality_score) ?? '?'}`;
    case 'template_category_update':
      return `Template '${str(value.message_template_name) ?? '?'}' category ${str(value.previous_category) ?? '?'} → ${str(value.new_category) ?? '?'}`;
    case 'partner_solutions':
      return joined(`Solution ${str(value.solution_id) ?? '?'}`, str(value.event), str(value.solution_status));
    case 'messages': {
      if (Array.isArray(value.messages)) return `${value.messages.length} inbound message${value.messages.length === 1 ? '' : 's'}`;
      if (Array.isArray(value.statuses)) {
        const statuses = [...new Set(value.statuses.map((s) => str(obj(s).status)).filter(Boolean))];
        return `${value.statuses.length} status update${value.statuses.length === 1 ? '' : 's'}${statuses.length ? `: ${statuses.join(', ')}` : ''}`;
      }
      return 'messages';
    }
    default:
      return change.event ?? change.field.replaceAll('_', ' ');
  }
}

// --- Rejections --------------------------------------------------------------------

export const rejectionReasons = ['bad_signature', 'bad_body', 'oversize'] as const;

export async function rejectionCounters(): Promise<Array<{ reason: (typeof rejectionReasons)[number]; count: number; lastSeenAt: Date | null }>> {
  const rows = await db().select().from(webhookRejections);
  return rejectionReasons.map((reason) => {
    const row = rows.find((r) => r.reason === reason);
    return { reason, count: row?.count ?? 0, lastSeenAt: row?.lastSeenAt ?? null };
  });
}
