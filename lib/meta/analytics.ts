import { z } from 'zod';
import { type AuditContext, type GraphToken, graphRequest } from '@/lib/meta/graph';

// A WABA's conversation and pricing analytics, as fields of the WABA node with modifiers (Meta:
// Analytics; WhatsApp Business Account reference). Readable with a read-only business token, which
// is all a Measurement Partner holds (Meta: Measurement Partners). Data points come only for buckets
// with data.

export const analyticsGranularities = ['HALF_HOUR', 'DAILY', 'MONTHLY'] as const;
export type AnalyticsGranularity = (typeof analyticsGranularities)[number];

export type AnalyticsRange = { start: Date; end: Date; granularity: AnalyticsGranularity };

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

function modifiers(range: AnalyticsRange, dimensions: readonly string[]): string {
  return `.start(${unix(range.start)}).end(${unix(range.end)}).granularity(${range.granularity}).dimensions(${JSON.stringify(dimensions)})`;
}

const epoch = z.coerce.number().transform((s) => new Date(s * 1000));

const conversationPointSchema = z.looseObject({
  start: epoch,
  end: epoch,
  conversation: z.coerce.number().default(0),
  cost: z.coerce.number().default(0),
  conversation_category: z.string().optional(),
  conversation_direction: z.string().optional(),
  phone_number: z.string().optional(),
  country: z.string().optional(),
});

const pricingPointSchema = z.looseObject({
  start: epoch,
  end: epoch,
  volume: z.coerce.number().default(0),
  cost: z.coerce.number().default(0),
  pricing_category: z.string().optional(),
  pricing_type: z.string().optional(),
  phone_number: z.string().optional(),
  country: z.string().optional(),
});

const pointsOf = <T extends z.ZodType>(point: T) =>
  z
    .looseObject({ data: z.array(z.looseObject({ data_points: z.array(point).default([]) })).default([]) })
    .optional()
    .transform((v) => (v?.data ?? []).flatMap((d) => d.data_points) as z.output<T>[]);

export type ConversationPoint = z.output<typeof conversationPointSchema>;
export type PricingPoint = z.output<typeof pricingPointSchema>;

/** Conversations and their cost per bucket and conversation category. */
export async function getConversationAnalytics(
  wabaId: string,
  range: AnalyticsRange,
  token: GraphToken,
  audit: AuditContext = {},
): Promise<ConversationPoint[]> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${wabaId}`,
    query: { fields: `conversation_analytics${modifiers(range, ['CONVERSATION_CATEGORY'])}` },
    token,
    audit,
    schema: z.looseObject({ conversation_analytics: pointsOf(conversationPointSchema) }),
  });
  return result.conversation_analytics;
}

/** Delivered messages (Meta charges on delivery) and their cost per bucket and pricing category. */
export async function getPricingAnalytics(wabaId: string, range: AnalyticsRange, token: GraphToken, audit: AuditContext = {}): Promise<PricingPoint[]> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${wabaId}`,
    query: { fields: `pricing_analytics${modifiers(range, ['PRICING_CATEGORY'])}` },
    token,
    audit,
    schema: z.looseObject({ pricing_analytics: pointsOf(pricingPointSchema) }),
  });
  return result.pricing_analytics;
}
