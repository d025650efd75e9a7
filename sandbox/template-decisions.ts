import type { MessageTemplate, Sandbox, TemplateCategory, TemplateStatus } from './state';
import { emitChange } from './webhooks';

// Meta's decisions on message templates and the webhooks they fire
// (Meta: message_template_status_update, message_template_quality_update and
// template_category_update webhook references).

export const templateEvents = [
  'APPROVED',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'REINSTATED',
  'IN_APPEAL',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
  'UNARCHIVED',
  'FLAGGED',
] as const;
export type TemplateEvent = (typeof templateEvents)[number];

export const templateRejectionReasons = [
  'ABUSIVE_CONTENT',
  'INCORRECT_CATEGORY',
  'INVALID_FORMAT',
  'PROMOTIONAL',
  'SCAM',
  'TAG_CONTENT_MISMATCH',
  'NONE',
] as const;

function templateKeys(t: MessageTemplate) {
  // message_template_id is a number in these webhooks, unlike every other id.
  return { message_template_id: Number(t.id), message_template_name: t.name, message_template_language: t.language };
}

export function emitTemplateStatus(sb: Sandbox, t: MessageTemplate, event: TemplateEvent | 'DELETED' | 'PENDING_DELETION', reason: string): void {
  emitChange(sb, {
    field: 'message_template_status_update',
    entryId: t.wabaId,
    wabaId: t.wabaId,
    value: {
      event,
      ...templateKeys(t),
      reason: event === 'REJECTED' ? reason : 'NONE',
      message_template_category: t.category,
      ...(event === 'REJECTED' && reason === 'INVALID_FORMAT'
        ? {
            rejection_info: {
              reason: 'The template does not follow the formatting rules.',
              recommendation: 'Put descriptive text between parameters and check the placeholders.',
            },
          }
        : {}),
    },
  });
}

const statusAfter: Record<TemplateEvent, TemplateStatus | undefined> = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  REINSTATED: 'APPROVED',
  IN_APPEAL: 'IN_APPEAL',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  ARCHIVED: 'ARCHIVED',
  UNARCHIVED: 'APPROVED',
  FLAGGED: undefined,
};

/** Approves, rejects, pauses... a template; returns a problem text when the change makes no sense. */
export function decideTemplate(sb: Sandbox, id: string, event: TemplateEvent, reason = 'INVALID_FORMAT'): string | undefined {
  const t = sb.state.templates[id];
  if (!t) return `unknown template ${id}`;
  if ((event === 'APPROVED' || event === 'REJECTED') && t.status !== 'PENDING' && t.status !== 'IN_APPEAL') return `template is ${t.status}, not PENDING`;
  const next = statusAfter[event];
  if (next) t.status = next;
  t.rejectedReason = event === 'REJECTED' ? reason : 'NONE';
  if (event === 'APPROVED' && t.qualityScore === 'UNKNOWN') t.qualityScore = 'UNKNOWN';
  emitTemplateStatus(sb, t, event, reason);
  return undefined;
}

export function setTemplateQuality(sb: Sandbox, id: string, score: MessageTemplate['qualityScore']): string | undefined {
  const t = sb.state.templates[id];
  if (!t) return `unknown template ${id}`;
  const previous = t.qualityScore;
  t.qualityScore = score;
  emitChange(sb, {
    field: 'message_template_quality_update',
    entryId: t.wabaId,
    wabaId: t.wabaId,
    value: { previous_quality_score: previous, new_quality_score: score, ...templateKeys(t) },
  });
  return undefined;
}

export function setTemplateCategory(sb: Sandbox, id: string, category: TemplateCategory): string | undefined {
  const t = sb.state.templates[id];
  if (!t) return `unknown template ${id}`;
  if (t.category === category) return `template is already ${category}`;
  t.previousCategory = t.category;
  t.category = category;
  emitChange(sb, {
    field: 'template_category_update',
    entryId: t.wabaId,
    wabaId: t.wabaId,
    value: { ...templateKeys(t), previous_category: t.previousCategory, new_category: category },
  });
  return undefined;
}
