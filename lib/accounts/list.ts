import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db, rowsOf } from '@/lib/db/client';
import { onboardingStatuses, wabaStatuses, type OnboardingStatus } from '@/lib/db/schema';
import { decodeCursor, encodeCursor, pageLimit, type Page } from '@/lib/pagination';

// The staff's list of WhatsApp Business Accounts with every state they triage by, its search and
// filters, and the keyset batches the CSV export and bulk runs read. One FROM/WHERE serves the page,
// the "N matching" count and the export, so the three never disagree.

/** A token expiring within this many days is shown as "expiring". */
export const tokenWarningDays = 14;

export const qualityRatings = ['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN'] as const;
export const messagingLimits = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'UNTIERED'] as const;
export const canSendStates = ['AVAILABLE', 'LIMITED', 'BLOCKED'] as const;
export const reviewStates = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export const verificationStates = [
  'not_verified',
  'pending',
  'pending_need_more_info',
  'pending_submission',
  'verified',
  'rejected',
  'failed',
  'expired',
  'ineligible',
  'revoked',
] as const;
export const nameStates = ['APPROVED', 'AVAILABLE_WITHOUT_REVIEW', 'PENDING_REVIEW', 'DECLINED', 'EXPIRED', 'NONE'] as const;
export const creditStates = ['ours', 'other', 'none'] as const;
export const tokenStates = ['valid', 'expiring', 'needs_reauth', 'none'] as const;

export type CreditState = (typeof creditStates)[number];
export type TokenState = (typeof tokenStates)[number];

export const creditLabels: Record<CreditState, string> = { ours: 'Shared by us', other: 'Other funding', none: 'None' };
export const tokenLabels: Record<TokenState, string> = { valid: 'Valid', expiring: 'Expiring soon', needs_reauth: 'Needs reauthorization', none: 'No token' };

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
// Meta adds states without notice: a filter takes any value shaped like one, the selects offer the known ones.
const metaState = z.preprocess(
  blankIsUnset,
  z
    .string()
    .regex(/^[A-Za-z0-9_]{1,40}$/, 'Not a state Meta reports.')
    .optional(),
);
const day = z.preprocess(blankIsUnset, z.iso.date('Use a date like 2026-01-31.').optional());

export const accountFilterSchema = z.object({
  q: z.preprocess(blankIsUnset, z.string().trim().max(200, 'At most 200 characters.').optional()),
  status: z.preprocess(blankIsUnset, z.enum(wabaStatuses).optional()),
  review: metaState,
  verification: metaState,
  limit: metaState,
  canSend: metaState,
  quality: metaState,
  nameStatus: metaState,
  credit: z.preprocess(blankIsUnset, z.enum(creditStates).optional()),
  token: z.preprocess(blankIsUnset, z.enum(tokenStates).optional()),
  onboarding: z.preprocess(blankIsUnset, z.enum(onboardingStatuses).optional()),
  /** Added on or after this day (UTC). */
  from: day,
  /** Added on or before this day (UTC). */
  to: day,
});

export type AccountFilter = z.infer<typeof accountFilterSchema>;
export const accountFilterKeys = Object.keys(accountFilterSchema.shape) as (keyof AccountFilter)[];

type SearchParams = Record<string, string | string[] | undefined>;

/** The filter a URL holds; a value that does not parse is dropped and named in `invalid`. */
export function filterFromParams(params: SearchParams): { filter: AccountFilter; invalid: string[] } {
  const raw = Object.fromEntries(accountFilterKeys.map((key) => [key, typeof params[key] === 'string' ? params[key] : undefined]));
  const parsed = accountFilterSchema.safeParse(raw);
  if (parsed.success) return { filter: parsed.data, invalid: [] };
  const invalid = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  const kept = accountFilterSchema.parse(Object.fromEntries(Object.entries(raw).filter(([key]) => !invalid.includes(key))));
  return { filter: kept, invalid };
}

/** The filter as query-string pairs (unset values left out), for links that keep it. */
export function filterParams(filter: AccountFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

export function hasFilter(filter: AccountFilter): boolean {
  return Object.keys(filterParams(filter)).length > 0;
}

/** "+1 (555) 078-3881" → "15550783881". */
export function phoneDigits(text: string): string {
  return text.replace(/\D/g, '');
}

function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const phoneShaped = /^[+\d\s().-]+$/;

/**
 * The WABAs a search names, as one union of indexed lookups: Meta's WABA, business and number
 * ids, the WABA's or the business's name (prefix), the business email and the customer reference
 * (prefix), and the display number in any formatting, with or without its country code.
 */
function searchCondition(q: string): SQL {
  const prefix = likePrefix(q);
  const branches: SQL[] = [
    sql`select id from wabas where meta_waba_id = ${q}`,
    sql`select id from wabas where lower(name) like ${prefix}`,
    sql`select wb.id from wabas wb where wb.business_id in (
          select id from businesses where meta_business_id = ${q}
          union select id from businesses where lower(name) like ${prefix}
          union select id from businesses where lower(email) like ${prefix}
          union select id from businesses where lower(customer_reference) like ${prefix})`,
    sql`select waba_id from phone_numbers where meta_phone_number_id = ${q}`,
  ];
  const digits = phoneDigits(q);
  if (phoneShaped.test(q) && digits.length >= 4) {
    // Digits are stored reversed-indexed: a number typed without its country code is a suffix, i.e. a reversed prefix.
    branches.push(sql`select waba_id from phone_numbers where reverse(display_digits) like ${`${[...digits].reverse().join('')}%`}`);
  }
  return sql`w.id in (${sql.join(branches, sql` union `)})`;
}

function dayStart(date: string): string {
  return `${date}T00:00:00Z`;
}

function conditions(filter: AccountFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.q) where.push(searchCondition(filter.q));
  if (filter.status) where.push(sql`w.status = ${filter.status}`);
  if (filter.review) where.push(sql`w.account_review_status = ${filter.review}`);
  if (filter.verification) where.push(sql`w.business_verification_status = ${filter.verification}`);
  if (filter.limit) where.push(sql`w.messaging_limit = ${filter.limit}`);
  if (filter.canSend) where.push(sql`(w.health_status ->> 'can_send_message') = ${filter.canSend}`);
  if (filter.quality) where.push(sql`w.id in (select waba_id from phone_numbers where quality_rating = ${filter.quality})`);
  if (filter.nameStatus) where.push(sql`w.id in (select waba_id from phone_numbers where name_status = ${filter.nameStatus})`);
  if (filter.credit === 'ours') where.push(sql`w.allocation_config_id is not null`);
  if (filter.credit === 'other') where.push(sql`w.allocation_config_id is null and w.primary_funding_id is not null`);
  if (filter.credit === 'none') where.push(sql`w.allocation_config_id is null and w.primary_funding_id is null`);
  if (filter.token) where.push(sql`${sql.raw(tokenStateText)} = ${filter.token}`);
  // The rarer states also name their candidates through an index, so that the planner need not walk every account.
  if (filter.token === 'needs_reauth') {
    where.push(
      sql`w.id in (select waba_id from business_tokens where status in ('needs_reauth', 'revoked') union select waba_id from business_tokens where expires_at <= now())`,
    );
  }
  if (filter.token === 'expiring')
    where.push(sql`w.id in (select waba_id from business_tokens where expires_at <= now() + ${sql.raw(`interval '${tokenWarningDays} days'`)})`);
  if (filter.onboarding)
    where.push(sql`ob.status = ${filter.onboarding}`, sql`w.id in (select waba_id from onboarding_sessions where status = ${filter.onboarding})`);
  if (filter.from) where.push(sql`w.created_at >= ${dayStart(filter.from)}::timestamptz`);
  if (filter.to) where.push(sql`w.created_at < ${dayStart(filter.to)}::timestamptz + interval '1 day'`);
  return where;
}

const tokenStateText = `(case
  when tok.status is null then 'none'
  when tok.status <> 'valid' then 'needs_reauth'
  when tok.expires_at is not null and tok.expires_at <= now() then 'needs_reauth'
  when tok.expires_at is not null and tok.expires_at <= now() + interval '${tokenWarningDays} days' then 'expiring'
  else 'valid' end)`;

/** Every WABA with its business, latest token and latest onboarding (one row each, by index). */
const fromAccounts = sql.raw(`from wabas w
  left join businesses b on b.id = w.business_id
  left join lateral (select t.status, t.expires_at from business_tokens t where t.waba_id = w.id order by t.created_at desc limit 1) tok on true
  left join lateral (select s.id, s.status, s.created_at from onboarding_sessions s where s.waba_id = w.id order by s.created_at desc limit 1) ob on true`);

function whereOf(parts: SQL[]): SQL {
  return parts.length === 0 ? sql`` : sql`where ${sql.join(parts, sql` and `)}`;
}

export type AccountNumber = {
  id: string;
  display: string | null;
  verifiedName: string | null;
  nameStatus: string | null;
  quality: string | null;
  status: string | null;
};

export type AccountRow = {
  id: string;
  metaWabaId: string;
  name: string | null;
  status: string;
  accountReviewStatus: string | null;
  businessVerificationStatus: string | null;
  messagingLimit: string | null;
  canSend: string | null;
  credit: CreditState;
  businessId: string | null;
  metaBusinessId: string | null;
  businessName: string | null;
  email: string | null;
  customerReference: string | null;
  numbers: AccountNumber[];
  tokenState: TokenState;
  tokenExpiresAt: Date | null;
  onboardingId: string | null;
  onboardingStatus: OnboardingStatus | null;
  onboardingAt: Date | null;
  lastWebhookAt: Date | null;
  createdAt: Date;
};

type RawRow = Omit<AccountRow, 'tokenExpiresAt' | 'onboardingAt' | 'lastWebhookAt' | 'createdAt' | 'numbers'> & {
  numbers: AccountNumber[] | string;
  tokenExpiresMs: number | null;
  onboardingMs: number | null;
  lastWebhookMs: number | null;
  createdMs: number;
  cursorAt: string;
};

const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

const selectAccounts = sql.raw(`select w.id, w.meta_waba_id as "metaWabaId", w.name, w.status,
  w.account_review_status as "accountReviewStatus", w.business_verification_status as "businessVerificationStatus",
  w.messaging_limit as "messagingLimit", (w.health_status ->> 'can_send_message') as "canSend",
  case when w.allocation_config_id is not null then 'ours' when w.primary_funding_id is not null then 'other' else 'none' end as credit,
  b.id as "businessId", b.meta_business_id as "metaBusinessId", b.name as "businessName", b.email, b.customer_reference as "customerReference",
  (select coalesce(json_agg(json_build_object('id', p.meta_phone_number_id, 'display', p.display_phone_number, 'verifiedName', p.verified_name,
      'nameStatus', p.name_status, 'quality', p.quality_rating, 'status', p.status) order by p.created_at, p.id), '[]'::json)
     from phone_numbers p where p.waba_id = w.id) as numbers,
  ${tokenStateText} as "tokenState", ${epochMs('tok.expires_at')} as "tokenExpiresMs",
  ob.id as "onboardingId", ob.status as "onboardingStatus", ${epochMs('ob.created_at')} as "onboardingMs",
  (select ${epochMs('max(e.received_at)')} from webhook_events e where e.waba_id = w.meta_waba_id) as "lastWebhookMs",
  ${epochMs('w.created_at')} as "createdMs", w.created_at::text as "cursorAt"`);

const dateOf = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(Number(ms)));

function toRow(raw: RawRow): AccountRow {
  const { tokenExpiresMs, onboardingMs, lastWebhookMs, createdMs, cursorAt: _cursor, numbers, ...rest } = raw;
  return {
    ...rest,
    numbers: typeof numbers === 'string' ? (JSON.parse(numbers) as AccountNumber[]) : numbers,
    tokenExpiresAt: dateOf(tokenExpiresMs),
    onboardingAt: dateOf(onboardingMs),
    lastWebhookAt: dateOf(lastWebhookMs),
    createdAt: new Date(Number(createdMs)),
  };
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The statement of one page: newest first on (created_at, id), strictly after `cursor`. */
export function accountPageQuery(filter: AccountFilter, options: { cursor?: string | null; limit: number }): SQL {
  const where = conditions(filter);
  const after = decodeCursor(options.cursor);
  if (after && uuidShape.test(after.id)) where.push(sql`(w.created_at, w.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return sql`${selectAccounts} ${fromAccounts} ${whereOf(where)} order by w.created_at desc, w.id desc limit ${options.limit + 1}`;
}

export async function listAccounts(filter: AccountFilter, options: { cursor?: string | null; limit?: number } = {}): Promise<Page<AccountRow>> {
  const limit = pageLimit(options.limit, 50, 1000);
  const rows = rowsOf<RawRow>(await db().execute(accountPageQuery(filter, { cursor: options.cursor, limit })));
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toRow), next: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null };
}

/**
 * How many accounts match, counted no further than `cap` (a list page never counts everything):
 * `{ count, more }`, where `more` means there are over `cap`.
 */
export async function countAccounts(filter: AccountFilter, cap = 1000): Promise<{ count: number; more: boolean }> {
  // The latest token and onboarding are joined only when the filter is about them.
  const from = filter.token || filter.onboarding ? fromAccounts : sql.raw('from wabas w');
  const result = await db().execute(sql`select count(*)::int as n from (select 1 ${from} ${whereOf(conditions(filter))} limit ${cap + 1}) capped`);
  const n = rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  return { count: Math.min(n, cap), more: n > cap };
}

/** Every matching account, newest first, one keyset page of `batchSize` at a time (export, bulk selection). */
export async function* accountBatches(filter: AccountFilter, batchSize = 1000): AsyncGenerator<AccountRow[]> {
  let cursor: string | null = null;
  do {
    const page: Page<AccountRow> = await listAccounts(filter, { cursor, limit: batchSize });
    if (page.items.length > 0) yield page.items;
    cursor = page.next;
  } while (cursor);
}

/** The ids of the matching accounts, at most `max` (a bulk run over "all matching"); `more` when there are further ones. */
export async function matchingAccountIds(filter: AccountFilter, max: number): Promise<{ ids: string[]; more: boolean }> {
  const result = await db().execute(
    sql`select w.meta_waba_id as id ${fromAccounts} ${whereOf(conditions(filter))} order by w.created_at desc, w.id desc limit ${max + 1}`,
  );
  const ids = rowsOf<{ id: string }>(result).map((r) => r.id);
  return { ids: ids.slice(0, max), more: ids.length > max };
}

/** Days until a token expires (0 when it expires today), for "expiring in N days". */
export function daysUntil(at: Date, now: Date = new Date()): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 86_400_000));
}
