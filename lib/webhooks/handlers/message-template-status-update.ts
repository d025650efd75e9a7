import { z } from 'zod';
import { parseValue } from '@/lib/webhooks/handlers/common';
import { templateIdentitySchema, upsertTemplate } from '@/lib/webhooks/handlers/templates';
import type { ChangeHandler } from '@/lib/webhooks/types';

// message_template_status_update (docs/meta/webhooks.md#message-template-status-update).

const templateStatusSchema = templateIdentitySchema.extend({
  event: z.string().min(1),
  reason: z.string().nullish(),
  message_template_category: z.string().optional(),
});

export const handleMessageTemplateStatusUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(templateStatusSchema, change);
  await upsertTemplate(tx, change, {
    templateId: value.message_template_id,
    name: value.message_template_name,
    language: value.message_template_language,
    status: value.event,
    category: value.message_template_category,
    reason: value.reason && value.reason !== 'NONE' ? value.reason : null,
  });
  return 'processed';
};
