import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphRequest } from '@/lib/meta/graph';

// Sending messages from a business phone number (Meta: Cloud API, Send messages). Only what the
// staff console needs: a text message and a template without parameters.

const sentSchema = z.looseObject({
  messaging_product: z.literal('whatsapp').optional(),
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: graphIdSchema, message_status: z.string().optional() })).min(1),
});

export type SentMessage = { messageId: string; waId: string | null };

function sent(result: z.output<typeof sentSchema>): SentMessage {
  return { messageId: result.messages[0]!.id, waId: result.contacts?.[0]?.wa_id ?? null };
}

/**
 * A free-form text. Meta accepts it at once and reports delivery in `messages` status webhooks;
 * outside the 24-hour window after the person's last message it fails there with 131047.
 */
export async function sendTextMessage(
  phoneNumberId: string,
  input: { to: string; body: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<SentMessage> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}/messages`,
    json: { messaging_product: 'whatsapp', recipient_type: 'individual', to: input.to, type: 'text', text: { preview_url: false, body: input.body } },
    token,
    audit,
    schema: sentSchema,
  });
  return sent(result);
}

/** An approved template with no parameters (such as Meta's `hello_world`): allowed outside the 24-hour window. */
export async function sendTemplateMessage(
  phoneNumberId: string,
  input: { to: string; name: string; language: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<SentMessage> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}/messages`,
    json: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: input.to,
      type: 'template',
      template: { name: input.name, language: { code: input.language } },
    },
    token,
    audit,
    schema: sentSchema,
  });
  return sent(result);
}
