import { e164Digits, phonesOfWaba, type PricingCategory, type Sandbox, type SentMessage, type Waba } from '../state';
import { authenticate, loadWaba } from './auth';
import type { GraphContext } from './context';
import { graphError } from './errors';
import type { FieldSelection } from './fields';
import { countryByDialCode } from './phone-numbers';

// The WABA's analytics, conversation_analytics and pricing_analytics, derived from the messages
// sent through the sandbox (Meta: Analytics; WhatsApp Business Account reference). Costs use
// illustrative sandbox rates, not Meta's rate cards.

const ratesUsd: Record<PricingCategory, number> = { marketing: 0.025, utility: 0.004, authentication: 0.0135, service: 0 };

type Args = {
  start?: string;
  end?: string;
  granularity?: string;
  phone_numbers?: string;
  country_codes?: string;
  dimensions?: string;
  metric_types?: string;
  conversation_categories?: string;
  pricing_categories?: string;
  pricing_types?: string;
};

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((v) => v.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

function fail(message: string): never {
  throw graphError({ message: `(#100) ${message}`, type: 'OAuthException', code: 100 });
}

type Window = { start: number; end: number; granularity: string; bucket: (t: number) => { start: number; end: number } };

function window(args: Args, allowed: string[]): Window {
  if (args.start === undefined) fail('The parameter start is required');
  if (args.end === undefined) fail('The parameter end is required');
  if (args.granularity === undefined) fail('The parameter granularity is required');
  const start = Number(args.start);
  const end = Number(args.end);
  const granularity = args.granularity.toUpperCase();
  if (!Number.isFinite(start) || !Number.isFinite(end)) fail('start and end must be UNIX timestamps');
  if (end <= start) fail('end must be after start');
  if (!allowed.includes(granularity)) fail(`Param granularity must be one of {${allowed.join(', ')}} - got "${args.granularity}".`);
  const bucket = (t: number) => {
    if (granularity === 'HALF_HOUR') return { start: t - (t % 1800), end: t - (t % 1800) + 1800 };
    if (granularity === 'DAY' || granularity === 'DAILY') return { start: t - (t % 86400), end: t - (t % 86400) + 86400 };
    const d = new Date(t * 1000);
    const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    return { start: first, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000 };
  };
  return { start, end, granularity, bucket };
}

function countryOf(digits: string): string {
  for (const len of [3, 2, 1]) {
    const country = countryByDialCode[digits.slice(0, len)];
    if (country) return country;
  }
  return 'US';
}

function messagesOf(sb: Sandbox, waba: Waba, args: Args, from: number, to: number): { message: SentMessage; phone: string }[] {
  const phones = new Map(phonesOfWaba(sb, waba.id).map((p) => [p.id, e164Digits(p)]));
  const wantedPhones = list(args.phone_numbers);
  const wantedCountries = list(args.country_codes);
  return sb.state.messages
    .filter((m) => m.wabaId === waba.id && m.sentAt / 1000 >= from && m.sentAt / 1000 < to)
    .map((m) => ({ message: m, phone: phones.get(m.phoneNumberId) ?? '' }))
    .filter(({ phone }) => !wantedPhones || wantedPhones.includes(phone))
    .filter(({ message }) => !wantedCountries || wantedCountries.includes(countryOf(message.to)));
}

function argsFrom(modifiers: Record<string, string>): Args {
  return modifiers as Args;
}

/** Groups rows by bucket and the requested dimension values, summing the metrics. */
function group<T extends Record<string, number>>(rows: { t: number; dims: Record<string, string>; metrics: T }[], w: Window) {
  const points = new Map<string, { start: number; end: number; dims: Record<string, string>; metrics: Record<string, number> }>();
  for (const row of rows) {
    const b = w.bucket(row.t);
    const key = `${b.start}|${JSON.stringify(row.dims)}`;
    const point = points.get(key) ?? { start: b.start, end: b.end, dims: row.dims, metrics: {} };
    for (const [k, v] of Object.entries(row.metrics)) point.metrics[k] = (point.metrics[k] ?? 0) + v;
    points.set(key, point);
  }
  return [...points.values()].sort((a, b) => a.start - b.start);
}

const round = (n: number) => Math.round(n * 10000) / 10000;

/** `analytics.start().end().granularity(DAY)`: messages sent and delivered. */
export function messagingAnalytics(sb: Sandbox, waba: Waba, modifiers: Record<string, string>) {
  const args = argsFrom(modifiers);
  const w = window(args, ['HALF_HOUR', 'DAY', 'MONTH']);
  const rows = messagesOf(sb, waba, args, w.start, w.end).map(({ message }) => ({
    t: Math.floor(message.sentAt / 1000),
    dims: {},
    metrics: { sent: message.status === 'accepted' ? 0 : 1, delivered: message.deliveredAt !== undefined ? 1 : 0 },
  }));
  const phones = list(args.phone_numbers) ?? phonesOfWaba(sb, waba.id).map((p) => e164Digits(p));
  return {
    phone_numbers: phones,
    ...(list(args.country_codes) ? { country_codes: list(args.country_codes) } : {}),
    granularity: w.granularity,
    data_points: group(rows, w).map((p) => ({ start: p.start, end: p.end, sent: p.metrics.sent ?? 0, delivered: p.metrics.delivered ?? 0 })),
  };
}

/** `conversation_analytics...`: 24-hour conversations per recipient and category, with cost. */
export function conversationAnalytics(sb: Sandbox, waba: Waba, modifiers: Record<string, string>) {
  const args = argsFrom(modifiers);
  const w = window(args, ['HALF_HOUR', 'DAILY', 'MONTHLY']);
  const dimensions = (list(args.dimensions) ?? []).map((d) => d.toUpperCase());
  const opened = new Map<string, number>();
  const rows: { t: number; dims: Record<string, string>; metrics: { conversation: number; cost: number } }[] = [];
  for (const { message, phone } of messagesOf(sb, waba, args, w.start, w.end).sort((a, b) => a.message.sentAt - b.message.sentAt)) {
    if (message.status === 'failed') continue;
    const key = `${message.phoneNumberId}|${message.to}|${message.category}`;
    const since = opened.get(key);
    if (since !== undefined && message.sentAt - since < 24 * 3600 * 1000) continue;
    opened.set(key, message.sentAt);
    const dims: Record<string, string> = {};
    if (dimensions.includes('PHONE')) dims.phone_number = phone;
    if (dimensions.includes('COUNTRY')) dims.country = countryOf(message.to);
    if (dimensions.includes('CONVERSATION_TYPE')) dims.conversation_type = 'REGULAR';
    if (dimensions.includes('CONVERSATION_DIRECTION')) dims.conversation_direction = message.type === 'template' ? 'BUSINESS_INITIATED' : 'USER_INITIATED';
    if (dimensions.includes('CONVERSATION_CATEGORY')) dims.conversation_category = message.category.toUpperCase();
    rows.push({ t: Math.floor(message.sentAt / 1000), dims, metrics: { conversation: 1, cost: message.billable ? ratesUsd[message.category] : 0 } });
  }
  return {
    data: [
      {
        data_points: group(rows, w).map((p) => ({
          start: p.start,
          end: p.end,
          conversation: p.metrics.conversation ?? 0,
          cost: round(p.metrics.cost ?? 0),
          ...p.dims,
        })),
      },
    ],
  };
}

/** `pricing_analytics...`: delivered messages (Meta charges on delivery), volume and cost per pricing category and type. */
export function pricingAnalytics(sb: Sandbox, waba: Waba, modifiers: Record<string, string>) {
  const args = argsFrom(modifiers);
  const w = window(args, ['HALF_HOUR', 'DAILY', 'MONTHLY']);
  const dimensions = (list(args.dimensions) ?? []).map((d) => d.toUpperCase());
  const metrics = (list(args.metric_types) ?? ['VOLUME', 'COST']).map((m) => m.toUpperCase());
  const categories = list(args.pricing_categories)?.map((c) => c.toUpperCase());
  const types = list(args.pricing_types)?.map((c) => c.toUpperCase());
  const rows = messagesOf(sb, waba, args, w.start, w.end)
    .filter(({ message }) => message.deliveredAt !== undefined)
    .filter(({ message }) => !categories || categories.includes(message.category.toUpperCase()))
    .filter(({ message }) => !types || types.includes(message.pricingType.toUpperCase()))
    .map(({ message, phone }) => {
      const dims: Record<string, string> = {};
      if (dimensions.includes('PHONE')) dims.phone_number = phone;
      if (dimensions.includes('COUNTRY')) dims.country = countryOf(message.to);
      if (dimensions.includes('PRICING_CATEGORY')) dims.pricing_category = message.category.toUpperCase();
      if (dimensions.includes('PRICING_TYPE')) dims.pricing_type = message.pricingType.toUpperCase();
      return { t: Math.floor(message.sentAt / 1000), dims, metrics: { volume: 1, cost: message.billable ? ratesUsd[message.category] : 0 } };
    });
  return {
    data: [
      {
        data_points: group(rows, w).map((p) => ({
          start: p.start,
          end: p.end,
          ...p.dims,
          ...(metrics.includes('VOLUME') ? { volume: p.metrics.volume ?? 0 } : {}),
          ...(metrics.includes('COST') ? { cost: round(p.metrics.cost ?? 0) } : {}),
        })),
      },
    ],
  };
}

/** Asked for with no filter at all (as when a client lists every field), the metrics are left out like empty fields. */
const unfiltered = (s: FieldSelection) => Object.keys(s.modifiers).length === 0;

export function analyticsGetters(sb: Sandbox, waba: Waba): Record<string, (selection: FieldSelection) => unknown> {
  return {
    analytics: (s) => (unfiltered(s) ? undefined : messagingAnalytics(sb, waba, s.modifiers)),
    conversation_analytics: (s) => (unfiltered(s) ? undefined : conversationAnalytics(sb, waba, s.modifiers)),
    pricing_analytics: (s) => (unfiltered(s) ? undefined : pricingAnalytics(sb, waba, s.modifiers)),
  };
}

function edgeArgs(ctx: GraphContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.params)) if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/** GET /{waba-id}/conversation_analytics?start=&end=&granularity= (the SDK's edge form of the field). */
export function conversationAnalyticsEdge(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  return conversationAnalytics(ctx.sb, loadWaba(ctx, token, id, 'read'), edgeArgs(ctx));
}

export function pricingAnalyticsEdge(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  return pricingAnalytics(ctx.sb, loadWaba(ctx, token, id, 'read'), edgeArgs(ctx));
}
