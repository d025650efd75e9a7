import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, wabas, type OperationRun, type Waba } from '@/lib/db/schema';
import type { AuditContext, GraphToken } from '@/lib/meta/graph';
import { tokenFor, type TokenChoice } from '@/lib/partner-wabas/tokens';
import { StepFailure, type StepDefinition, type StepRun } from '@/lib/operations/types';
import { partnerTypes, type PartnerType } from '@/lib/settings';

// What every Finish onboarding step gets: the WABA's row, the token the run was planned with, and
// the audit context that tags its Graph calls with the run and the step.

/** What a Finish onboarding run is planned from (stored as the run's input; never a token). */
export type FinishPlan = {
  /** The WABA, by Meta's id (also the run's subject; the runner hands steps the input only). */
  metaWabaId: string;
  partnerType: PartnerType;
  token: TokenChoice;
  /** Whether our app holds MESSAGING on the WABA's solution; null when the WABA is in none (or we do not know). */
  weHoldMessaging: boolean | null;
};

export type FinishContext = {
  plan: FinishPlan;
  waba: Waba;
  ownerBusinessId: string | null;
  token: GraphToken;
  audit: AuditContext;
};

export type FinishStep = StepDefinition<FinishPlan, FinishContext>;

export function finishPlanOf(run: Pick<OperationRun, 'input'>): FinishPlan {
  const input = run.input as Partial<FinishPlan>;
  const type = (partnerTypes as readonly string[]).includes(input.partnerType ?? '') ? (input.partnerType as PartnerType) : 'tech_provider';
  return { metaWabaId: input.metaWabaId ?? '', partnerType: type, token: input.token ?? { kind: 'system' }, weHoldMessaging: input.weHoldMessaging ?? null };
}

export async function loadFinishContext(run: OperationRun, step: StepRun): Promise<FinishContext> {
  const plan = finishPlanOf(run);
  const [row] = await db()
    .select({ waba: wabas, ownerBusinessId: businesses.metaBusinessId })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(eq(wabas.metaWabaId, plan.metaWabaId));
  if (!row) throw new StepFailure('no_waba', `No WhatsApp Business Account ${plan.metaWabaId} is on record.`);
  return {
    plan,
    waba: row.waba,
    ownerBusinessId: row.ownerBusinessId,
    token: await tokenFor(plan.token, plan.partnerType),
    audit: { runId: run.id, step: step.step },
  };
}
