import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas, type OperationRun, type Waba } from '@/lib/db/schema';
import { type AuditContext, type GraphToken, isGraphError } from '@/lib/meta/graph';
import { NoAccess, tokenForWaba } from '@/lib/numbers/access';
import { type Failure, StepFailure, type StepDefinition, type StepRun } from '@/lib/operations/types';

// What the account console's operations (refresh, offboard) run on: the WABA row, the token its
// calls use, and the plan staff started them with.

export type AccountPlan = {
  /** Meta's WABA id. */
  wabaId: string;
  startedBy?: string | null;
  /** Offboarding: also deregister the account's numbers. */
  deregisterNumbers?: boolean;
};

export type AccountContext = { plan: AccountPlan; waba: Waba; token: GraphToken | null; audit: AuditContext };

export type AccountStep = StepDefinition<AccountPlan, AccountContext>;

export function accountPlanOf(run: Pick<OperationRun, 'input'>): AccountPlan {
  return run.input as AccountPlan;
}

export async function loadAccountContext(run: Pick<OperationRun, 'id' | 'input'>, step: StepRun): Promise<AccountContext> {
  const plan = accountPlanOf(run);
  const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, plan.wabaId));
  if (!waba) throw new StepFailure('no_waba', `We have no record of the WhatsApp Business Account ${plan.wabaId}.`);
  let token: GraphToken | null = null;
  try {
    token = await tokenForWaba(waba.id);
  } catch (error) {
    if (!(error instanceof NoAccess)) throw error;
  }
  return { plan, waba, token, audit: { runId: run.id, step: step.step } };
}

/** The token a step needs to call Meta about the WABA; its absence is said in words. */
export function requireToken(ctx: AccountContext): GraphToken {
  if (!ctx.token) throw new StepFailure('no_access', new NoAccess().message);
  return ctx.token;
}

/** Meta refusing the customer's token says who acts: the customer reconnects. */
export function accountFailure(_step: AccountStep, error: unknown): Failure | undefined {
  if (isGraphError(error) && error.kind === 'auth') {
    const staff = `${error.hint} Meta said: ${error.message}`;
    return {
      code: error.auditCode,
      fbtraceId: error.fbtraceId ?? null,
      staff,
      customer: error.hint,
      retry: false,
      reauthorize: error.tokenKind === 'business',
    };
  }
  return undefined;
}
