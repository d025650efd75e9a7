import { z } from 'zod';
import { parseValue } from '@/lib/webhooks/handlers/common';
import { templateIdentitySchema, upsertTemplate } from '@/lib/webhooks/handlers/templates';
import type { ChangeHandler } from '@/lib/webhooks/types';

// message_template_quality_update: GREEN / YELLOW / RED / UNKNOWN.

const templateQualitySchema = templateIdentitySchema.extend({
  new_quality_score: z.string().min(1),
  previous_quality_score: z.string().optional(),
});

export const handleMessageTemplateQualityUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(templateQualitySchema, change);
  await upsertTemplate(tx, change, {
    templateId: value.message_template_id,
    name: value.message_template_name,
    language: value.message_template_language,
    qualityScore: value.new_quality_score,
  });
  return 'processed';
};
