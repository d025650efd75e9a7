import { and, eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { operationSteps, phoneNumbers, wabas, type OperationRun, type PhoneNumber, type Waba } from '@/lib/db/schema';
import { type AuditContext, type GraphToken, isGraphError } from '@/lib/meta/graph';
import { NoAccess, tokenForWaba } from '@/lib/numbers/access';
import { type Failure, StepFailure, type StepDefinition, type StepRun } from '@/lib/operations/types';

// What the phone-number operations run on: the WABA and number rows, the token, and the plan they
// were started with. Steps only read `waba`, `phone`, `token`, `audit` and `plan`, so another
// operation (finishing an onboarding) can run them with its own context of the same shape.

/** The run's input: Meta's ids and what staff chose. Never a code or a PIN. */
export type NumberPlan = {
  /** Meta's WABA id. */
  wabaId: string;
  /** Meta's phone number id; absent while the run still has to create the number. */
  phoneNumberId?: string;
  cc?: string;
  phoneNumber?: string;
  verifiedName?: string;
  codeMethod?: 'SMS' | 'VOICE';
  language?: string;
  /** ISO 3166-1 alpha-2 country for Cloud API local storage, asked for at registration. */
  dataLocalizationRegion?: string;
  /** Register even when Meta reports the number registered already (re-register). */
  reregister?: boolean;
  /** The staff member who started it (carried to a run this one continues into). */
  startedBy?: string | null;
};

export type NumberContext = {
  plan: NumberPlan;
  waba: Waba;
  /** Our row of the number, once it exists at Meta. */
  phone: PhoneNumber | null;
  token: GraphToken;
  audit: AuditContext;
};

export type NumberStepContext = NumberContext & StepRun;

export type NumberStep = StepDefinition<NumberPlan, NumberContext>;

export function planOf(run: Pick<OperationRun, 'input'>): NumberPlan {
  return run.input as NumberPlan;
}

/** The number the run is about: the plan's, or the one its create step made. */
async function phoneOf(runId: string, plan: NumberPlan): Promise<PhoneNumber | null> {
  let metaId = plan.phoneNumberId;
  if (!metaId) {
    const [created] = await db()
      .select({ result: operationSteps.result })
      .from(operationSteps)
      .where(and(eq(operationSteps.runId, runId), eq(operationSteps.name, 'create_number'), eq(operationSteps.status, 'done')));
    metaId = (created?.result as { phoneNumberId?: string } | null)?.phoneNumberId;
  }
  if (!metaId) return null;
  const [row] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, metaId));
  return row ?? null;
}

export async function loadNumberContext(run: Pick<OperationRun, 'id' | 'input'>, step: StepRun): Promise<NumberContext> {
  const plan = planOf(run);
  const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, plan.wabaId));
  if (!waba) throw new StepFailure('no_waba', `We have no record of the WhatsApp Business Account ${plan.wabaId}.`);
  const phone = await phoneOf(run.id, plan);
  if (plan.phoneNumberId && !phone) throw new StepFailure('no_phone', `We have no record of the phone number ${plan.phoneNumberId}.`);
  if (phone && phone.wabaId !== waba.id) throw new StepFailure('wrong_waba', 'This phone number belongs to another WhatsApp Business Account.');
  let token: GraphToken;
  try {
    token = await tokenForWaba(waba.id);
  } catch (error) {
    if (error instanceof NoAccess) throw new StepFailure('no_access', error.message);
    throw error;
  }
  return { plan, waba, phone, token, audit: { runId: run.id, step: step.step } };
}

/** The number a step needs; the create step runs first, so its absence is our own failure. */
export function requirePhone(ctx: NumberContext): PhoneNumber {
  if (!ctx.phone) throw new StepFailure('no_phone', 'The phone number was not created yet.');
  return ctx.phone;
}

/** Meta refusing the token (190, 0) says who acts: the customer reconnects. */
export function numberFailure(_step: NumberStep, error: unknown): Failure | undefined {
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
