import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { businessTokens, onboardingEvents, onboardingSessions, type OperationRun } from '@/lib/db/schema';
import { isGraphError } from '@/lib/meta/graph';
import { decideOutcome } from '@/lib/onboarding/outcome';
import { syncContactsStep, syncHistoryStep } from '@/lib/onboarding/steps/coexistence-sync';
import {
  asPartnerType,
  loadStepContext,
  reauthorizationMessage,
  TokenUnusable,
  type OnboardingContext,
  type OnboardingPlan,
  type OnboardingStep,
} from '@/lib/onboarding/steps/context';
import { shareCreditLineStep } from '@/lib/onboarding/steps/credit-line';
import { readStatusStep, type StatusSnapshot } from '@/lib/onboarding/steps/read-status';
import { registerPhoneStep } from '@/lib/onboarding/steps/register-phone';
import { subscribeAppStep } from '@/lib/onboarding/steps/subscribe-app';
import { assignSystemUserStep } from '@/lib/onboarding/steps/system-user';
import { defineOperation, type Failure } from '@/lib/operations/types';

// Onboarding as an operation (docs/meta/onboarding-sequences.md): the steps a customer's signup needs, in the order Meta
// requires for the flow and partner type. The run shares its onboarding session's id; the session's
// status is what the customer sees, and these hooks keep it in step with the run.

/** Every onboarding step, in the order they are shown. Adding a step: its file, and one line here. */
export const onboardingSteps: readonly OnboardingStep[] = [
  subscribeAppStep,
  assignSystemUserStep,
  shareCreditLineStep,
  registerPhoneStep,
  syncContactsStep,
  syncHistoryStep,
  readStatusStep,
];

function planOf(run: Pick<OperationRun, 'input'>): OnboardingPlan {
  const input = run.input as Partial<OnboardingPlan>;
  return { flow: input.flow ?? 'default', partnerType: asPartnerType(input.partnerType ?? '') };
}

function failureOf(_step: OnboardingStep, error: unknown): Failure | undefined {
  if (error instanceof TokenUnusable) {
    return { code: '190', fbtraceId: null, staff: `Business token is ${error.status}`, customer: error.message, retry: false };
  }
  if (isGraphError(error) && error.kind === 'auth' && error.tokenKind === 'business') {
    const staff = `${error.hint} Meta said: ${error.message}`;
    return { code: error.auditCode, fbtraceId: error.fbtraceId ?? null, staff, customer: reauthorizationMessage, retry: false, reauthorize: true };
  }
  return undefined;
}

async function sessionEvent(tx: Tx, sessionId: string, type: string, data: Record<string, unknown>): Promise<void> {
  await tx.insert(onboardingEvents).values({ sessionId, type, data });
}

export const onboardingOperation = defineOperation<OnboardingPlan, OnboardingContext>({
  name: 'onboarding',
  subjectType: 'onboarding_session',
  title: 'Onboarding',
  steps: onboardingSteps,
  planOf,
  context: (run, step) => loadStepContext(run.id, step.step),
  failure: failureOf,
  async onRunning(tx, run) {
    await tx.update(onboardingSessions).set({ status: 'running', statusMessage: null, updatedAt: new Date() }).where(eq(onboardingSessions.id, run.id));
  },
  async onDone(tx, run, steps) {
    const [session] = await tx.select().from(onboardingSessions).where(eq(onboardingSessions.id, run.id));
    if (!session) return null;
    const status = steps.find((s) => s.name === readStatusStep.name);
    const outcome = decideOutcome({
      flow: session.flow,
      partnerType: asPartnerType(session.partnerType),
      snapshot: (status?.status === 'done' ? (status.result as StatusSnapshot | null) : null) ?? null,
    });
    await tx
      .update(onboardingSessions)
      .set({ status: outcome.status, statusMessage: outcome.message, completedAt: new Date(), updatedAt: new Date() })
      .where(eq(onboardingSessions.id, run.id));
    await sessionEvent(tx, run.id, outcome.status, { message: outcome.message });
    return outcome.message;
  },
  async onFailed(tx, run, step, failure) {
    if (failure.reauthorize) {
      const [session] = await tx.select({ tokenId: onboardingSessions.tokenId }).from(onboardingSessions).where(eq(onboardingSessions.id, run.id));
      if (session?.tokenId) {
        await tx
          .update(businessTokens)
          .set({ status: 'needs_reauth', updatedAt: new Date() })
          .where(and(eq(businessTokens.id, session.tokenId), eq(businessTokens.status, 'valid')));
      }
    }
    await tx
      .update(onboardingSessions)
      .set({ status: 'failed', statusMessage: failure.customer, updatedAt: new Date() })
      .where(eq(onboardingSessions.id, run.id));
    await sessionEvent(tx, run.id, 'failed', { step, code: failure.code, message: failure.customer });
  },
  async onCancelled(tx, run, reason) {
    await tx.update(onboardingSessions).set({ status: 'failed', statusMessage: reason, updatedAt: new Date() }).where(eq(onboardingSessions.id, run.id));
    await sessionEvent(tx, run.id, 'failed', { message: reason });
  },
});
