import { and, eq, isNull } from 'drizzle-orm';
import { attentionItems } from '@/lib/db/schema';
import { isGraphError } from '@/lib/meta/graph';
import { defineOperation } from '@/lib/operations/types';
import { finishPlanOf, loadFinishContext, type FinishContext, type FinishPlan, type FinishStep } from '@/lib/partner-wabas/finish-context';
import { finishCreditLineStep } from '@/lib/partner-wabas/steps/credit-line';
import { finishReadStatusStep, type FinishSnapshot } from '@/lib/partner-wabas/steps/read-status';
import { registerNumbersStep } from '@/lib/partner-wabas/steps/register-numbers';
import { finishSubscribeStep } from '@/lib/partner-wabas/steps/subscribe';
import { finishSystemUserStep } from '@/lib/partner-wabas/steps/system-user';

// Finish onboarding of a WABA shared with us outside an Onramp signup: a partner-initiated WABA the
// customer accepted in Business Suite, or one that came through a solution our partner hosted
// (Meta: Partner-initiated WABA creation; docs/meta/onboarding-sequences.md). Subject: the WABA, by
// Meta's id.

export const finishSteps: readonly FinishStep[] = [finishSystemUserStep, finishSubscribeStep, finishCreditLineStep, registerNumbersStep, finishReadStatusStep];

/** Where staff add a number to a WABA (the add-number flow on the account page). */
export function addNumberPath(metaWabaId: string): string {
  return `/wabas/${metaWabaId}/numbers/new`;
}

export const finishOnboardingOperation = defineOperation<FinishPlan, FinishContext>({
  name: 'finish_onboarding',
  subjectType: 'waba',
  title: 'Finish onboarding',
  steps: finishSteps,
  planOf: finishPlanOf,
  context: loadFinishContext,
  failure(_step, error) {
    if (isGraphError(error) && error.kind === 'auth' && error.tokenKind === 'business') {
      const staff = `${error.hint} Meta said: ${error.message}`;
      return { code: error.auditCode, fbtraceId: error.fbtraceId ?? null, staff, customer: staff, retry: false, reauthorize: true };
    }
    return undefined;
  },
  async onDone(tx, run, steps) {
    const status = steps.find((s) => s.name === finishReadStatusStep.name);
    const snapshot = (status?.result ?? null) as FinishSnapshot | null;
    const phones = snapshot?.phones.length ?? 0;
    if (phones === 0) return 'Finished, but this WhatsApp Business Account has no phone number yet: add a number.';
    await tx
      .update(attentionItems)
      .set({ resolvedAt: new Date() })
      .where(and(eq(attentionItems.wabaId, run.subjectId), eq(attentionItems.kind, 'finish_onboarding'), isNull(attentionItems.resolvedAt)));
    const registered = snapshot!.phones.filter((p) => p.status === 'CONNECTED').length;
    return `Finished: ${registered} of ${phones} number${phones === 1 ? '' : 's'} connected to Cloud API; the account can send messages: ${snapshot!.canSendMessage ?? 'unknown'}.`;
  },
});
