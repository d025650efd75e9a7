import { and, desc, eq, isNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { attentionItems, wabaRequests, type StaffUser } from '@/lib/db/schema';
import type { Auditor } from '@/lib/audit';
import { startRun } from '@/lib/operations/control';
import { runsAbout } from '@/lib/operations/progress';
import { finishOnboardingOperation } from '@/lib/partner-wabas/finish-operation';
import type { FinishPlan } from '@/lib/partner-wabas/finish-context';
import { requestState, expiresAt } from '@/lib/partner-wabas/requests';
import { planToken } from '@/lib/partner-wabas/tokens';
import { refreshSolution, storedSolution } from '@/lib/solutions/store';
import { partnerType } from '@/lib/settings';
import { UserError } from '@/lib/user-error';
import { findWaba } from '@/lib/wabas';

// Starting Finish onboarding for a WABA shared with us outside a signup, and what its page shows.

const utc = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/** The runs of Finish onboarding for a WABA (Meta's id), newest first. */
export function finishRuns(metaWabaId: string) {
  return runsAbout(finishOnboardingOperation.subjectType, metaWabaId);
}

/** The open finish_onboarding attention items of a WABA. */
export async function openFinishItems(metaWabaId: string) {
  return db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, metaWabaId), eq(attentionItems.kind, 'finish_onboarding'), isNull(attentionItems.resolvedAt)))
    .orderBy(desc(attentionItems.createdAt));
}

/** The WABA a request's Finish onboarding is for, or why it cannot be finished. */
export async function wabaOfRequest(requestId: string): Promise<string> {
  const [request] = await db().select().from(wabaRequests).where(eq(wabaRequests.id, requestId));
  if (!request) throw new UserError('This request does not exist.');
  switch (requestState(request)) {
    case 'expired':
      throw new UserError(
        `This request expired on ${utc.format(expiresAt(request))}: Meta cancelled the invitation after 90 days, so there is no account to finish. Send a new request in Meta Business Suite and record it here.`,
      );
    case 'cancelled':
      throw new UserError('This request was cancelled, so there is no account to finish.');
    case 'waiting':
      throw new UserError('The customer has not accepted this request yet: its account is created when they do.');
    case 'accepted':
      return request.metaWabaId!;
  }
}

/** Who holds MESSAGING decides who registers numbers: read the solution from Meta when we do not know yet. */
async function solutionDetails(solutionId: string) {
  const stored = await storedSolution(solutionId);
  if (stored?.weHoldMessaging !== null && stored !== undefined) return stored;
  return refreshSolution(solutionId, { step: 'choose_token' });
}

export async function startFinishOnboarding(
  metaWabaId: string,
  user: StaffUser,
  audit: Auditor,
): Promise<{ runId: string; plan: FinishPlan; explanation: string }> {
  const found = await findWaba(metaWabaId);
  if (!found) throw new UserError(`No WhatsApp Business Account ${metaWabaId} is on record.`);
  const { waba } = found;
  if (waba.status !== 'connected') throw new UserError(`This account is ${waba.status}: it is no longer shared with us, so there is nothing to finish.`);
  const runs = await finishRuns(waba.metaWabaId);
  if (runs.some((r) => r.status === 'running')) throw new UserError('Finish onboarding is already running for this account.');
  const type = await partnerType();
  const tokenPlan = await planToken(type, waba, { step: 'choose_token' });
  if ('refused' in tokenPlan) throw new UserError(tokenPlan.refused);
  const solution = waba.solutionId ? await solutionDetails(waba.solutionId) : undefined;
  const plan: FinishPlan = { metaWabaId: waba.metaWabaId, partnerType: type, token: tokenPlan.choice, weHoldMessaging: solution?.weHoldMessaging ?? null };
  const { runId } = await startRun(finishOnboardingOperation, { subjectId: waba.metaWabaId, input: plan, createdBy: user.id });
  await audit.record(db(), {
    target: waba.metaWabaId,
    details: { runId, token: tokenPlan.choice.kind, source: 'source' in tokenPlan.choice ? tokenPlan.choice.source : 'system' },
  });
  return { runId, plan, explanation: tokenPlan.explanation };
}
