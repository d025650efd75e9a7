import { startSync, type SyncType } from '@/lib/meta/coexistence';
import { hasCode } from '@/lib/meta/graph';
import { isReadOnly, type OnboardingPlan, type OnboardingStep, type StepContext } from '@/lib/onboarding/steps/context';
import { StepFailure, type StepOutcome } from '@/lib/operations/types';

// The two one-off smb_app_data syncs of a WhatsApp Business app number (docs/meta/coexistence.md): each once,
// within 24 h of onboarding. A repeat answers 2593107, which counts as done.

const syncWindowMs = 24 * 3600_000;

function sync(syncType: SyncType): (ctx: StepContext) => Promise<StepOutcome> {
  return async (ctx) => {
    if (!ctx.phone) {
      throw new StepFailure('no_phone_number', 'No WhatsApp Business app number is on record for this onboarding; run Embedded Signup again.');
    }
    if (Date.now() - ctx.session.createdAt.getTime() > syncWindowMs) {
      throw new StepFailure(
        '2593108',
        'The 24-hour window for syncing your WhatsApp Business app data has passed. Disconnect and connect your account again to sync it.',
      );
    }
    try {
      const result = await startSync(ctx.phone.metaPhoneNumberId, syncType, ctx.token, ctx.audit);
      if (result.status === 'already_requested') {
        const requestId = typeof ctx.previous?.requestId === 'string' ? ctx.previous.requestId : null;
        return { status: 'done', result: { requestId, alreadyRequested: true } };
      }
      return { status: 'done', result: { requestId: result.requestId, alreadyRequested: false } };
    } catch (error) {
      // The business chose not to share its chat history: nothing to sync, nothing to fix.
      if (syncType === 'history' && hasCode(error, 2593109)) return { status: 'done', result: { requestId: null, declined: true } };
      if (hasCode(error, 2593108)) {
        throw new StepFailure(
          '2593108',
          'The 24-hour window for syncing your WhatsApp Business app data has passed. Disconnect and connect your account again to sync it.',
          error.fbtraceId,
        );
      }
      throw error;
    }
  };
}

const coexistence = (plan: OnboardingPlan) => !isReadOnly(plan) && plan.flow === 'coexistence';

export const syncContactsStep: OnboardingStep = {
  name: 'sync_contacts',
  label: { staff: 'Sync contacts from the WhatsApp Business app', customer: 'Bring over your WhatsApp Business app contacts' },
  needed: coexistence,
  after: ['subscribe_app'],
  run: sync('smb_app_state_sync'),
};

export const syncHistoryStep: OnboardingStep = {
  name: 'sync_history',
  label: { staff: 'Sync chat history from the WhatsApp Business app', customer: 'Bring over your WhatsApp Business app chat history' },
  needed: coexistence,
  after: ['subscribe_app'],
  run: sync('history'),
};
