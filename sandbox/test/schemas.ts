import { z } from 'zod';

// Schemas written from Meta's documentation pages (named per group below), independently of the sandbox code
// and of the portal: the contract the sandbox's responses must satisfy.

const id = z.string().regex(/^\d+$/);
const success = z.object({ success: z.literal(true) }).strict();
const cursors = z.object({
  cursors: z.object({ before: z.string(), after: z.string() }),
  next: z.string().url().optional(),
  previous: z.string().url().optional(),
});
const list = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), paging: cursors.optional() });

export const successSchema = success;

// Meta: Graph API, Handling errors
export const errorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string().min(1),
    type: z.string().min(1),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ messaging_product: z.literal('whatsapp').optional(), details: z.string() }).optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().min(1),
  }),
});

// Meta: Onboarding customers as a Solution Partner (code exchange); Manage accounts (debug_token)
export const exchangeSchema = z.object({
  access_token: z.string().min(20),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
});
export const debugTokenSchema = z.object({
  data: z.object({
    app_id: id,
    application: z.string(),
    type: z.enum(['USER', 'SYSTEM_USER', 'APP', 'PAGE']),
    is_valid: z.boolean(),
    // Unix seconds, not milliseconds.
    issued_at: z.number().int().min(1_500_000_000).max(9_999_999_999).optional(),
    expires_at: z.number().int().min(0).max(9_999_999_999).optional(),
    data_access_expires_at: z.number().int().min(0).max(9_999_999_999).optional(),
    scopes: z.array(z.string()),
    granular_scopes: z.array(z.object({ scope: z.string(), target_ids: z.array(id).optional() })).optional(),
    user_id: id.optional(),
  }),
});
export const debugTokenInvalidSchema = z.object({
  data: z.object({ is_valid: z.literal(false), error: z.object({ code: z.number(), message: z.string() }) }).passthrough(),
});

// Meta: Manage accounts; Health status
const reviewStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED']);
const verificationStatus = z.enum([
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
]);
const canSend = z.enum(['AVAILABLE', 'LIMITED', 'BLOCKED']);
export const healthStatusSchema = z.object({
  can_send_message: canSend,
  entities: z.array(
    z
      .object({
        entity_type: z.enum(['PHONE_NUMBER', 'WABA', 'BUSINESS', 'APP', 'MESSAGE_TEMPLATE']),
        id,
        can_send_message: canSend,
        additional_info: z.array(z.string()).optional(),
        errors: z.array(z.object({ error_code: z.number(), error_description: z.string(), possible_solution: z.string() })).optional(),
      })
      .passthrough(),
  ),
});
export const wabaSchema = z.object({
  id,
  name: z.string(),
  currency: z.string().length(3).optional(),
  timezone_id: z.string().optional(),
  message_template_namespace: z.string().optional(),
  account_review_status: reviewStatus.optional(),
  business_verification_status: verificationStatus.optional(),
  owner_business_info: z.object({ id, name: z.string() }).optional(),
  primary_funding_id: id.optional(),
  health_status: healthStatusSchema.optional(),
  ownership_type: z.enum(['CLIENT_OWNED', 'ON_BEHALF_OF', 'SELF']).optional(),
  whatsapp_business_manager_messaging_limit: z.enum(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'UNTIERED']).optional(),
  business_type: z.string().optional(),
});
export const wabaListSchema = list(wabaSchema);

// Meta: Override callback URL
export const subscribedAppsSchema = z.object({
  data: z.array(
    z.object({ whatsapp_business_api_data: z.object({ id, link: z.string(), name: z.string() }), override_callback_uri: z.string().url().optional() }),
  ),
});

// Meta: Manage phone numbers; Registering business phone numbers
export const phoneNumberSchema = z.object({
  id,
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  code_verification_status: z.enum(['VERIFIED', 'NOT_VERIFIED', 'UNVERIFIED', 'EXPIRED']).optional(),
  quality_rating: z.enum(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN']).optional(),
  status: z.enum(['CONNECTED', 'PENDING', 'DISCONNECTED', 'FLAGGED', 'RESTRICTED', 'RATE_LIMITED', 'BANNED', 'DELETED', 'MIGRATED']).optional(),
  name_status: z.enum(['APPROVED', 'AVAILABLE_WITHOUT_REVIEW', 'DECLINED', 'EXPIRED', 'PENDING_REVIEW', 'NONE']).optional(),
  new_name_status: z.enum(['APPROVED', 'AVAILABLE_WITHOUT_REVIEW', 'DECLINED', 'EXPIRED', 'PENDING_REVIEW', 'NONE']).optional(),
  platform_type: z.enum(['CLOUD_API', 'ON_PREMISE', 'NOT_APPLICABLE']).optional(),
  throughput: z.object({ level: z.enum(['STANDARD', 'HIGH', 'NOT_APPLICABLE']) }).optional(),
  is_official_business_account: z.boolean().optional(),
  account_mode: z.enum(['SANDBOX', 'LIVE']).optional(),
  is_on_biz_app: z.boolean().optional(),
  is_pin_enabled: z.boolean().optional(),
  webhook_configuration: z
    .object({ phone_number: z.string().optional(), whatsapp_business_account: z.string().optional(), application: z.string().optional() })
    .optional(),
  health_status: healthStatusSchema.optional(),
});
export const phoneListSchema = list(phoneNumberSchema);
export const createdIdSchema = z.object({ id }).strict();

// Meta: Share and revoke credit lines
export const extendedCreditsSchema = z.object({ data: z.array(z.object({ id, legal_entity_name: z.string() })) });
export const shareAndAttachSchema = z.object({ allocation_config_id: id, waba_id: id }).strict();
export const shareSchema = z.object({ success: z.literal(true), allocation_config_id: id }).strict();
export const attachSchema = z.object({ success: z.literal(true), waba_id: id, allocation_config_id: id }).strict();
export const receivingCredentialSchema = z.object({ receiving_credential: z.object({ id }), id });
export const primaryFundingSchema = z.object({ primary_funding_id: id, id });
export const owningAllocationSchema = z.union([
  z.object({ id, receiving_business: z.object({ name: z.string(), id }) }),
  z.object({ data: z.array(z.object({ id, receiving_business: z.object({ name: z.string(), id }) })) }),
]);
export const allocationStatusSchema = z.object({ id, receiving_business: z.object({ name: z.string(), id }), request_status: z.string() });

// Meta: Manage system users
export const systemUsersSchema = z.object({ data: z.array(z.object({ id, name: z.string(), role: z.string() })) });
export const assignedUsersSchema = z.object({ data: z.array(z.object({ id, name: z.string(), tasks: z.array(z.string()) })) });

// Meta: Multi-Partner Solutions
const solutionStatus = z.enum(['DRAFT', 'INITIATED', 'ACTIVE', 'REJECTED', 'DEACTIVATED']);
const pendingStatus = z.enum(['PENDING_ACTIVATION', 'PENDING_DEACTIVATION', 'NONE']);
export const solutionCreatedSchema = z.object({ solution_id: id }).strict();
export const solutionListSchema = list(z.object({ name: z.string(), status: solutionStatus, status_for_pending_request: pendingStatus, id }));
export const solutionSchema = z.object({
  id,
  name: z.string(),
  status: solutionStatus,
  status_for_pending_request: pendingStatus.optional(),
  owner_app: z.object({ id, name: z.string() }).passthrough().optional(),
  owner_permissions: z.array(z.string()).optional(),
  partners: z
    .object({
      data: z.array(
        z.object({
          partner_app: z.object({ id, name: z.string() }).passthrough(),
          partner_permissions: z.array(z.string()),
          status: z.enum(['NOTIFICATION_SENT', 'ACCEPTED']),
          id,
        }),
      ),
      paging: cursors.optional(),
    })
    .optional(),
});
export const solutionAccessTokenSchema = z.object({ data: z.array(z.object({ access_token: z.string().min(20) })).length(1) });
export const applicationDetailsSchema = z.object({ data: z.array(z.object({ link: z.string(), name: z.string(), id })) });
export const migrationIntentSchema = z.object({ id }).strict();

// Meta: Partner-led business verification
export const plbvSubmitSchema = z.object({ success: z.literal(true), message: z.string(), verification_attempts: z.number().int().min(1).max(3) });
export const submissionsSchema = list(
  z.object({
    verification_status: z.enum(['APPROVED', 'DISCARDED', 'FAILED', 'PENDING', 'REVOKED']),
    submitted_time: z.string(),
    update_time: z.string(),
    client_business_id: id,
    submitted_info: z.record(z.string(), z.unknown()),
    rejection_reasons: z.array(z.string()).optional(),
    id,
  }),
);
export const businessVerificationSchema = z.object({ verification_status: verificationStatus, id });

// Meta: Onboarding WhatsApp Business app users
export const smbSyncSchema = z.object({ messaging_product: z.literal('whatsapp'), request_id: z.string().min(1) }).strict();
export const coexistencePhoneSchema = z.object({ is_on_biz_app: z.literal(true), platform_type: z.literal('CLOUD_API'), id });

// Meta: Embedded Signup implementation (session-info messages)
const finishData = z.object({
  phone_number_id: id.optional(),
  waba_id: id,
  business_id: id.optional(),
  ad_account_ids: z.array(z.string()).optional(),
  page_ids: z.array(z.string()).optional(),
  dataset_ids: z.array(z.string()).optional(),
  catalog_ids: z.array(z.string()).optional(),
  instagram_account_ids: z.array(z.string()).optional(),
  waba_ids: z.array(z.string()).optional(),
});
export const finishMessageSchema = z.object({
  type: z.literal('WA_EMBEDDED_SIGNUP'),
  event: z.enum(['FINISH', 'FINISH_ONLY_WABA', 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING', 'FINISH_OBO_MIGRATION', 'FINISH_GRANT_ONLY_API_ACCESS']),
  data: finishData,
  version: z.number().optional(),
});
export const cancelErrorMessageSchema = z.object({
  type: z.literal('WA_EMBEDDED_SIGNUP'),
  event: z.literal('CANCEL'),
  data: z.object({ error_message: z.string(), error_code: z.string(), session_id: z.string(), timestamp: z.string().regex(/^\d+$/) }).strict(),
});

// Meta: Webhooks overview and the per-field webhook references
export const envelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({ id, time: z.number().int().optional(), changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })).min(1) }),
    )
    .min(1),
});

const metadata = z.object({ display_phone_number: z.string(), phone_number_id: id });
const wabaInfo = z.object({
  waba_id: id,
  owner_business_id: id,
  partner_app_id: id.optional(),
  solution_id: id.optional(),
  solution_partner_business_ids: z.array(id).optional(),
});
const template = { message_template_id: z.number(), message_template_name: z.string(), message_template_language: z.string() };

export const webhookValueSchemas: Record<string, z.ZodTypeAny> = {
  account_update: z
    .object({
      event: z.enum([
        'ACCOUNT_DELETED',
        'ACCOUNT_RESTRICTION',
        'ACCOUNT_VIOLATION',
        'AD_ACCOUNT_LINKED',
        'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE',
        'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE',
        'DISABLED_UPDATE',
        'MM_LITE_TERMS_SIGNED',
        'PARTNER_ADDED',
        'PARTNER_APP_INSTALLED',
        'PARTNER_APP_UNINSTALLED',
        'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
        'PARTNER_CLIENT_CERTIFICATION_NEEDED',
        'PARTNER_REMOVED',
        'VOLUME_BASED_PRICING_TIER_UPDATE',
        'ACCOUNT_OFFBOARDED',
        'ACCOUNT_RECONNECTED',
        'VERIFIED_ACCOUNT',
      ]),
      waba_info: wabaInfo.optional(),
      disconnection_info: z
        .object({
          reason: z.enum(['ACCOUNT_DISCONNECTED', 'BUSINESS_DOWNGRADE', 'CHANGE_NUMBER', 'COMPANION_INACTIVITY', 'PRIMARY_INACTIVITY', 'USER_RE_REGISTERED']),
          initiated_by: z.enum(['USER', 'SYSTEM']),
        })
        .optional(),
      violation_info: z.object({ violation_type: z.string() }).optional(),
      ban_info: z.object({ waba_ban_state: z.enum(['DISABLE', 'REINSTATE', 'SCHEDULE_FOR_DISABLE']), waba_ban_date: z.string() }).optional(),
      restriction_info: z.array(z.object({ restriction_type: z.string(), expiration: z.number() })).optional(),
      partner_client_certification_info: z
        .object({
          client_business_id: id,
          status: z.enum(['APPROVED', 'FAILED', 'DISCARDED', 'PENDING', 'REVOKED']),
          rejection_reasons: z.array(z.string()).min(1),
        })
        .optional(),
      partner_client_certification_needed_info: z.object({ client_business_id: id }).optional(),
    })
    .passthrough(),
  account_review_update: z.object({ decision: z.enum(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']) }),
  account_alerts: z.object({
    entity_type: z.enum(['BUSINESS', 'PHONE_NUMBER', 'CURRENT_STATUS_ID']),
    entity_id: id,
    alert_info: z.object({
      alert_severity: z.enum(['CRITICAL', 'WARNING', 'INFORMATIONAL']),
      alert_status: z.enum(['ACTIVE', 'NONE']),
      alert_type: z.string(),
      alert_description: z.string(),
    }),
  }),
  automatic_events: z.object({
    messaging_product: z.literal('whatsapp'),
    metadata,
    automatic_events: z.array(
      z.object({ id: z.string(), event_name: z.enum(['Purchase', 'LeadSubmitted']), timestamp: z.number(), ctwa_clid: z.string().optional() }),
    ),
  }),
  business_capability_update: z.object({
    max_daily_conversations_per_business: z.union([z.enum(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']), z.number()]),
    max_phone_numbers_per_waba: z.number().optional(),
    max_phone_numbers_per_business: z.number().optional(),
  }),
  history: z.object({
    messaging_product: z.literal('whatsapp'),
    metadata,
    history: z.array(
      z.union([
        z.object({
          metadata: z.object({ phase: z.number().int().min(0).max(2), chunk_order: z.number(), progress: z.number().min(0).max(100) }),
          threads: z.array(
            z.object({
              id: z.string(),
              messages: z.array(z.object({ from: z.string(), id: z.string(), timestamp: z.string(), type: z.string() }).passthrough()),
            }),
          ),
        }),
        z.object({ errors: z.array(z.object({ code: z.number(), title: z.string() }).passthrough()) }),
      ]),
    ),
  }),
  message_template_components_update: z.object({ ...template, message_template_element: z.string() }).passthrough(),
  message_template_quality_update: z.object({
    ...template,
    previous_quality_score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']),
    new_quality_score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']),
  }),
  message_template_status_update: z.object({ ...template, event: z.string(), reason: z.string().nullable() }).passthrough(),
  messages: z.union([
    z.object({
      messaging_product: z.literal('whatsapp'),
      metadata,
      contacts: z.array(z.object({ profile: z.object({ name: z.string() }), wa_id: z.string() })),
      messages: z.array(z.object({ from: z.string(), id: z.string(), timestamp: z.string(), type: z.string() }).passthrough()),
    }),
    z.object({
      messaging_product: z.literal('whatsapp'),
      metadata,
      statuses: z.array(
        z
          .object({ id: z.string(), status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']), timestamp: z.string(), recipient_id: z.string() })
          .passthrough(),
      ),
    }),
  ]),
  partner_solutions: z.object({
    event: z.enum(['SOLUTION_CREATED', 'SOLUTION_UPDATED']),
    solution_id: id,
    solution_status: z.enum(['DRAFT', 'INITIATED', 'PENDING', 'ACTIVE', 'REJECTED', 'PENDING_DEACTIVATION', 'DEACTIVATED']),
  }),
  payment_configuration_update: z.object({
    configuration_name: z.string(),
    provider_name: z.string(),
    provider_mid: z.string(),
    status: z.string(),
    created_timestamp: z.number(),
    updated_timestamp: z.number(),
  }),
  phone_number_name_update: z.object({
    display_phone_number: z.string(),
    decision: z.enum(['APPROVED', 'DEFERRED', 'PENDING', 'REJECTED']),
    requested_verified_name: z.string(),
    rejection_reason: z
      .enum(['NAME_EMPLOYEE_ISSUE', 'NAME_ENDCLIENT_NOTRELATED', 'NAME_FORMAT_UNACCEPTABLE', 'NAME_INDIVIDUAL_ISSUE', 'NAME_NOT_CONSISTENT', 'UNKNOWN'])
      .nullable(),
  }),
  phone_number_quality_update: z
    .object({ display_phone_number: z.string(), event: z.enum(['ONBOARDING', 'THROUGHPUT_UPGRADE', 'FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE']) })
    .passthrough(),
  security: z.object({ display_phone_number: z.string(), event: z.enum(['PIN_CHANGED', 'PIN_RESET_REQUEST', 'PIN_RESET_SUCCESS']) }).passthrough(),
  smb_app_state_sync: z.object({
    messaging_product: z.literal('whatsapp'),
    metadata,
    state_sync: z.array(
      z.object({
        type: z.literal('contact'),
        action: z.enum(['add', 'edit', 'remove']),
        contact: z.object({ phone_number: z.string() }).passthrough(),
        metadata: z.object({ timestamp: z.string() }),
      }),
    ),
  }),
  smb_message_echoes: z.object({
    messaging_product: z.literal('whatsapp'),
    metadata,
    message_echoes: z.array(z.object({ from: z.string(), to: z.string(), id: z.string(), timestamp: z.string(), type: z.string() }).passthrough()),
  }),
  template_category_update: z.object({ ...template, new_category: z.string() }).passthrough(),
  user_preferences: z
    .object({
      messaging_product: z.literal('whatsapp'),
      metadata,
      user_preferences: z.array(
        z.object({
          wa_id: z.string(),
          detail: z.string(),
          category: z.literal('marketing_messages'),
          value: z.enum(['stop', 'resume']),
          timestamp: z.number(),
        }),
      ),
    })
    .passthrough(),
};
