import { handleAccountAlerts } from '@/lib/webhooks/handlers/account-alerts';
import { handleAccountReviewUpdate } from '@/lib/webhooks/handlers/account-review-update';
import { handleAccountUpdate } from '@/lib/webhooks/handlers/account-update';
import { handleAutomaticEvents } from '@/lib/webhooks/handlers/automatic-events';
import { handleBusinessCapabilityUpdate } from '@/lib/webhooks/handlers/business-capability-update';
import { handleHistory } from '@/lib/webhooks/handlers/history';
import { handleMessageTemplateComponentsUpdate } from '@/lib/webhooks/handlers/message-template-components-update';
import { handleMessageTemplateQualityUpdate } from '@/lib/webhooks/handlers/message-template-quality-update';
import { handleMessageTemplateStatusUpdate } from '@/lib/webhooks/handlers/message-template-status-update';
import { handleMessageBatch, handleMessages } from '@/lib/webhooks/handlers/messages';
import { handlePartnerSolutions } from '@/lib/webhooks/handlers/partner-solutions';
import { handlePaymentConfigurationUpdate } from '@/lib/webhooks/handlers/payment-configuration-update';
import { handlePhoneNumberNameUpdate } from '@/lib/webhooks/handlers/phone-number-name-update';
import { handlePhoneNumberQualityUpdate } from '@/lib/webhooks/handlers/phone-number-quality-update';
import { handleSecurity } from '@/lib/webhooks/handlers/security';
import { handleSmbAppStateSync } from '@/lib/webhooks/handlers/smb-app-state-sync';
import { handleSmbMessageEchoes } from '@/lib/webhooks/handlers/smb-message-echoes';
import { handleTemplateCategoryUpdate } from '@/lib/webhooks/handlers/template-category-update';
import { handleUserPreferences } from '@/lib/webhooks/handlers/user-preferences';
import type { BatchHandler, ChangeHandler } from '@/lib/webhooks/types';

// One handler per webhook field (docs/meta/webhooks.md, docs/meta/coexistence.md); a field without one is stored as `unhandled`.
const handlers: Record<string, ChangeHandler> = {
  account_alerts: handleAccountAlerts,
  account_review_update: handleAccountReviewUpdate,
  account_update: handleAccountUpdate,
  automatic_events: handleAutomaticEvents,
  business_capability_update: handleBusinessCapabilityUpdate,
  history: handleHistory,
  message_template_components_update: handleMessageTemplateComponentsUpdate,
  message_template_quality_update: handleMessageTemplateQualityUpdate,
  message_template_status_update: handleMessageTemplateStatusUpdate,
  messages: handleMessages,
  partner_solutions: handlePartnerSolutions,
  payment_configuration_update: handlePaymentConfigurationUpdate,
  phone_number_name_update: handlePhoneNumberNameUpdate,
  phone_number_quality_update: handlePhoneNumberQualityUpdate,
  security: handleSecurity,
  smb_app_state_sync: handleSmbAppStateSync,
  smb_message_echoes: handleSmbMessageEchoes,
  template_category_update: handleTemplateCategoryUpdate,
  user_preferences: handleUserPreferences,
};

/** The fields of the WABA object (docs/meta/webhooks.md#field-list) this receiver applies, for filters and forwards. */
export const handledFields: readonly string[] = Object.keys(handlers);

export function handlerFor(field: string): ChangeHandler | undefined {
  return handlers[field];
}

// Fields whose changes arrive by the thousand and can be applied set-wise.
const batchHandlers: Record<string, BatchHandler> = { messages: handleMessageBatch };

export function batchHandlerFor(field: string): BatchHandler | undefined {
  return batchHandlers[field];
}
