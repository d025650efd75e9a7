import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { graphCalls } from '@/lib/db/schema';
import { graphSettings } from '@/lib/graph-settings';
import { log } from '@/lib/log';

// The one place that knows how to talk to the Graph API (docs/meta/graph-api.md, docs/meta/errors-and-limits.md). Every module in
// lib/meta calls `graphRequest`; nothing else builds Graph URLs. Where it sends them: lib/graph-settings.ts.

export { graphSettings };

// --- Tokens -----------------------------------------------------------------------------------

export type TokenKind = 'business' | 'system' | 'app' | 'user';

/** A token and what it is (docs/meta/graph-api.md token vocabulary); `none` for calls authenticated by app credentials in the query. */
export type GraphToken = { kind: TokenKind; value: string } | { kind: 'none' };

export const noToken: GraphToken = { kind: 'none' };

export function businessToken(value: string): GraphToken {
  return { kind: 'business', value };
}

export function userToken(value: string): GraphToken {
  return { kind: 'user', value };
}

/** The partner's system user token; it comes from configuration only. */
export function systemToken(): GraphToken {
  const value = graphSettings().systemToken;
  if (!value) throw new Error('META_SYSTEM_TOKEN is not configured; this call needs the partner system user token');
  return { kind: 'system', value };
}

/** `APP_ID|APP_SECRET`, accepted by debug_token (docs/meta/tokens.md). */
export function appToken(): GraphToken {
  const { appId, appSecret } = graphSettings();
  return { kind: 'app', value: `${appId}|${appSecret}` };
}

function appsecretProof(token: string, appSecret: string = graphSettings().appSecret): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

// --- Errors -----------------------------------------------------------------------------------

export type ErrorClass = 'transient' | 'auth' | 'permanent';

/** Where the failure came from: Meta's envelope, a bare HTTP status, the network, our timeout, or a response we could not read. */
export type ErrorSource = 'graph' | 'http' | 'network' | 'timeout' | 'invalid_response';

const transientCodes = new Set([1, 2, 4, 17, 32, 613, 80007, 80008, 130429, 131000, 131016, 131057, 133004]);
const authCodes = new Set([0, 190]);

/** docs/meta/errors-and-limits.md: codes worth retrying with backoff, codes that need a new token, and everything else. */
function classifyError(input: { code?: number; httpStatus?: number; source: ErrorSource; isTransient?: boolean }): ErrorClass {
  if (input.source === 'timeout' || input.source === 'network') return 'transient';
  if (input.code !== undefined && authCodes.has(input.code)) return 'auth';
  if (input.code !== undefined && transientCodes.has(input.code)) return 'transient';
  if (input.code === 133016) return 'permanent';
  if (input.isTransient) return 'transient';
  if (input.httpStatus !== undefined && input.httpStatus >= 500) return 'transient';
  return 'permanent';
}

// Safe, actionable text for staff and customers; Meta's own message stays in `message`.
const hints: Record<number, string> = {
  0: 'The access token was rejected. The customer must reconnect through Embedded Signup.',
  190: 'The access token is expired or was revoked. The customer must reconnect through Embedded Signup.',
  4: 'Meta is rate limiting this app. The step will be retried later.',
  17: 'Meta is rate limiting this app. The step will be retried later.',
  613: 'Meta is rate limiting this call. The step will be retried later.',
  80007: 'Meta is rate limiting calls on this WhatsApp Business Account. The step will be retried later.',
  80008: 'Meta is rate limiting calls on this WhatsApp Business Account. The step will be retried later.',
  10: 'The app lacks a permission for this call. Check the granted scopes and asset access.',
  131031: 'The WhatsApp Business Account is locked. Check its health status and policy notices in WhatsApp Manager.',
  131042: 'There is a billing problem: attach a credit line or add a payment method in WhatsApp Manager.',
  133005: 'The two-step verification PIN does not match the PIN already set on this number.',
  133006: 'The phone number must be verified again before it can be registered.',
  133008: 'Too many PIN attempts. Wait before trying again.',
  133009: 'PIN attempts were too fast. Wait a moment before trying again.',
  133010: 'The phone number is not registered on the WhatsApp Business Platform.',
  133015: 'The phone number was recently deleted and deletion is not finished. Try again in about 5 minutes.',
  133016:
    'This number reached Meta’s limit of 10 register/deregister requests in 72 hours and is blocked until the window passes. Do not retry; try again after 72 hours.',
  133000: 'A previous deregistration did not finish. Deregister the number again, then register it.',
  136024: 'The phone number is already verified.',
  136025: 'The verification code was not accepted. Request a new code and try again.',
  1752041: 'A partner already made an onboarding request for this account.',
  2593107: 'This sync was already requested for the number.',
  2593108: 'The 24-hour window for syncing WhatsApp Business app data has passed; the customer must offboard and onboard again.',
  2593109: 'The business declined to share its chat history.',
};

// Subcodes of code 100 from /oauth/access_token (docs/meta/tokens.md): the code cannot be exchanged again.
const codeExchangeSubcodes = new Set([36007, 36008, 36009]);

function hintFor(code: number | undefined, subcode: number | undefined, kind: ErrorClass, tokenKind: TokenKind | 'none'): string {
  if (kind === 'auth' && tokenKind === 'system') {
    return 'The partner system user token was rejected. Generate a new one in Business Settings and update META_SYSTEM_TOKEN.';
  }
  if (kind === 'auth' && tokenKind === 'app') return 'The app id or app secret was rejected. Check META_APP_ID and META_APP_SECRET.';
  if (code === 100 && subcode !== undefined && codeExchangeSubcodes.has(subcode)) {
    return 'The signup code expired or was already used. The customer must run Embedded Signup again.';
  }
  if (code !== undefined && hints[code]) return hints[code];
  if (code !== undefined && code >= 200 && code <= 299) {
    return 'Permission missing: the token or system user has no access to this asset. Assign the asset or re-grant access.';
  }
  if (code === 100 && subcode === 33) {
    return 'The object does not exist or this token has no access to it.';
  }
  if (kind === 'transient') return 'Meta is temporarily unavailable. The step will be retried later.';
  if (kind === 'auth') return hints[190]!;
  return 'Meta rejected the request.';
}

export class GraphError extends Error {
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly httpStatus: number | undefined;
  /** Meta's own `is_transient` flag, or true for our timeouts and network failures. */
  readonly isTransient: boolean;
  readonly kind: ErrorClass;
  readonly source: ErrorSource;
  /** `error_data.details`, where WhatsApp puts the useful text (docs/meta/errors-and-limits.md). */
  readonly details: string | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  /** A short, safe sentence saying what to do next. */
  readonly hint: string;
  readonly method: string;
  readonly path: string;
  readonly tokenKind: TokenKind | 'none';

  constructor(init: {
    message: string;
    source: ErrorSource;
    method: string;
    path: string;
    tokenKind: TokenKind | 'none';
    code?: number;
    subcode?: number;
    type?: string;
    fbtraceId?: string;
    httpStatus?: number;
    isTransient?: boolean;
    details?: string;
    userTitle?: string;
    userMessage?: string;
  }) {
    super(init.message);
    this.name = 'GraphError';
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.fbtraceId = init.fbtraceId;
    this.httpStatus = init.httpStatus;
    this.source = init.source;
    this.details = init.details;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.method = init.method;
    this.path = init.path;
    this.tokenKind = init.tokenKind;
    this.kind = classifyError(init);
    this.isTransient = init.isTransient === true || init.source === 'timeout' || init.source === 'network';
    this.hint = hintFor(init.code, init.subcode, this.kind, init.tokenKind);
  }

  /** What goes into `graph_calls.error_code` and step records: Meta's code, or how the call failed. */
  get auditCode(): string {
    if (this.code !== undefined) return String(this.code);
    return this.source === 'http' ? `http_${this.httpStatus ?? 0}` : this.source;
  }
}

export function isGraphError(error: unknown): error is GraphError {
  return error instanceof GraphError;
}

export function hasCode(error: unknown, ...codes: number[]): error is GraphError {
  return error instanceof GraphError && error.code !== undefined && codes.includes(error.code);
}

const errorEnvelopeSchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    error_data: z.unknown().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

function errorDetails(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object' && 'details' in data && typeof data.details === 'string') return data.details;
  return undefined;
}

function redact(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  // Anything shaped like a Meta access token, even one we did not send.
  return out.replace(/EAA[A-Za-z0-9]{20,}/g, '[redacted]');
}

// --- Shared schemas -----------------------------------------------------------------------------

/** Meta's ids are strings of digits; never numbers (they overflow). */
export const graphIdSchema = z.string().min(1);

/** An enum Meta documents but may extend: known values type-check, unknown ones still parse. */
export function lenientEnum<const T extends readonly string[]>(_values: T): z.ZodType<T[number] | (string & {})> {
  return z.string() as unknown as z.ZodType<T[number] | (string & {})>;
}

// A 200 with `success: false` is a failure too.
export const successSchema = z.looseObject({ success: z.literal(true) });

export const pagingSchema = z
  .looseObject({
    cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
    next: z.string().optional(),
    previous: z.string().optional(),
  })
  .optional();

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: z.array(item), paging: pagingSchema });
}

// --- Requests -----------------------------------------------------------------------------------

/** Who made a Graph call: the onboarding session and/or the operation run, and the step. */
export type AuditContext = { sessionId?: string; runId?: string; step?: string };

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export type GraphRequest<S extends z.ZodType> = {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to the version, e.g. `/{waba-id}/subscribed_apps`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** At most one body. */
  json?: Record<string, unknown>;
  form?: Record<string, QueryValue>;
  multipart?: FormData;
  token: GraphToken;
  audit?: AuditContext;
  schema: S;
  /** Values sent in this call that must never appear in an error message (codes, PINs, verify tokens). */
  secrets?: readonly string[];
};

const pathPattern = /^(\/[A-Za-z0-9_]+)+$/;

function encodeParams(params: Record<string, QueryValue>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // Graph takes list parameters as JSON arrays (docs/meta/system-users.md: tasks=['MANAGE']).
    out.set(key, Array.isArray(value) ? JSON.stringify(value) : String(value));
  }
  return out;
}

async function audit(row: {
  method: string;
  path: string;
  status: number | null;
  errorCode: string | null;
  fbtraceId: string | null;
  durationMs: number;
  context: AuditContext | undefined;
}): Promise<void> {
  const values = {
    method: row.method,
    path: row.path,
    status: row.status,
    errorCode: row.errorCode,
    fbtraceId: row.fbtraceId,
    durationMs: row.durationMs,
    sessionId: row.context?.sessionId ?? null,
    runId: row.context?.runId ?? null,
    step: row.context?.step ?? null,
  };
  try {
    await db().insert(graphCalls).values(values);
  } catch (error) {
    // An unknown or not yet committed session must not cost the row: keep it without the link.
    if (values.sessionId !== null) {
      const retried = await db()
        .insert(graphCalls)
        .values({ ...values, sessionId: null })
        .then(
          () => true,
          () => false,
        );
      if (retried) return;
    }
    // The audit trail must never turn a successful Meta call into a failure.
    log.warn({ method: row.method, path: row.path, err: (error as Error).message }, 'graph audit write failed');
  }
}

/**
 * Sends one Graph call, validates the response with `schema`, records it in `graph_calls`, and
 * throws a `GraphError` on any failure. It never retries: retries belong to the job that owns
 * the step, which knows whether the call is safe to repeat.
 */
export async function graphRequest<S extends z.ZodType>(request: GraphRequest<S>): Promise<z.output<S>> {
  const settings = graphSettings();
  const { method, token } = request;
  if (!pathPattern.test(request.path)) throw new Error('Invalid Graph path');

  const query = encodeParams(request.query ?? {});
  const headers: Record<string, string> = { accept: 'application/json' };
  const secrets = [...(request.secrets ?? []), settings.appSecret];
  if (token.kind !== 'none') {
    const proof = appsecretProof(token.value, settings.appSecret);
    headers.authorization = `Bearer ${token.value}`;
    // In the query so that it reaches Meta whatever the body type (docs/meta/tokens.md).
    query.set('appsecret_proof', proof);
    secrets.push(token.value, proof);
  }

  let body: string | FormData | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = encodeParams(request.form).toString();
  } else if (request.multipart !== undefined) {
    body = request.multipart;
  }

  const base = settings.graphUrl.replace(/\/+$/, '');
  const search = query.toString();
  const url = `${base}/${settings.graphVersion}${request.path}${search ? `?${search}` : ''}`;
  // What is recorded and logged; a token passed by mistake as an id never reaches the audit trail.
  const path = redact(request.path, secrets) ?? '';
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  const fail = async (init: Omit<ConstructorParameters<typeof GraphError>[0], 'method' | 'path' | 'tokenKind'>) => {
    const error = new GraphError({
      ...init,
      message: redact(init.message, secrets) ?? '',
      details: redact(init.details, secrets),
      userTitle: redact(init.userTitle, secrets),
      userMessage: redact(init.userMessage, secrets),
      method,
      path,
      tokenKind: token.kind,
    });
    const durationMs = elapsed();
    await audit({
      method,
      path,
      status: init.httpStatus ?? null,
      errorCode: error.auditCode,
      fbtraceId: init.fbtraceId ?? null,
      durationMs,
      context: request.audit,
    });
    log.warn(
      {
        method,
        path,
        status: init.httpStatus,
        metaErrorCode: error.auditCode,
        fbtraceId: init.fbtraceId,
        kind: error.kind,
        durationMs,
        step: request.audit?.step,
      },
      'graph call failed',
    );
    return error;
  };

  let response: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(settings.timeoutMs);
    response = await fetch(url, { method, headers, body, signal, redirect: 'error' });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw await fail(
      timedOut
        ? { source: 'timeout', message: `Graph call timed out after ${settings.timeoutMs} ms` }
        : { source: 'network', message: `Graph call failed: ${networkReason(error)}` },
    );
  }

  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const status = response.status;
  const envelope = errorEnvelopeSchema.safeParse(json);
  if (envelope.success) {
    const e = envelope.data.error;
    throw await fail({
      source: 'graph',
      message: e.message ?? `Graph error ${e.code ?? ''}`.trim(),
      code: e.code,
      subcode: e.error_subcode,
      type: e.type,
      fbtraceId: e.fbtrace_id ?? response.headers.get('x-fb-trace-id') ?? undefined,
      httpStatus: status,
      isTransient: e.is_transient,
      details: errorDetails(e.error_data),
      userTitle: e.error_user_title,
      userMessage: e.error_user_msg,
    });
  }
  if (!response.ok) {
    throw await fail({ source: 'http', message: `Graph returned HTTP ${status} without an error body`, httpStatus: status });
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    // Only the paths of the mismatch: the body may hold a token.
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw await fail({ source: 'invalid_response', message: `Unexpected Graph response: ${where}`, httpStatus: status });
  }
  const durationMs = elapsed();
  await audit({
    method,
    path,
    status,
    errorCode: null,
    fbtraceId: response.headers.get('x-fb-trace-id'),
    durationMs,
    context: request.audit,
  });
  log.debug({ method, path, status, durationMs, step: request.audit?.step }, 'graph call');
  return parsed.data;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'unknown error';
}

/**
 * Reads every page of an edge by repeating the call with `after=<cursor>`. It does not follow
 * `paging.next`: Meta puts the access token in that URL, and we only send requests we built.
 */
/** `GET /{id}?fields=...`: one Graph node, validated by its schema. */
export function readNode<S extends z.ZodType>(
  id: string,
  fields: readonly string[],
  schema: S,
  token: GraphToken,
  audit: AuditContext = {},
): Promise<z.output<S>> {
  return graphRequest({ method: 'GET', path: `/${id}`, query: { fields: fieldList(fields) }, token, audit, schema });
}

export async function graphList<T extends z.ZodType>(
  request: Omit<GraphRequest<z.ZodType>, 'schema' | 'method' | 'json' | 'form' | 'multipart'> & { item: T; maxPages?: number },
): Promise<z.output<T>[]> {
  const schema = pageSchema(request.item);
  const items: z.output<T>[] = [];
  let after: string | undefined;
  const maxPages = request.maxPages ?? 50;
  for (let page = 0; page < maxPages; page++) {
    const result = await graphRequest({
      method: 'GET',
      path: request.path,
      query: { ...request.query, ...(after ? { after } : {}) },
      token: request.token,
      audit: request.audit,
      secrets: request.secrets,
      schema,
    });
    items.push(...(result.data as z.output<T>[]));
    const next = result.paging?.cursors?.after;
    if (!result.paging?.next || !next || next === after || result.data.length === 0) return items;
    after = next;
  }
  log.warn({ path: request.path, maxPages, items: items.length }, 'graph list truncated at maxPages');
  return items;
}

export function fieldList(fields: readonly string[]): string {
  return fields.join(',');
}
