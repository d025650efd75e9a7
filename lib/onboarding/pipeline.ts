import { eq } from 'drizzle-orm';
import { db, type Tx } from '@/lib/db/client';
import { businessTokens, onboardingSessions, operationRuns, type SignupFlow } from '@/lib/db/schema';
import { onboardingOperation, onboardingSteps } from '@/lib/onboarding/operation';
import { asPartnerType, type PartnerType } from '@/lib/onboarding/steps/context';
import { cancelRuns, rerunRunStep, resumeRun, startRun } from '@/lib/operations/control';
import { planRun } from '@/lib/operations/registry';
import { UserError } from '@/lib/user-error';

// The onboarding pipeline (docs/meta/onboarding-sequences.md) as callers know it: plan, start, resume, re-run, stop.
// The steps and their order are lib/onboarding/operation.ts; the runner is lib/operations/.

export type PlannedStep = { name: string; label: string; dependsOn: string[] };

/** The steps a flow and partner type need, each with the steps it waits for. */
export function planSteps(flow: SignupFlow, partnerType: PartnerType | string): PlannedStep[] {
  return planRun(onboardingOperation, { flow, partnerType: asPartnerType(partnerType) }).map((step) => ({ ...step, label: stepLabel(step.name) }));
}

/** A step's label for people; an unknown (older) step name is shown as is. */
export function stepLabel(name: string, audience: 'staff' | 'customer' = 'customer'): string {
  return onboardingSteps.find((step) => step.name === name)?.label[audience] ?? name;
}

/**
 * Plans the session's steps, stores them, sets the session `running` and starts the ready steps.
 * Call it after the completion's transaction has committed. Calling it again does nothing new.
 */
export async function startPipeline(sessionId: string): Promise<void> {
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session) throw new Error(`Onboarding session ${sessionId} not found`);
  if (!session.wabaId || !session.tokenId) throw new Error('The onboarding has no verified WABA and token yet; complete the signup first');
  await startRun(onboardingOperation, {
    id: sessionId,
    subjectId: sessionId,
    input: { flow: session.flow, partnerType: asPartnerType(session.partnerType) },
  });
}

async function requireUsableToken(tokenId: string | null): Promise<void> {
  if (!tokenId) throw new UserError('This onboarding has no business token; the customer must run Embedded Signup again.');
  const [token] = await db().select({ status: businessTokens.status }).from(businessTokens).where(eq(businessTokens.id, tokenId));
  if (token?.status !== 'valid') {
    throw new UserError("The customer's access token needs reauthorization: they must run Embedded Signup again before onboarding can continue.");
  }
}

async function sessionFor(sessionId: string) {
  const [row] = await db()
    .select({ session: onboardingSessions, runId: operationRuns.id })
    .from(onboardingSessions)
    .leftJoin(operationRuns, eq(operationRuns.id, onboardingSessions.id))
    .where(eq(onboardingSessions.id, sessionId));
  if (!row) throw new UserError(`Onboarding session ${sessionId} not found`);
  if (!row.runId) throw new UserError('This onboarding has no pipeline yet: the signup was not completed.');
  return row.session;
}

/** Staff: runs the failed and not yet run steps again and puts the session back to `running`. */
export async function resumeOnboarding(sessionId: string): Promise<void> {
  const session = await sessionFor(sessionId);
  if (session.status !== 'failed' && session.status !== 'running') {
    throw new UserError(`Only a failed or stuck onboarding can be resumed; this one is ${session.status}.`);
  }
  await requireUsableToken(session.tokenId);
  await resumeRun(onboardingOperation, sessionId);
}

/** Staff: runs one step again, even a finished one (each step checks Meta's state before acting). */
export async function rerunStep(sessionId: string, step: string): Promise<void> {
  if (!onboardingSteps.some((s) => s.name === step)) throw new UserError(`Unknown step "${step}"`);
  const session = await sessionFor(sessionId);
  await requireUsableToken(session.tokenId);
  await rerunRunStep(onboardingOperation, sessionId, step);
}

/** Stops these onboardings' runs inside `tx` (the customer removed us): each session fails with `reason`. */
export async function stopOnboardings(tx: Tx, sessionIds: string[], reason: string): Promise<string[]> {
  return cancelRuns(onboardingOperation, sessionIds, reason, tx);
}
