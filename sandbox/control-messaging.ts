import { z } from 'zod';
import { receiveInbound, setMessageStatus } from './messages';
import type { Sandbox } from './state';
import { decideTemplate, setTemplateCategory, setTemplateQuality, templateEvents, templateRejectionReasons } from './template-decisions';

// Control API for messaging and templates (not Meta's): customers writing in, moving a sent
// message's status, and Meta's template decisions. control.ts routes to these.

export const messagingControlRoutes = [
  'POST /_sandbox/phone-numbers/{id}/inbound {from, text, name?}',
  'GET  /_sandbox/messages',
  'POST /_sandbox/messages/{wamid}/status {status, error?}',
  'GET  /_sandbox/templates',
  'POST /_sandbox/templates/{id}/decision {event, reason?}',
  'POST /_sandbox/templates/{id}/quality {score}',
  'POST /_sandbox/templates/{id}/category {category}',
];

export const inboundSchema = z.object({ from: z.string().regex(/^\+?\d{8,15}$/), text: z.string().min(1).max(4096), name: z.string().min(1).optional() });
export const statusSchema = z.object({
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.object({ code: z.number().int(), title: z.string(), details: z.string() }).optional(),
});
export const templateDecisionSchema = z.object({ event: z.enum(templateEvents), reason: z.enum(templateRejectionReasons).optional() });
export const templateQualitySchema = z.object({ score: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']) });
export const templateCategorySchema = z.object({ category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']) });

export type Reply = { status?: number; body: unknown } | { problem: string; status: number };

export function postInbound(sb: Sandbox, phoneId: string, input: z.infer<typeof inboundSchema>): Reply {
  const phone = sb.state.phoneNumbers[phoneId];
  if (!phone) return { problem: `unknown phone number ${phoneId}`, status: 404 };
  const message = receiveInbound(sb, phone, input);
  return { status: 201, body: { id: message.id, from: message.from, phone_number_id: phone.id, at: message.at } };
}

export function listMessages(sb: Sandbox): Reply {
  return { body: { sent: sb.state.messages, inbound: sb.state.inbound } };
}

export function postStatus(sb: Sandbox, id: string, input: z.infer<typeof statusSchema>): Reply {
  const message = sb.state.messages.find((m) => m.id === id);
  if (!message) return { problem: `unknown message ${id}`, status: 404 };
  if (message.status === 'failed') return { problem: 'the message already failed', status: 409 };
  const error =
    input.status === 'failed'
      ? (input.error ?? { code: 131026, title: 'Message Undeliverable', details: 'Message failed to send (set through the sandbox control API).' })
      : undefined;
  setMessageStatus(sb, message, input.status, error);
  return { body: message };
}

export function templateAction(sb: Sandbox, id: string, action: 'decision' | 'quality' | 'category', body: unknown): Reply {
  let problem: string | undefined;
  if (action === 'decision') {
    const input = templateDecisionSchema.parse(body);
    problem = decideTemplate(sb, id, input.event, input.reason);
  } else if (action === 'quality') {
    problem = setTemplateQuality(sb, id, templateQualitySchema.parse(body).score);
  } else {
    problem = setTemplateCategory(sb, id, templateCategorySchema.parse(body).category);
  }
  if (problem) return { problem, status: sb.state.templates[id] ? 409 : 404 };
  return { body: sb.state.templates[id] };
}
