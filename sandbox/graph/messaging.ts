import { startDelivery, wamid, windowOpen } from '../messages';
import type { MessageTemplate, PricingCategory, SentMessage } from '../state';
import { authenticate, loadPhone, requireKind } from './auth';
import type { GraphContext } from './context';
import { objectParam, stringParam } from './context';
import { graphError, invalidParameter, missingParameter, whatsappError } from './errors';
import { templateParameterCount } from './templates';
import { healthStatus } from './wabas';

// POST /{phone-number-id}/messages for text and template messages and mark-as-read
// (Meta: Cloud API, Send messages; Mark messages as read; Cloud API error codes).

const MAX_TEXT = 4096;

function markAsRead(ctx: GraphContext, phoneNumberId: string) {
  const messageId = stringParam(ctx, 'message_id');
  if (!messageId) throw missingParameter('message_id');
  const inbound = ctx.sb.state.inbound.find((m) => m.id === messageId && m.phoneNumberId === phoneNumberId);
  if (!inbound) throw invalidParameter(`Message ${messageId} was not received by this phone number.`, '(#100) Invalid parameter');
  inbound.readAt ??= ctx.sb.clock.now();
  return { success: true };
}

function bodyParameterCount(components: unknown): number {
  if (!Array.isArray(components)) return 0;
  const body = components.find((c) => c && typeof c === 'object' && String((c as Record<string, unknown>).type).toLowerCase() === 'body') as
    | Record<string, unknown>
    | undefined;
  return Array.isArray(body?.parameters) ? body.parameters.length : 0;
}

function findTemplate(ctx: GraphContext, wabaId: string, template: Record<string, unknown>): MessageTemplate {
  const name = typeof template.name === 'string' ? template.name : undefined;
  const language = template.language as Record<string, unknown> | undefined;
  const code = typeof language?.code === 'string' ? language.code : undefined;
  if (!name) throw missingParameter('template.name');
  if (!code) throw missingParameter('template.language.code');
  const found = Object.values(ctx.sb.state.templates).find((t) => t.wabaId === wabaId && t.name === name && t.language === code);
  if (!found || found.status === 'PENDING' || found.status === 'REJECTED' || found.status === 'PENDING_DELETION') {
    throw whatsappError(132001, 'Template name does not exist in the translation', `template name (${name}) does not exist in ${code}`);
  }
  if (found.status === 'PAUSED') throw whatsappError(132015, 'Template is Paused', `Template ${name} is paused because of low quality.`);
  if (found.status === 'DISABLED') throw whatsappError(132016, 'Template is Disabled', `Template ${name} was disabled because of low quality.`);
  const expected = templateParameterCount(found);
  const given = bodyParameterCount(template.components);
  if (expected !== given) {
    throw whatsappError(
      132000,
      'Number of parameters does not match the expected number of params',
      `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
    );
  }
  return found;
}

export function sendMessage(ctx: GraphContext, phoneNumberId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['business', 'system'], 'Sending messages');
  const { phone, waba } = loadPhone(ctx, token, phoneNumberId, 'manage');
  const product = stringParam(ctx, 'messaging_product');
  if (!product) throw missingParameter('messaging_product');
  if (product !== 'whatsapp')
    throw invalidParameter('messaging_product must be "whatsapp"', '(#100) Param messaging_product must be one of {WHATSAPP} - got "' + product + '".');
  if (stringParam(ctx, 'status') === 'read') return markAsRead(ctx, phone.id);
  if (phone.platformType !== 'CLOUD_API' || phone.status !== 'CONNECTED') {
    throw whatsappError(133010, 'Account not registered', 'The phone number is not registered on the Cloud API: POST /{phone-number-id}/register first.');
  }
  if (waba.accountReviewStatus === 'REJECTED' || waba.status === 'DISABLED') {
    throw whatsappError(131031, 'Business Account locked', 'The WhatsApp Business Account is locked (rejected in review or disabled).');
  }
  const toRaw = stringParam(ctx, 'to');
  if (!toRaw) throw missingParameter('to');
  const to = toRaw.replace(/\D/g, '');
  if (!/^\d{8,15}$/.test(to)) throw invalidParameter(`Invalid parameter: to (${toRaw}) is not a valid phone number`, '(#100) Invalid parameter');
  const type = stringParam(ctx, 'type') ?? 'text';
  const inWindow = windowOpen(sb, phone.id, to);
  let category: PricingCategory;
  let template: MessageTemplate | undefined;
  if (type === 'text') {
    const text = objectParam(ctx, 'text');
    const body = typeof text?.body === 'string' ? text.body : undefined;
    if (!body) throw missingParameter('text.body');
    if (body.length > MAX_TEXT) throw whatsappError(100, '(#100) Invalid parameter', `text.body is longer than ${MAX_TEXT} characters`);
    category = 'service';
  } else if (type === 'template') {
    const input = objectParam(ctx, 'template');
    if (!input) throw missingParameter('template');
    template = findTemplate(ctx, waba.id, input);
    category = template.category === 'MARKETING' ? 'marketing' : template.category === 'UTILITY' ? 'utility' : 'authentication';
  } else {
    throw graphError({
      message: `(#100) Param type must be one of {TEXT, TEMPLATE} in the sandbox - got "${type}".`,
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: 'The sandbox models text and template messages only.' },
    });
  }
  // Service replies and utility templates inside the window are free (Meta: Pricing on the WhatsApp Business Platform).
  const free = inWindow && (category === 'service' || category === 'utility');
  const message: SentMessage = {
    id: wamid(sb),
    phoneNumberId: phone.id,
    wabaId: waba.id,
    to,
    type,
    ...(template ? { templateId: template.id } : {}),
    category,
    pricingType: free ? 'free_customer_service' : 'regular',
    billable: !free,
    status: 'accepted',
    sentAt: sb.clock.now(),
    ...(stringParam(ctx, 'biz_opaque_callback_data') ? { bizOpaqueCallbackData: stringParam(ctx, 'biz_opaque_callback_data') } : {}),
  };
  sb.state.messages.push(message);
  startDelivery(sb, message, failureFor(ctx, message, inWindow));
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: toRaw, wa_id: to }],
    messages: [template ? { id: message.id, message_status: 'accepted' } : { id: message.id }],
  };
}

/** Failures Meta reports in the status webhook rather than in the send response. */
function failureFor(ctx: GraphContext, message: SentMessage, inWindow: boolean): SentMessage['error'] | undefined {
  const { sb } = ctx;
  const waba = sb.state.wabas[message.wabaId];
  const phone = sb.state.phoneNumbers[message.phoneNumberId];
  if (message.type !== 'template' && !inWindow) {
    return {
      code: 131047,
      title: 'Re-engagement message',
      details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    };
  }
  if (waba && phone && message.billable && healthStatus(sb, waba, phone).entities.some((e) => e.entity_type === 'WABA' && e.can_send_message === 'BLOCKED')) {
    return {
      code: 131042,
      title: 'Business eligibility payment issue',
      details: 'Message failed to send because there were one or more errors related to your payment method.',
    };
  }
  // Sandbox convention: numbers starting 1555000 stand for phones that cannot get WhatsApp messages.
  if (message.to.startsWith('1555000')) {
    return {
      code: 131026,
      title: 'Message Undeliverable',
      details: 'Message failed to send because the recipient cannot receive it (sandbox: numbers starting 1555000).',
    };
  }
  return undefined;
}
