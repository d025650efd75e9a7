import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { businessTokens, vaultSecrets } from '@/lib/db/schema';
import { getConversationAnalytics, getPricingAnalytics, type AnalyticsGranularity, type ConversationPoint, type PricingPoint } from '@/lib/meta/analytics';
import { businessToken, isGraphError, type GraphToken } from '@/lib/meta/graph';
import { describeGraphRefusal } from '@/lib/staff-action';
import { unseal } from '@/lib/vault';

// One customer's messaging analytics as Meta reports them, for the staff analytics page: read with
// the customer's business token (a Measurement Partner holds nothing more), over a chosen range.

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;

export const rangeSchema = z
  .object({
    from: z.string().regex(dayPattern, 'Use a date like 2026-03-01.'),
    to: z.string().regex(dayPattern, 'Use a date like 2026-03-31.'),
    granularity: z.enum(['HALF_HOUR', 'DAILY', 'MONTHLY']),
  })
  .refine((r) => r.from <= r.to, { message: 'The start date must be on or before the end date.', path: ['from'] })
  .refine((r) => Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`) <= 365 * dayMs, { message: 'Choose at most a year.', path: ['from'] })
  .refine((r) => r.granularity !== 'HALF_HOUR' || Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`) <= 2 * dayMs, {
    message: 'Half-hour buckets are for ranges of up to 3 days.',
    path: ['granularity'],
  });

export type AnalyticsRangeInput = z.infer<typeof rangeSchema>;

export function defaultRange(now: Date = new Date()): AnalyticsRangeInput {
  const to = now.toISOString().slice(0, 10);
  return { from: new Date(now.getTime() - 29 * dayMs).toISOString().slice(0, 10), to, granularity: 'DAILY' };
}

/** The range from the page's query string; anything invalid falls back to the last 30 days, with the reason. */
export function rangeFrom(query: Record<string, string | string[] | undefined>): { range: AnalyticsRangeInput; problem?: string } {
  if (query.from === undefined && query.to === undefined && query.granularity === undefined) return { range: defaultRange() };
  const parsed = rangeSchema.safeParse({ from: query.from, to: query.to, granularity: query.granularity ?? 'DAILY' });
  if (parsed.success) return { range: parsed.data };
  return { range: defaultRange(), problem: `${parsed.error.issues[0]?.message ?? 'That range cannot be shown.'} Showing the last 30 days instead.` };
}

async function wabaBusinessToken(wabaRowId: string): Promise<GraphToken | undefined> {
  const [row] = await db()
    .select({ secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(and(eq(businessTokens.wabaId, wabaRowId), eq(businessTokens.status, 'valid')))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  return row ? businessToken(unseal(row.secret)) : undefined;
}

export type Bucket = { start: Date; label: string; values: Record<string, number> };

function bucketStart(at: Date, granularity: AnalyticsGranularity): number {
  if (granularity === 'MONTHLY') return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const size = granularity === 'DAILY' ? dayMs : 1_800_000;
  return Math.floor(at.getTime() / size) * size;
}

function nextBucket(start: number, granularity: AnalyticsGranularity): number {
  if (granularity === 'MONTHLY') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + (granularity === 'DAILY' ? dayMs : 1_800_000);
}

function labelOf(start: number, granularity: AnalyticsGranularity): string {
  const iso = new Date(start).toISOString();
  if (granularity === 'MONTHLY') return iso.slice(0, 7);
  if (granularity === 'DAILY') return iso.slice(5, 10);
  return iso.slice(11, 16);
}

/** Every bucket of the range, empty ones included, with each category's value. */
export function bucketsOf<P extends { start: Date }>(
  points: readonly P[],
  range: { start: Date; end: Date; granularity: AnalyticsGranularity },
  category: (p: P) => string,
  value: (p: P) => number,
): Bucket[] {
  const buckets = new Map<number, Bucket>();
  for (let t = bucketStart(range.start, range.granularity); t < range.end.getTime(); t = nextBucket(t, range.granularity)) {
    buckets.set(t, { start: new Date(t), label: labelOf(t, range.granularity), values: {} });
  }
  for (const p of points) {
    const t = bucketStart(p.start, range.granularity);
    const bucket = buckets.get(t) ?? { start: new Date(t), label: labelOf(t, range.granularity), values: {} };
    bucket.values[category(p)] = (bucket.values[category(p)] ?? 0) + value(p);
    buckets.set(t, bucket);
  }
  return [...buckets.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

function totalsBy<P>(points: readonly P[], category: (p: P) => string, fields: Array<(p: P) => number>): Array<{ category: string; values: number[] }> {
  const out = new Map<string, number[]>();
  for (const p of points) {
    const row = out.get(category(p)) ?? fields.map(() => 0);
    fields.forEach((f, i) => {
      row[i]! += f(p);
    });
    out.set(category(p), row);
  }
  return [...out.entries()].map(([c, values]) => ({ category: c, values })).sort((a, b) => a.category.localeCompare(b.category));
}

export type WabaAnalytics =
  | { ok: false; problem: string }
  | {
      ok: true;
      conversations: { buckets: Bucket[]; categories: string[]; totals: Array<{ category: string; values: number[] }>; total: number; cost: number };
      pricing: { buckets: Bucket[]; categories: string[]; totals: Array<{ category: string; values: number[] }>; total: number; cost: number };
    };

const categoryOfConversation = (p: ConversationPoint) => p.conversation_category ?? 'ALL';
const categoryOfPricing = (p: PricingPoint) => p.pricing_category ?? 'ALL';

export async function wabaAnalytics(waba: { id: string; metaWabaId: string }, input: AnalyticsRangeInput): Promise<WabaAnalytics> {
  const token = await wabaBusinessToken(waba.id);
  if (!token)
    return {
      ok: false,
      problem: 'We hold no working business token for this account, so its analytics cannot be read. The customer must connect again through Embedded Signup.',
    };
  const range = {
    start: new Date(`${input.from}T00:00:00Z`),
    end: new Date(Date.parse(`${input.to}T00:00:00Z`) + dayMs),
    granularity: input.granularity,
  };
  try {
    const [conversations, pricing] = await Promise.all([
      getConversationAnalytics(waba.metaWabaId, range, token),
      getPricingAnalytics(waba.metaWabaId, range, token),
    ]);
    const conversationCategories = [...new Set(conversations.map(categoryOfConversation))].sort();
    const pricingCategories = [...new Set(pricing.map(categoryOfPricing))].sort();
    return {
      ok: true,
      conversations: {
        buckets: bucketsOf(conversations, range, categoryOfConversation, (p) => p.conversation),
        categories: conversationCategories,
        totals: totalsBy(conversations, categoryOfConversation, [(p) => p.conversation, (p) => p.cost]),
        total: conversations.reduce((n, p) => n + p.conversation, 0),
        cost: conversations.reduce((n, p) => n + p.cost, 0),
      },
      pricing: {
        buckets: bucketsOf(pricing, range, categoryOfPricing, (p) => p.volume),
        categories: pricingCategories,
        totals: totalsBy(pricing, categoryOfPricing, [(p) => p.volume, (p) => p.cost]),
        total: pricing.reduce((n, p) => n + p.volume, 0),
        cost: pricing.reduce((n, p) => n + p.cost, 0),
      },
    };
  } catch (error) {
    if (isGraphError(error)) return { ok: false, problem: describeGraphRefusal(error) };
    throw error;
  }
}
