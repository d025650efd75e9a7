import { startSync, type SyncType } from '@/lib/meta/coexistence';
import { hasCode } from '@/lib/meta/graph';
import { StepFailure, type StepHandler } from '@/lib/onboarding/steps/context';

// The two one-off smb_app_data syncs of a WhatsApp Business app number (reference §13): each once,
// within 24 h of onboarding. A repeat answers 2593107, which counts as done.

const syncWindowMs = 24 * 3600_000;

function syncStep(syncType: SyncType): StepHandler {
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

export const syncContactsStep = syncStep('smb_app_state_sync');
export const syncHistoryStep = syncStep('history');
