import { z } from 'zod';
import { parseValue } from '@/lib/webhooks/handlers/common';
import { templateIdentitySchema, upsertTemplate } from '@/lib/webhooks/handlers/templates';
import type { ChangeHandler } from '@/lib/webhooks/types';

// template_category_update: either a completed change (previous_category → new_category) or a
// notice of an impending one (correct_category, category_update_timestamp), which changes nothing yet.

const templateCategorySchema = templateIdentitySchema.extend({
  new_category: z.string().optional(),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
  category_update_timestamp: z.union([z.number(), z.string()]).optional(),
});

export const handleTemplateCategoryUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(templateCategorySchema, change);
  const impending = value.correct_category !== undefined || value.category_update_timestamp !== undefined;
  await upsertTemplate(tx, change, {
    templateId: value.message_template_id,
    name: value.message_template_name,
    language: value.message_template_language,
    category: impending ? undefined : value.new_category,
  });
  return 'processed';
};
