import type { Tx } from '@/lib/db/client';
import type { OperationRun, OperationStep } from '@/lib/db/schema';
import type { AuditContext } from '@/lib/meta/graph';

// The shapes of the operations runner (README "Operations"): a step is one object; an operation is
// a named plan of steps over a subject. Names, labels and plans are all derived from these objects.

export type StepLabel = {
  /** What staff read on an operation's page. */
  staff: string;
  /** What a business customer reads on their status page (onboarding). */
  customer: string;
};

export type StepOutcome = { status: 'done' | 'skipped'; result: Record<string, unknown> };

/** What the runner gives every attempt, whatever the operation. */
export type StepRun = {
  runId: string;
  /** The step row's name: the step's name, or `name:key` for one of several instances (bulk). */
  step: string;
  /** The instance key of a keyed step (`refresh:<waba>` → the WABA id), else null. */
  key: string | null;
  attempt: number;
  /** This step's stored result from an earlier attempt or run (a retry or a re-run), if any. */
  previous: Record<string, unknown> | null;
  /** Tags each Graph call with the run and the step (graph_calls.run_id / step). */
  audit: AuditContext;
};

export type StepDefinition<Plan, Context> = {
  name: string;
  label: StepLabel;
  /** Whether a run planned from `plan` needs this step; omitted means always. */
  needed?: (plan: Plan) => boolean;
  /** Steps that must be done or skipped first (ones the run does not include are ignored); `all`: every other step. */
  after?: readonly string[] | 'all';
  run(context: Context & StepRun): Promise<StepOutcome>;
};

/** How a failed attempt is recorded and whether it is tried again. */
export type Failure = {
  code: string;
  fbtraceId: string | null;
  /** For staff: what happened, with Meta's words. */
  staff: string;
  /** For the customer or the person who started the run: what it means and who acts next. */
  customer: string;
  retry: boolean;
  /** Meta's rate limit: back off longer than for an outage. */
  rateLimited?: boolean;
  /** Meta refused the customer's business token: it needs a new signup. */
  reauthorize?: boolean;
};

export type OperationDefinition<Plan, Context> = {
  name: string;
  subjectType: 'onboarding_session' | 'waba' | 'phone_number' | 'business' | 'bulk';
  /** Staff words for the operation, e.g. "Add a phone number". */
  title: string;
  steps: readonly StepDefinition<Plan, Context>[];
  /** The plan a run was started with, read back from its stored input. */
  planOf(run: OperationRun): Plan;
  /**
   * At most this many steps of one run at Meta at once (bulk runs over many accounts); omitted means
   * no limit. With a limit, a rate-limit answer holds the run: nothing new starts until that step's
   * retry has gone through.
   */
  concurrency?: number;
  /** Keyed step instances (bulk operations): the keys each step runs for; omitted means one instance. */
  keysOf?(plan: Plan, step: StepDefinition<Plan, Context>): readonly string[] | null;
  /** What every step of a run gets, loaded before each attempt. */
  context(run: OperationRun, step: StepRun): Promise<Context>;
  /** Turns an error of this operation's steps into a failure; undefined falls back to the runner's rules. */
  failure?(step: StepDefinition<Plan, Context>, error: unknown): Failure | undefined;
  /** Refuses a resume or a re-run that cannot succeed (e.g. a token Meta no longer accepts); throw a UserError. */
  canContinue?(run: OperationRun): Promise<void>;
  /** In the transaction that starts a run, or puts it back to running (resume, re-run). */
  onRunning?(tx: Tx, run: OperationRun, reason: 'start' | 'resume' | 'rerun'): Promise<void>;
  /** In the transaction that ends the run once every step is done or skipped; returns its message. */
  onDone?(tx: Tx, run: OperationRun, steps: OperationStep[]): Promise<string | null>;
  /** In the transaction that fails the run. */
  onFailed?(tx: Tx, run: OperationRun, step: string, failure: Failure): Promise<void>;
  /** In the transaction that cancels the run. */
  onCancelled?(tx: Tx, run: OperationRun, reason: string): Promise<void>;
};

/** An operation with its types erased, as the registry and the runner hold it. */
export type Operation = OperationDefinition<unknown, unknown>;

export function defineOperation<P, C>(definition: OperationDefinition<P, C>): Operation {
  return definition as unknown as Operation;
}

export function defineStep<P, C>(definition: StepDefinition<P, C>): StepDefinition<P, C> {
  return definition;
}

/**
 * A failure the step itself diagnosed, with the sentence people read. It never retries; `code` is
 * what goes into operation_steps.last_error_code.
 */
export class StepFailure extends Error {
  readonly code: string;
  readonly fbtraceId: string | undefined;
  constructor(code: string, message: string, fbtraceId?: string) {
    super(message);
    this.name = 'StepFailure';
    this.code = code;
    this.fbtraceId = fbtraceId;
  }
}
