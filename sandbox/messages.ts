import { e164Digits, type InboundMessage, type MessageStatus, type PhoneNumber, type Sandbox, type SentMessage } from './state';
import { emitChange } from './webhooks';

// What happens to a message after the send call: Meta's `statuses` webhooks (sent → delivered →
// read, or failed with an error), and customers' messages arriving (Meta: Status messages webhook
// reference; Messages webhook reference).

const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600 * 1000;

export function wamid(sb: Sandbox): string {
  return `wamid.HBgL${sb.rng.ids.alnum(40)}`;
}

function metadata(phone: PhoneNumber) {
  return { display_phone_number: e164Digits(phone), phone_number_id: phone.id };
}

/** The customer's last message to this number opens a 24-hour customer service window (Meta: Customer service windows). */
export function windowOpen(sb: Sandbox, phoneNumberId: string, waId: string): boolean {
  const now = sb.clock.now();
  return sb.state.inbound.some((m) => m.phoneNumberId === phoneNumberId && m.from === waId && now - m.at < CUSTOMER_SERVICE_WINDOW_MS);
}

const order: Record<MessageStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** Moves a sent message to `status` and sends the statuses webhook Meta would. */
export function setMessageStatus(sb: Sandbox, message: SentMessage, status: Exclude<MessageStatus, 'accepted'>, error?: SentMessage['error']): void {
  if (message.status === 'failed' || order[status] <= order[message.status]) return;
  const phone = sb.state.phoneNumbers[message.phoneNumberId];
  if (!phone) return;
  const now = sb.clock.now();
  message.status = status;
  if (status === 'delivered') message.deliveredAt = now;
  if (status === 'read') message.readAt = now;
  if (status === 'failed' && error) message.error = error;
  const entry: Record<string, unknown> = { id: message.id, status, timestamp: String(Math.floor(now / 1000)), recipient_id: message.to };
  // Pricing comes with `sent` and with `delivered` (Meta: Status messages webhook reference; v24.0+ drops `conversation`).
  if (status === 'sent' || status === 'delivered') {
    entry.pricing = { billable: message.billable, pricing_model: 'PMP', type: message.pricingType, category: message.category };
  }
  if (message.bizOpaqueCallbackData) entry.biz_opaque_callback_data = message.bizOpaqueCallbackData;
  if (status === 'failed' && message.error) {
    entry.errors = [
      {
        code: message.error.code,
        title: message.error.title,
        message: message.error.title,
        error_data: { details: message.error.details },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ];
  }
  emitChange(sb, {
    field: 'messages',
    entryId: message.wabaId,
    wabaId: message.wabaId,
    phoneNumberId: phone.id,
    value: { messaging_product: 'whatsapp', metadata: metadata(phone), statuses: [entry] },
  });
}

/** After the send call: `sent` at once, then delivered and read on the sandbox clock (or a failure). */
export function startDelivery(sb: Sandbox, message: SentMessage, failure?: SentMessage['error']): void {
  const now = sb.clock.now();
  if (failure) {
    sb.clock.schedule(now, () => setMessageStatus(sb, message, 'failed', failure));
    return;
  }
  sb.clock.schedule(now, () => setMessageStatus(sb, message, 'sent'));
  const { deliverAfterSeconds, readAfterSeconds } = sb.config.messaging;
  if (deliverAfterSeconds === null) return;
  const deliveredAt = now + deliverAfterSeconds * 1000;
  sb.clock.schedule(deliveredAt, () => setMessageStatus(sb, message, 'delivered'));
  if (readAfterSeconds !== null) sb.clock.schedule(deliveredAt + readAfterSeconds * 1000, () => setMessageStatus(sb, message, 'read'));
}

/** A customer writes to one of the numbers: the messages webhook, and a customer service window opens. */
export function receiveInbound(sb: Sandbox, phone: PhoneNumber, input: { from: string; name?: string; text: string }): InboundMessage {
  const message: InboundMessage = {
    id: wamid(sb),
    phoneNumberId: phone.id,
    from: input.from.replace(/\D/g, ''),
    name: input.name ?? 'Sandbox Customer',
    type: 'text',
    text: input.text,
    at: sb.clock.now(),
  };
  sb.state.inbound.push(message);
  emitChange(sb, {
    field: 'messages',
    entryId: phone.wabaId,
    wabaId: phone.wabaId,
    phoneNumberId: phone.id,
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phone),
      contacts: [{ profile: { name: message.name }, wa_id: message.from }],
      messages: [{ from: message.from, id: message.id, timestamp: String(Math.floor(message.at / 1000)), type: 'text', text: { body: input.text } }],
    },
  });
  return message;
}
