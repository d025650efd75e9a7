import { parseValue } from '@/lib/webhooks/handlers/common';
import { templateIdentitySchema, upsertTemplate } from '@/lib/webhooks/handlers/templates';
import type { ChangeHandler } from '@/lib/webhooks/types';

// message_template_components_update: we keep no template bodies, only that the template exists.

export const handleMessageTemplateComponentsUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(templateIdentitySchema, change);
  await upsertTemplate(tx, change, {
    templateId: value.message_template_id,
    name: value.message_template_name,
    language: value.message_template_language,
  });
  return 'processed';
};
