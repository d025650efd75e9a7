import { z } from 'zod';
import { businessVerificationStatusSchema } from '@/lib/meta/business-verification';
import { type AuditContext, type GraphToken, graphIdSchema, lenientEnum, readNode } from '@/lib/meta/graph';

// WhatsApp Business Account reads (docs/meta/wabas.md).

const canSendSchema = lenientEnum(['AVAILABLE', 'LIMITED', 'BLOCKED'] as const);

export const healthStatusSchema = z.looseObject({
  can_send_message: canSendSchema,
  entities: z
    .array(
      z.looseObject({
        entity_type: z.string(),
        id: graphIdSchema,
        can_send_message: canSendSchema,
        additional_info: z.array(z.string()).optional(),
        errors: z
          .array(
            z.looseObject({
              error_code: z.coerce.number().optional(),
              error_description: z.string().optional(),
              possible_solution: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export type HealthStatus = z.output<typeof healthStatusSchema>;

const businessInfoSchema = z.looseObject({ id: graphIdSchema, name: z.string().optional() });

export const wabaSchema = z.looseObject({
  id: graphIdSchema,
  name: z.string().optional(),
  currency: z.string().optional(),
  timezone_id: z.coerce.string().optional(),
  message_template_namespace: z.string().optional(),
  account_review_status: lenientEnum(['PENDING', 'APPROVED', 'REJECTED'] as const).optional(),
  business_verification_status: businessVerificationStatusSchema.optional(),
  owner_business_info: businessInfoSchema.optional(),
  on_behalf_of_business_info: businessInfoSchema.optional(),
  primary_funding_id: graphIdSchema.optional(),
  health_status: healthStatusSchema.optional(),
  ownership_type: lenientEnum(['CLIENT_OWNED', 'ON_BEHALF_OF', 'SELF'] as const).optional(),
  status: z.string().optional(),
  country: z.string().optional(),
  creation_time: z.union([z.string(), z.number()]).optional(),
  is_shared_with_partners: z.boolean().optional(),
  whatsapp_business_manager_messaging_limit: lenientEnum(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'UNTIERED'] as const).optional(),
  marketing_messages_onboarding_status: z.string().optional(),
});

export type Waba = z.output<typeof wabaSchema>;

/** What onboarding and the dashboard read (docs/meta/onboarding-sequences.md, "Dashboard polling"). */
export const wabaFields = [
  'id',
  'name',
  'currency',
  'timezone_id',
  'message_template_namespace',
  'account_review_status',
  'business_verification_status',
  'owner_business_info',
  'primary_funding_id',
  'health_status',
  'ownership_type',
  'status',
  'country',
  'whatsapp_business_manager_messaging_limit',
] as const;

export async function getWaba(wabaId: string, token: GraphToken, audit: AuditContext = {}, fields: readonly string[] = wabaFields): Promise<Waba> {
  return readNode(wabaId, fields, wabaSchema, token, audit);
}

/** The customer's business portfolio as Meta reports it; only readable while the WABA is shared (docs/meta/credit-lines.md). */
export async function getWabaOwner(wabaId: string, token: GraphToken, audit: AuditContext = {}): Promise<{ id: string; name?: string }> {
  const waba = await getWaba(wabaId, token, audit, ['owner_business_info']);
  if (!waba.owner_business_info) throw new Error(`Meta returned no owner_business_info for WABA ${wabaId}`);
  return { id: waba.owner_business_info.id, name: waba.owner_business_info.name };
}
