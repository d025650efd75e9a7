import { e164Digits, phonesOfWaba, type PhoneNumber, type Sandbox, type Waba } from './state';
import type { ChangeInput } from './webhooks';

// Realistic values for every field in the seed's "Available subscription fields" table
// (Meta: Webhooks overview, Onboarding WhatsApp Business app users, and Meta's per-field webhook reference pages).

export const webhookFields = [
  'account_alerts',
  'account_review_update',
  'account_update',
  'automatic_events',
  'business_capability_update',
  'history',
  'message_template_components_update',
  'message_template_quality_update',
  'message_template_status_update',
  'messages',
  'partner_solutions',
  'payment_configuration_update',
  'phone_number_name_update',
  'phone_number_quality_update',
  'security',
  'smb_app_state_sync',
  'smb_message_echoes',
  'template_category_update',
  'user_preferences',
] as const;
export type WebhookField = (typeof webhookFields)[number];

export const accountUpdateEvents = [
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
] as const;

/** Variants each field accepts in the trigger API (the first is the default). */
export const fieldVariants: Record<WebhookField, readonly string[]> = {
  account_alerts: [
    'INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED',
    'INCREASED_CAPABILITIES_ELIGIBILITY_FAILED',
    'INCREASED_CAPABILITIES_ELIGIBILITY_NEED_MORE_INFO',
    'OBA_APPROVED',
    'OBA_REJECTED',
    'PROFILE_PICTURE_LOST',
  ],
  account_review_update: ['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED'],
  account_update: accountUpdateEvents,
  automatic_events: ['Purchase', 'LeadSubmitted'],
  business_capability_update: ['TIER_2K', 'TIER_250', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'],
  history: ['messages', 'declined'],
  message_template_components_update: ['default'],
  message_template_quality_update: ['YELLOW', 'GREEN', 'RED', 'UNKNOWN'],
  message_template_status_update: [
    'APPROVED',
    'REJECTED',
    'PENDING',
    'PAUSED',
    'DISABLED',
    'FLAGGED',
    'REINSTATED',
    'IN_APPEAL',
    'LIMIT_EXCEEDED',
    'LOCKED',
    'ARCHIVED',
    'UNARCHIVED',
    'DELETED',
    'PENDING_DELETION',
  ],
  messages: ['text', 'sent', 'delivered', 'read', 'failed'],
  partner_solutions: ['SOLUTION_UPDATED', 'SOLUTION_CREATED'],
  payment_configuration_update: ['Active', 'Needs Connecting', 'Needs Testing'],
  phone_number_name_update: ['APPROVED', 'REJECTED', 'DEFERRED', 'PENDING'],
  phone_number_quality_update: ['THROUGHPUT_UPGRADE', 'ONBOARDING', 'FLAGGED'],
  security: ['PIN_CHANGED', 'PIN_RESET_REQUEST', 'PIN_RESET_SUCCESS'],
  smb_app_state_sync: ['add', 'edit', 'remove'],
  smb_message_echoes: ['text'],
  template_category_update: ['completed', 'impending'],
  user_preferences: ['stop', 'resume'],
};

export type TriggerInput = {
  field: WebhookField;
  variant?: string;
  wabaId?: string;
  phoneNumberId?: string;
  solutionId?: string;
  /** Shallow overrides merged over the generated value. */
  value?: Record<string, unknown>;
};

function wamid(sb: Sandbox): string {
  return `wamid.HBgL${sb.rng.webhooks.alnum(40)}`;
}

function metadata(phone: PhoneNumber | undefined) {
  return { display_phone_number: phone ? e164Digits(phone) : '15550783881', phone_number_id: phone?.id ?? '109876543210001' };
}

/** waba_info for PARTNER_* events (Meta: account_update webhook reference), with MPS fields when the WABA came through a solution. */
export function wabaInfo(sb: Sandbox, waba: Waba, opts: { appId?: string; includeSolution?: boolean } = {}) {
  const partner = waba.partners.find((p) => p.appId === sb.options.appId);
  const solution = partner?.solutionId ? sb.state.solutions[partner.solutionId] : undefined;
  const info: Record<string, unknown> = { waba_id: waba.id, owner_business_id: waba.ownerBusinessId };
  if (opts.appId) info.partner_app_id = opts.appId;
  if (solution && opts.includeSolution !== false) {
    info.solution_id = solution.id;
    info.solution_partner_business_ids = [solution.ownerAppId, solution.partnerAppId]
      .map((appId) => sb.state.apps[appId]?.businessId)
      .filter((id): id is string => Boolean(id));
  }
  return info;
}

/** entry.id for PARTNER_* events: the partner portfolio for MPS WABAs, else the WABA (Meta: Webhooks overview). */
export function partnerEventEntryId(sb: Sandbox, waba: Waba): string {
  const partner = waba.partners.find((p) => p.appId === sb.options.appId);
  return partner?.solutionId ? sb.options.partnerBusinessId : waba.id;
}

function accountUpdateValue(sb: Sandbox, event: string, waba: Waba, phone: PhoneNumber | undefined): Record<string, unknown> {
  const now = sb.clock.nowSeconds();
  switch (event) {
    case 'PARTNER_ADDED':
      return { event, waba_info: wabaInfo(sb, waba) };
    case 'PARTNER_APP_INSTALLED':
      return { event, waba_info: wabaInfo(sb, waba, { appId: sb.options.appId }) };
    case 'PARTNER_APP_UNINSTALLED':
      return { event, waba_info: wabaInfo(sb, waba, { appId: sb.options.appId, includeSolution: false }) };
    case 'PARTNER_REMOVED': {
      const value: Record<string, unknown> = { event, waba_info: wabaInfo(sb, waba, { includeSolution: false }) };
      if (phone?.isOnBizApp) value.disconnection_info = { reason: 'PRIMARY_INACTIVITY', initiated_by: 'SYSTEM' };
      return value;
    }
    case 'ACCOUNT_VIOLATION':
      return { event, violation_info: { violation_type: 'ADULT' } };
    case 'DISABLED_UPDATE':
      return { event, ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'April 17, 2026' } };
    case 'ACCOUNT_RESTRICTION':
      return { event, restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: now + 86400 }] };
    case 'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE':
      return { event, auth_international_rate_eligibility: { start_time: now, exception_countries: [{ country_code: 'ID', start_time: now + 30 * 86400 }] } };
    case 'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE':
      return { event, country: waba.country };
    case 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE':
      return { event, partner_client_certification_info: { client_business_id: waba.ownerBusinessId, status: 'APPROVED', rejection_reasons: ['NONE'] } };
    case 'PARTNER_CLIENT_CERTIFICATION_NEEDED':
      return { event, partner_client_certification_needed_info: { client_business_id: waba.ownerBusinessId } };
    case 'ACCOUNT_OFFBOARDED':
    case 'ACCOUNT_RECONNECTED':
      return { event, waba_info: wabaInfo(sb, waba, { includeSolution: false }) };
    default:
      return { event };
  }
}

function firstPartneredWaba(sb: Sandbox): Waba | undefined {
  return Object.values(sb.state.wabas)
    .filter((w) => w.partners.some((p) => p.appId === sb.options.appId))
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

export function buildTrigger(sb: Sandbox, input: TriggerInput): ChangeInput {
  const variants = fieldVariants[input.field];
  const variant = input.variant ?? variants[0] ?? 'default';
  if (!variants.includes(variant)) throw new Error(`variant must be one of: ${variants.join(', ')}`);
  const now = sb.clock.nowSeconds();

  if (input.field === 'partner_solutions') {
    const solution = input.solutionId
      ? sb.state.solutions[input.solutionId]
      : Object.values(sb.state.solutions).find((s) => s.ownerAppId === sb.options.appId || s.partnerAppId === sb.options.appId);
    if (!solution) throw new Error('no solution: pass solutionId or load the mps scenario');
    const status = solution.pendingRequest === 'PENDING_DEACTIVATION' ? 'PENDING_DEACTIVATION' : solution.status;
    return {
      field: 'partner_solutions',
      entryId: sb.options.partnerBusinessId,
      value: { event: variant, solution_id: solution.id, solution_status: status, ...input.value },
    };
  }

  const waba = input.wabaId ? sb.state.wabas[input.wabaId] : firstPartneredWaba(sb);
  if (!waba) throw new Error(input.wabaId ? `unknown WABA ${input.wabaId}` : 'no WABA shared with the app yet: onboard one or pass wabaId');
  const phone = input.phoneNumberId ? sb.state.phoneNumbers[input.phoneNumberId] : phonesOfWaba(sb, waba.id)[0];
  if (input.phoneNumberId && !phone) throw new Error(`unknown phone number ${input.phoneNumberId}`);
  const meta = metadata(phone);
  const display = meta.display_phone_number;
  const template = { message_template_id: 1689556908129835, message_template_name: 'order_update', message_template_language: 'en_US' };
  const contact = { profile: { name: 'Jane Doe' }, wa_id: '16505551234' };
  let value: Record<string, unknown>;
  let entryId = waba.id;

  switch (input.field) {
    case 'account_update':
      value = accountUpdateValue(sb, variant, waba, phone);
      if (variant.startsWith('PARTNER_') && !variant.startsWith('PARTNER_CLIENT')) entryId = partnerEventEntryId(sb, waba);
      break;
    case 'account_review_update':
      value = { decision: variant };
      break;
    case 'account_alerts':
      value = {
        entity_type: variant.startsWith('OBA') || variant === 'PROFILE_PICTURE_LOST' ? 'PHONE_NUMBER' : 'BUSINESS',
        entity_id: variant.startsWith('OBA') || variant === 'PROFILE_PICTURE_LOST' ? (phone?.id ?? meta.phone_number_id) : waba.ownerBusinessId,
        alert_info: {
          alert_severity: variant.endsWith('APPROVED') ? 'INFORMATIONAL' : 'WARNING',
          alert_status: 'ACTIVE',
          alert_type: variant,
          alert_description: 'Limits cannot be increased for your business at this time.',
        },
      };
      break;
    case 'automatic_events':
      value = {
        messaging_product: 'whatsapp',
        metadata: meta,
        automatic_events: [
          {
            id: wamid(sb),
            event_name: variant,
            timestamp: now,
            ctwa_clid: `Afc3nYt4${sb.rng.webhooks.alnum(60)}`,
            ...(variant === 'Purchase' ? { custom_data: { currency: 'USD', value: 25000 } } : {}),
          },
        ],
      };
      break;
    case 'business_capability_update':
      value =
        variant === 'TIER_250'
          ? { max_daily_conversations_per_business: variant, max_phone_numbers_per_business: 2 }
          : { max_daily_conversations_per_business: variant, max_phone_numbers_per_waba: 25 };
      break;
    case 'history':
      value =
        variant === 'declined'
          ? {
              messaging_product: 'whatsapp',
              metadata: meta,
              history: [
                {
                  errors: [
                    {
                      code: 2593109,
                      title: 'History sync is turned off by the business',
                      message: 'History sync is turned off by the business',
                      error_data: { details: 'The business declined to share chat history.' },
                    },
                  ],
                },
              ],
            }
          : {
              messaging_product: 'whatsapp',
              metadata: meta,
              history: [
                {
                  metadata: { phase: 0, chunk_order: 1, progress: 100 },
                  threads: [
                    {
                      id: '16505551234',
                      messages: [
                        {
                          from: display,
                          to: '16505551234',
                          id: wamid(sb),
                          timestamp: String(now - 86400),
                          type: 'text',
                          text: { body: 'Order ready' },
                          history_context: { status: 'READ' },
                        },
                      ],
                    },
                  ],
                },
              ],
            };
      break;
    case 'message_template_components_update':
      value = {
        ...template,
        message_template_element: 'Your order {{1}} is on its way.',
        message_template_title: 'Order update',
        message_template_footer: 'Reply STOP to opt out',
        message_template_buttons: [
          { message_template_button_type: 'URL', message_template_button_text: 'Track order', message_template_button_url: 'https://shop.example/track/{{1}}' },
        ],
      };
      break;
    case 'message_template_quality_update':
      value = { previous_quality_score: variant === 'GREEN' ? 'YELLOW' : 'GREEN', new_quality_score: variant, ...template };
      break;
    case 'message_template_status_update':
      value = {
        event: variant,
        ...template,
        reason: variant === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE',
        message_template_category: 'UTILITY',
        ...(variant === 'REJECTED'
          ? { rejection_info: { reason: 'Parameters are adjacent without text between them.', recommendation: 'Put descriptive text between parameters.' } }
          : {}),
      };
      break;
    case 'messages':
      if (variant === 'text') {
        value = {
          messaging_product: 'whatsapp',
          metadata: meta,
          contacts: [contact],
          messages: [{ from: contact.wa_id, id: wamid(sb), timestamp: String(now), type: 'text', text: { body: 'Do you ship to Canada?' } }],
        };
      } else {
        const status: Record<string, unknown> = { id: wamid(sb), status: variant, timestamp: String(now), recipient_id: contact.wa_id };
        if (variant === 'sent' || variant === 'delivered') status.pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' };
        if (variant === 'failed') {
          status.errors = [
            {
              code: 131047,
              title: 'Re-engagement message',
              message: 'Re-engagement message',
              error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ];
        }
        value = { messaging_product: 'whatsapp', metadata: meta, statuses: [status] };
      }
      break;
    case 'payment_configuration_update':
      value = {
        configuration_name: 'razorpay-prod',
        provider_name: 'razorpay',
        provider_mid: 'acc_GP4lfNA0iIMn5B',
        status: variant,
        created_timestamp: now - 86400,
        updated_timestamp: now,
      };
      break;
    case 'phone_number_name_update':
      value = {
        display_phone_number: display,
        decision: variant,
        requested_verified_name: phone?.requestedName ?? phone?.verifiedName ?? 'Acme Support',
        rejection_reason: variant === 'REJECTED' ? 'NAME_FORMAT_UNACCEPTABLE' : null,
      };
      break;
    case 'phone_number_quality_update':
      value =
        variant === 'FLAGGED'
          ? { display_phone_number: display, event: variant, current_limit: 'TIER_250' }
          : { display_phone_number: display, event: variant, max_daily_conversations_per_business: variant === 'ONBOARDING' ? 'TIER_250' : 'TIER_2K' };
      break;
    case 'security':
      value = { display_phone_number: display, event: variant, requester: '10222270944537964' };
      break;
    case 'smb_app_state_sync':
      value = {
        messaging_product: 'whatsapp',
        metadata: meta,
        state_sync: [
          {
            type: 'contact',
            action: variant,
            contact: variant === 'remove' ? { phone_number: '16505551234' } : { full_name: 'Jane Doe', first_name: 'Jane', phone_number: '16505551234' },
            metadata: { timestamp: String(now) },
          },
        ],
      };
      break;
    case 'smb_message_echoes':
      value = {
        messaging_product: 'whatsapp',
        metadata: meta,
        message_echoes: [{ from: display, to: '16505551234', id: wamid(sb), timestamp: String(now), type: 'text', text: { body: 'Sent from the phone app' } }],
      };
      break;
    case 'template_category_update':
      value =
        variant === 'impending'
          ? { ...template, correct_category: 'MARKETING', new_category: 'UTILITY', category_update_timestamp: now + 86400 }
          : { ...template, previous_category: 'UTILITY', new_category: 'MARKETING' };
      break;
    case 'user_preferences':
      value = {
        messaging_product: 'whatsapp',
        metadata: meta,
        contacts: [contact],
        user_preferences: [
          {
            wa_id: contact.wa_id,
            detail: variant === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
            category: 'marketing_messages',
            value: variant,
            timestamp: now,
          },
        ],
      };
      break;
  }
  return { field: input.field, entryId, wabaId: waba.id, ...(phone ? { phoneNumberId: phone.id } : {}), value: { ...value, ...input.value } };
}
