import { z } from 'zod';

// Schemas for messaging, templates, business profile, analytics, app subscriptions, batch
// requests and Graph's response headers, written from Meta's documentation pages named on each
// group, independently of the sandbox code.

const id = z.string().regex(/^\d+$/);
const unix = z.number().int().min(1_000_000_000).max(9_999_999_999);
const paging = z.object({
  cursors: z.object({ before: z.string(), after: z.string() }),
  next: z.string().url().optional(),
  previous: z.string().url().optional(),
});

// Meta: Cloud API, Send messages
export const sendMessageSchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    contacts: z.array(z.object({ input: z.string(), wa_id: z.string().regex(/^\d+$/) }).strict()).length(1),
    messages: z
      .array(
        z.object({ id: z.string().startsWith('wamid.'), message_status: z.enum(['accepted', 'held_for_quality_assessment', 'paused']).optional() }).strict(),
      )
      .length(1),
  })
  .strict();

// Meta: Status messages webhook reference
export const statusEntrySchema = z.object({
  id: z.string().startsWith('wamid.'),
  status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']),
  timestamp: z.string().regex(/^\d+$/),
  recipient_id: z.string().regex(/^\d+$/),
  pricing: z
    .object({
      billable: z.boolean(),
      pricing_model: z.literal('PMP'),
      type: z.enum(['regular', 'free_customer_service', 'free_entry_point']),
      category: z.enum(['authentication', 'authentication-international', 'marketing', 'marketing_lite', 'referral_conversion', 'service', 'utility']),
    })
    .strict()
    .optional(),
  errors: z
    .array(
      z.object({
        code: z.number().int(),
        title: z.string(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string() }),
        href: z.string().optional(),
      }),
    )
    .optional(),
  biz_opaque_callback_data: z.string().optional(),
});
export const statusValueSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: id }),
  statuses: z.array(statusEntrySchema).min(1),
});

// Meta: Templates (create, list, delete)
const templateStatus = z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'LIMIT_EXCEEDED', 'ARCHIVED', 'PENDING_DELETION']);
const templateCategory = z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
export const templateCreatedSchema = z.object({ id, status: templateStatus, category: templateCategory }).strict();
export const templateSchema = z.object({
  name: z.string(),
  components: z.array(z.object({ type: z.string() }).passthrough()),
  language: z.string(),
  status: templateStatus,
  category: templateCategory,
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
  id,
});
export const templateListSchema = z.object({ data: z.array(templateSchema), paging: paging.optional() });

// Meta: message_template_status_update / message_template_quality_update / template_category_update
const templateKeys = { message_template_id: z.number().int(), message_template_name: z.string(), message_template_language: z.string() };
export const templateStatusValueSchema = z.object({ event: z.string(), ...templateKeys, reason: z.string().nullable() }).passthrough();
export const templateQualityValueSchema = z.object({
  ...templateKeys,
  previous_quality_score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']),
  new_quality_score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']),
});
export const templateCategoryValueSchema = z.object({ ...templateKeys, previous_category: templateCategory, new_category: templateCategory }).passthrough();

// Meta: Business Profiles
export const businessProfileSchema = z.object({
  data: z
    .array(
      z
        .object({
          about: z.string().max(139).optional(),
          address: z.string().max(256).optional(),
          description: z.string().max(512).optional(),
          email: z.string().max(128).optional(),
          messaging_product: z.literal('whatsapp'),
          profile_picture_url: z.string().url().optional(),
          websites: z.array(z.string().url()).max(2).optional(),
          vertical: z.string().optional(),
        })
        .strict(),
    )
    .length(1),
});

// Meta: Analytics (messaging, conversation and pricing analytics)
export const messagingAnalyticsSchema = z.object({
  analytics: z.object({
    phone_numbers: z.array(z.string().regex(/^\d+$/)),
    country_codes: z.array(z.string()).optional(),
    granularity: z.enum(['HALF_HOUR', 'DAY', 'MONTH']),
    data_points: z.array(z.object({ start: unix, end: unix, sent: z.number().int().min(0), delivered: z.number().int().min(0) }).strict()),
  }),
  id,
});
export const conversationAnalyticsSchema = z.object({
  conversation_analytics: z.object({
    data: z.array(
      z.object({
        data_points: z.array(
          z
            .object({
              start: unix,
              end: unix,
              conversation: z.number().int().min(0),
              cost: z.number().min(0),
              phone_number: z.string().optional(),
              country: z.string().length(2).optional(),
              conversation_type: z.enum(['FREE_ENTRY', 'FREE_TIER', 'REGULAR']).optional(),
              conversation_direction: z.enum(['BUSINESS_INITIATED', 'USER_INITIATED']).optional(),
              conversation_category: z.enum(['AUTHENTICATION', 'MARKETING', 'SERVICE', 'UTILITY']).optional(),
            })
            .strict(),
        ),
      }),
    ),
  }),
  id,
});
export const pricingAnalyticsSchema = z.object({
  pricing_analytics: z.object({
    data: z.array(
      z.object({
        data_points: z.array(
          z
            .object({
              start: unix,
              end: unix,
              volume: z.number().int().min(0).optional(),
              cost: z.number().min(0).optional(),
              phone_number: z.string().optional(),
              country: z.string().length(2).optional(),
              pricing_category: z
                .enum(['AUTHENTICATION', 'AUTHENTICATION_INTERNATIONAL', 'MARKETING', 'MARKETING_LITE', 'REFERRAL_CONVERSION', 'SERVICE', 'UTILITY'])
                .optional(),
              pricing_type: z.enum(['REGULAR', 'FREE_CUSTOMER_SERVICE', 'FREE_ENTRY_POINT']).optional(),
            })
            .strict(),
        ),
      }),
    ),
  }),
  id,
});

// Meta: Graph API, Application Subscriptions
export const appSubscriptionsSchema = z.object({
  data: z.array(
    z.object({
      object: z.string(),
      callback_url: z.string().url(),
      active: z.boolean(),
      fields: z.array(z.object({ name: z.string(), version: z.string().regex(/^v\d+\.\d+$/) })),
    }),
  ),
});

// Meta: Graph API, Batch Requests
export const batchReplySchema = z.array(
  z
    .object({
      code: z.number().int(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
      body: z.string(),
    })
    .nullable(),
);

// Meta: Graph API, Rate Limits (usage headers, values are percentages)
export const appUsageHeaderSchema = z.object({
  call_count: z.number().min(0).max(100),
  total_cputime: z.number().min(0).max(100),
  total_time: z.number().min(0).max(100),
});
export const businessUseCaseHeaderSchema = z.record(
  id,
  z.array(
    z.object({
      type: z.string(),
      call_count: z.number().min(0).max(100),
      total_cputime: z.number().min(0).max(100),
      total_time: z.number().min(0).max(100),
      estimated_time_to_regain_access: z.number().int().min(0),
    }),
  ),
);
