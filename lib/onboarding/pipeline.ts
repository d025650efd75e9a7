import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { database, db, rawQuery, rootCause } from '@/lib/db/client';
import {
  businessTokens,
  onboardingEvents,
  onboardingSessions,
  onboardingSteps,
  type OnboardingStep,
  type SignupFlow,
} from '@/lib/db/schema';
import { env } from '@/lib/env';
import { defineJob, enqueue } from '@/lib/jobs';
import { log } from '@/lib/log';
import { UserError } from '@/lib/user-error';
import { isGraphError } from '@/lib/meta/graph';
import { decideOutcome, finalStatuses, isReadOnly, type FinalStatus } from '@/lib/onboarding/outcome';
import { syncContactsStep, syncHistoryStep } from '@/lib/onboarding/steps/coexistence-sync';
import {
  asPartnerType,
  loadStepContext,
  StepFailure,
  stepNames,
  TokenUnusable,
  reauthorizationMessage,
  type PartnerType,
  type StepHandler,
  type StepName,
} from '@/lib/onboarding/steps/context';
import { shareCreditLineStep } from '@/lib/onboarding/steps/credit-line';
import { readStatusStep, type StatusSnapshot } from '@/lib/onboarding/steps/read-status';
import { registerPhoneStep } from '@/lib/onboarding/steps/register-phone';
import { subscribeAppStep } from '@/lib/onboarding/steps/subscribe-app';
import { assignSystemUserStep } from '@/lib/onboarding/steps/system-user';

// The durable onboarding pipeline (reference §14). onboarding_steps is the source of truth: a
// step runs only after a conditional UPDATE claims it (pending/retrying → running), so however
// many processes, timers, jobs or sweeps try, each attempt runs once. A finished step starts its
// successors directly in the same process (no queue hop); pg-boss carries work between processes
// (a web process that does not run workers) and a sweep every minute picks up what a dead
// process left: running steps whose lease lapsed, retries whose timer died, ready steps never
// started. Every step checks Meta's state before acting, so re-running one never acts twice.

export { stepNames, type StepName } from '@/lib/onboarding/steps/context';

const labels: Record<StepName, string> = {
  subscribe_app: 'Subscribe to the account’s webhooks',
  assign_system_user: 'Add our system user to the account',
  share_credit_line: 'Share our credit line',
  register_phone: 'Register the phone number',
  sync_contacts: 'Sync contacts from the WhatsApp Business app',
  sync_history: 'Sync chat history from the WhatsApp Business app',
  read_status: 'Check the account and number status',
};

/** A step's label for people; an unknown (older) step name is shown as is. */
export function stepLabel(name: string): string {
  return (labels as Record<string, string>)[name] ?? name;
}

export type PlannedStep = { name: StepName; label: string; dependsOn: StepName[] };

/** The steps a flow and partner type need, each with the steps it waits for. */
export function planSteps(flow: SignupFlow, partnerType: PartnerType | string): PlannedStep[] {
  const type = asPartnerType(partnerType);
  const plan: { name: StepName; dependsOn: StepName[] }[] = [];
  // Every grant gets the WABA's webhooks only once subscribed, read-only ones too (Meta: Measurement Partners).
  plan.push({ name: 'subscribe_app', dependsOn: [] });
  // Read-only grants (Measurement Partners): nothing else, nothing that writes.
  if (!isReadOnly(flow, type)) {
    if (type === 'solution_partner') {
      plan.push({ name: 'assign_system_user', dependsOn: [] });
      // Meta requires our system user on the WABA before the credit line is shared (reference §6.2).
      plan.push({ name: 'share_credit_line', dependsOn: ['assign_system_user'] });
    }
    // The number goes live only once its webhooks reach us.
    if (flow === 'default' || flow === 'mps') plan.push({ name: 'register_phone', dependsOn: ['subscribe_app'] });
    if (flow === 'coexistence') {
      plan.push({ name: 'sync_contacts', dependsOn: ['subscribe_app'] });
      plan.push({ name: 'sync_history', dependsOn: ['subscribe_app'] });
    }
  }
  plan.push({ name: 'read_status', dependsOn: plan.map((s) => s.name) });
  return plan.map((s) => ({ ...s, label: labels[s.name] }));
}

const handlers: Record<StepName, StepHandler> = {
  subscribe_app: subscribeAppStep,
  assign_system_user: assignSystemUserStep,
  share_credit_line: shareCreditLineStep,
  register_phone: registerPhoneStep,
  sync_contacts: syncContactsStep,
  sync_history: syncHistoryStep,
  read_status: readStatusStep,
};

// --- Settings ---------------------------------------------------------------------------------

export type PipelineSettings = {
  /** First retry delay; doubles per attempt up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts per step (the first one included) before a transient error fails it. */
  maxAttempts: number;
  /** A running step whose row was not touched for this long belongs to a dead process. */
  leaseMs: number;
  /** How often a long-running step renews its lease. */
  renewMs: number;
  /** Run steps in this process when the API is called (the process runs job workers). */
  runInProcess: boolean;
};

let overrides: Partial<PipelineSettings> = {};

export function pipelineSettings(): PipelineSettings {
  return {
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    maxAttempts: 8,
    leaseMs: 30_000,
    renewMs: 10_000,
    runInProcess: env.JOBS_IN_PROCESS,
    ...overrides,
  };
}

/** Replaces some settings (tests and benchmark scripts); returns a function that restores the previous ones. */
export function overridePipelineSettings(partial: Partial<PipelineSettings>): () => void {
  const previous = overrides;
  overrides = { ...overrides, ...partial };
  return () => {
    overrides = previous;
  };
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function retryDelay(attempt: number, settings: PipelineSettings = pipelineSettings()): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function retryCeiling(attempt: number, settings: PipelineSettings): number {
  return Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

// --- In-process work --------------------------------------------------------------------------

const inflight = new Set<Promise<void>>();
const timers = new Set<NodeJS.Timeout>();
let accepting = true;

function launch(work: () => Promise<void>): void {
  if (!accepting) return;
  const running: Promise<void> = work()
    .catch((error: unknown) => log.error({ err: rootCause(error) }, 'onboarding pipeline work failed'))
    .finally(() => inflight.delete(running));
  inflight.add(running);
}

function later(ms: number, work: () => Promise<void>): void {
  if (!accepting) return;
  const timer = setTimeout(() => {
    timers.delete(timer);
    launch(work);
  }, ms);
  timers.add(timer);
}

/** Resolves once no step runs in this process (timers waiting for a retry are not counted). */
export async function pipelineIdle(): Promise<void> {
  while (inflight.size > 0) await Promise.allSettled([...inflight]);
}

/**
 * Stops starting work in this process (shutdown, or a test that plays a restart): pending retry
 * timers are dropped, steps already running finish. Their successors are left to the sweep.
 */
export async function stopPipelineWork(): Promise<void> {
  accepting = false;
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  await pipelineIdle();
}

export function startPipelineWork(): void {
  accepting = true;
}

// --- Settled sessions, for whoever waits in this process (status streams, benchmarks) -------------

type SettledListener = (sessionId: string, status: FinalStatus | 'failed') => void;
const settledListeners = new Set<SettledListener>();

/** Called when a session this process was running ends; returns the function that unsubscribes. */
export function onSessionSettled(listener: SettledListener): () => void {
  settledListeners.add(listener);
  return () => settledListeners.delete(listener);
}

function announce(sessionId: string, status: FinalStatus | 'failed'): void {
  for (const listener of settledListeners) listener(sessionId, status);
}

// --- Records ----------------------------------------------------------------------------------

type EventData = { step?: StepName; attempt?: number; code?: string | null; fbtraceId?: string | null; [key: string]: unknown };

async function recordEvent(sessionId: string, type: string, data: EventData): Promise<void> {
  await db().insert(onboardingEvents).values({ sessionId, type, data });
}

async function loadSteps(sessionId: string): Promise<OnboardingStep[]> {
  return db().select().from(onboardingSteps).where(eq(onboardingSteps.sessionId, sessionId));
}

function dependenciesOf(flow: SignupFlow, partnerType: string, rows: OnboardingStep[]): Map<string, StepName[]> {
  const present = new Set(rows.map((r) => r.name));
  return new Map(planSteps(flow, partnerType).map((s) => [s.name, s.dependsOn.filter((d) => present.has(d))]));
}

const settled = new Set(['done', 'skipped']);

function isReady(row: OnboardingStep, rows: OnboardingStep[], deps: Map<string, StepName[]>): boolean {
  const byName = new Map(rows.map((r) => [r.name, r]));
  return (deps.get(row.name) ?? []).every((d) => settled.has(byName.get(d)?.status ?? 'done'));
}

// --- Running a step -----------------------------------------------------------------------------

type Failure = { code: string; fbtraceId: string | null; staff: string; customer: string; retry: boolean; reauth: boolean };

function describeFailure(step: StepName, error: unknown): Failure {
  const label = labels[step];
  if (error instanceof TokenUnusable) {
    return { code: '190', fbtraceId: null, staff: `Business token is ${error.status}`, customer: error.message, retry: false, reauth: false };
  }
  if (error instanceof StepFailure) {
    return { code: error.code, fbtraceId: error.fbtraceId ?? null, staff: error.message, customer: error.message, retry: false, reauth: false };
  }
  if (isGraphError(error)) {
    const staff = `${error.hint} Meta said: ${error.message}`;
    if (error.kind === 'auth' && error.tokenKind === 'business') {
      return { code: error.auditCode, fbtraceId: error.fbtraceId ?? null, staff, customer: reauthorizationMessage, retry: false, reauth: true };
    }
    if (error.kind === 'transient') {
      return {
        code: error.auditCode,
        fbtraceId: error.fbtraceId ?? null,
        staff,
        customer: `Meta was unavailable for too long while we tried to ${label.toLowerCase()}. Our team can resume your onboarding.`,
        retry: true,
        reauth: false,
      };
    }
    return { code: error.auditCode, fbtraceId: error.fbtraceId ?? null, staff, customer: `${label} failed: ${error.hint}`, retry: false, reauth: false };
  }
  // Our own failures (database, configuration, bugs): retried like a transient error, then reported.
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    fbtraceId: null,
    staff: rootCause(error) || message,
    customer: `Something went wrong on our side while we tried to ${label.toLowerCase()}. Our team can resume your onboarding.`,
    retry: true,
    reauth: false,
  };
}

/**
 * Claims and runs one step. `reclaim` also takes over a running step whose lease lapsed (its
 * process died). Returns without doing anything when the step is not claimable.
 */
export async function runStep(
  sessionId: string,
  step: StepName,
  options: { reclaim?: boolean; dependsOn?: readonly StepName[] } = {},
): Promise<void> {
  const settings = pipelineSettings();
  let dependsOn = options.dependsOn;
  if (!dependsOn) {
    const [session] = await db()
      .select({ flow: onboardingSessions.flow, partnerType: onboardingSessions.partnerType })
      .from(onboardingSessions)
      .where(eq(onboardingSessions.id, sessionId));
    if (!session) return;
    dependsOn = planSteps(session.flow, session.partnerType).find((s) => s.name === step)?.dependsOn ?? [];
  }
  const now = new Date();
  // One statement claims the step (only if the session runs and every dependency settled) and
  // records the start; whoever else tries at the same moment gets no row.
  const [claimed] = await rawQuery<{ attempts: number; result: Record<string, unknown> | null }>(
    `with claimed as (
       update onboarding_steps s
          set status = 'running', attempts = s.attempts + 1, started_at = $6::timestamptz, finished_at = null, updated_at = $6::timestamptz
        where s.session_id = $1 and s.name = $2
          and (s.status in ('pending', 'retrying') or ($3::boolean and s.status = 'running' and s.updated_at < $4::timestamptz))
          and exists (select 1 from onboarding_sessions o where o.id = $1 and o.status = 'running')
          and not exists (
            select 1 from onboarding_steps d
             where d.session_id = $1 and d.name in (select jsonb_array_elements_text($5::jsonb)) and d.status not in ('done', 'skipped'))
        returning s.attempts, s.result),
     started as (
       insert into onboarding_events (session_id, type, data, created_at)
       select $1, 'step.started', jsonb_build_object('step', $2::text, 'attempt', attempts), $6::timestamptz from claimed)
     select attempts, result from claimed`,
    [
      sessionId,
      step,
      options.reclaim === true,
      new Date(now.getTime() - settings.leaseMs).toISOString(),
      JSON.stringify(dependsOn),
      now.toISOString(),
    ],
  );
  if (!claimed) return;
  const attempt = Number(claimed.attempts);
  const mine = and(
    eq(onboardingSteps.sessionId, sessionId),
    eq(onboardingSteps.name, step),
    eq(onboardingSteps.status, 'running'),
    eq(onboardingSteps.attempts, attempt),
  );

  // A slow step (Graph timeouts) keeps its lease, so no sweep takes it over while it is alive.
  const renew = setInterval(() => {
    db()
      .update(onboardingSteps)
      .set({ updatedAt: new Date() })
      .where(mine)
      .catch((error: unknown) => log.warn({ err: rootCause(error), sessionId, step }, 'could not renew step lease'));
  }, settings.renewMs);

  try {
    const previous = claimed.result ?? null;
    const context = await loadStepContext(sessionId, step, attempt, previous);
    const outcome = await handlers[step](context);
    clearInterval(renew);
    const finishedAt = new Date().toISOString();
    const [finished] = await rawQuery<{ name: string }>(
      `with finished as (
         update onboarding_steps set status = $4, result = $5::jsonb, finished_at = $6::timestamptz, updated_at = $6::timestamptz
          where session_id = $1 and name = $2 and status = 'running' and attempts = $3
          returning name),
       recorded as (
         insert into onboarding_events (session_id, type, data, created_at)
         select $1, $7, jsonb_build_object('step', $2::text, 'attempt', $3::int), $6::timestamptz from finished)
       select name from finished`,
      [sessionId, step, attempt, outcome.status, JSON.stringify(outcome.result), finishedAt, outcome.status === 'done' ? 'step.done' : 'step.skipped'],
    );
    if (!finished) return;
  } catch (error) {
    clearInterval(renew);
    await recordFailure(sessionId, step, attempt, error);
    return;
  }
  await advance(sessionId);
}

async function recordFailure(sessionId: string, step: StepName, attempt: number, error: unknown): Promise<void> {
  const settings = pipelineSettings();
  const failure = describeFailure(step, error);
  const mine = and(
    eq(onboardingSteps.sessionId, sessionId),
    eq(onboardingSteps.name, step),
    eq(onboardingSteps.status, 'running'),
    eq(onboardingSteps.attempts, attempt),
  );
  const lastError = { lastErrorCode: failure.code, lastErrorMessage: failure.staff, lastFbtraceId: failure.fbtraceId, updatedAt: new Date() };
  if (failure.retry && attempt < settings.maxAttempts) {
    const delayMs = retryDelay(attempt, settings);
    const [row] = await db().update(onboardingSteps).set({ status: 'retrying', ...lastError }).where(mine).returning({ name: onboardingSteps.name });
    if (!row) return;
    await recordEvent(sessionId, 'step.retrying', { step, attempt, code: failure.code, fbtraceId: failure.fbtraceId, delayMs });
    log.info({ sessionId, step, attempt, errorCode: failure.code, fbtraceId: failure.fbtraceId, delayMs }, 'onboarding step will retry');
    later(delayMs, () => runStep(sessionId, step));
    return;
  }
  const [row] = await db()
    .update(onboardingSteps)
    .set({ status: 'failed', finishedAt: new Date(), ...lastError })
    .where(mine)
    .returning({ name: onboardingSteps.name });
  if (!row) return;
  log.warn({ sessionId, step, attempt, errorCode: failure.code, fbtraceId: failure.fbtraceId }, 'onboarding step failed');
  await recordEvent(sessionId, 'step.failed', { step, attempt, code: failure.code, fbtraceId: failure.fbtraceId, message: failure.customer });
  if (failure.reauth) {
    const [session] = await db().select({ tokenId: onboardingSessions.tokenId }).from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
    if (session?.tokenId) {
      await db()
        .update(businessTokens)
        .set({ status: 'needs_reauth', updatedAt: new Date() })
        .where(and(eq(businessTokens.id, session.tokenId), eq(businessTokens.status, 'valid')));
    }
  }
  await failSession(sessionId, step, failure.code, failure.customer);
}

async function failSession(sessionId: string, step: StepName, code: string | null, message: string): Promise<void> {
  const [failed] = await db()
    .update(onboardingSessions)
    .set({ status: 'failed', statusMessage: message, updatedAt: new Date() })
    .where(and(eq(onboardingSessions.id, sessionId), eq(onboardingSessions.status, 'running')))
    .returning({ id: onboardingSessions.id });
  if (!failed) return;
  await recordEvent(sessionId, 'failed', { step, code, message });
  announce(sessionId, 'failed');
}

/** After a step settles: start the steps it unblocked, or end the session. */
async function advance(sessionId: string): Promise<void> {
  const joined = await db()
    .select({ step: onboardingSteps, flow: onboardingSessions.flow, partnerType: onboardingSessions.partnerType, status: onboardingSessions.status })
    .from(onboardingSteps)
    .innerJoin(onboardingSessions, eq(onboardingSessions.id, onboardingSteps.sessionId))
    .where(eq(onboardingSteps.sessionId, sessionId));
  const first = joined[0];
  if (!first || first.status !== 'running') return;
  const rows = joined.map((j) => j.step);
  if (rows.every((r) => settled.has(r.status))) {
    await finish(sessionId, first.flow, first.partnerType, rows);
    return;
  }
  const deps = dependenciesOf(first.flow, first.partnerType, rows);
  const ready = rows.filter((r) => r.status === 'pending' && isReady(r, rows, deps));
  for (const r of ready) launch(() => runStep(sessionId, r.name as StepName, { dependsOn: deps.get(r.name) ?? [] }));
  const busy = rows.some((r) => r.status === 'running' || r.status === 'retrying');
  const failed = rows.find((r) => r.status === 'failed');
  // A re-run left the session running next to a failed step it cannot get past: it is failed again.
  if (ready.length === 0 && !busy && failed) {
    await failSession(sessionId, failed.name as StepName, failed.lastErrorCode, failedMessage(failed));
  }
}

function failedMessage(row: OnboardingStep): string {
  return `${stepLabel(row.name)} failed. ${row.lastErrorMessage ?? ''}`.trim();
}

async function finish(sessionId: string, flow: SignupFlow, partnerType: string, rows: OnboardingStep[]): Promise<void> {
  const status = rows.find((r) => r.name === 'read_status');
  const outcome = decideOutcome({
    flow,
    partnerType: asPartnerType(partnerType),
    snapshot: (status?.status === 'done' ? (status.result as StatusSnapshot | null) : null) ?? null,
  });
  const [ended] = await db()
    .update(onboardingSessions)
    .set({ status: outcome.status, statusMessage: outcome.message, completedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(onboardingSessions.id, sessionId), eq(onboardingSessions.status, 'running')))
    .returning({ id: onboardingSessions.id });
  if (ended) {
    await recordEvent(sessionId, outcome.status, { message: outcome.message });
    log.info({ sessionId, status: outcome.status }, 'onboarding finished');
    announce(sessionId, outcome.status);
  }
}

// --- Where work starts: the API, the step job, the sweep -----------------------------------------

export const stepJob = 'onboarding.step';
export const sweepJob = 'onboarding.sweep';

/** Gets the session's ready steps going: here when this process runs workers, else through the queue. */
async function kick(sessionId: string, only?: StepName): Promise<void> {
  if (pipelineSettings().runInProcess) {
    if (only) launch(() => runStep(sessionId, only));
    else launch(() => advance(sessionId));
    return;
  }
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session) return;
  const rows = await loadSteps(sessionId);
  const deps = dependenciesOf(session.flow, session.partnerType, rows);
  const ready = rows.filter((r) => r.status === 'pending' && isReady(r, rows, deps) && (!only || r.name === only));
  for (const r of ready) await enqueue(stepJob, { sessionId, step: r.name });
}

/**
 * Plans the session's steps, stores them, sets the session `running` and starts the ready steps.
 * Call it after the completion's transaction has committed. Calling it again does nothing new.
 */
export async function startPipeline(sessionId: string): Promise<void> {
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session) throw new Error(`Onboarding session ${sessionId} not found`);
  if (!session.wabaId || !session.tokenId) throw new Error('The onboarding has no verified WABA and token yet; complete the signup first');
  const plan = planSteps(session.flow, session.partnerType);
  // The step rows are the pipeline: whoever inserts them starts it; a second call finds them there.
  const started = await db().transaction(async (tx) => {
    const inserted = await tx
      .insert(onboardingSteps)
      .values(plan.map((s) => ({ sessionId, name: s.name })))
      .onConflictDoNothing()
      .returning({ name: onboardingSteps.name });
    if (inserted.length === 0) return false;
    await tx
      .update(onboardingSessions)
      .set({ status: 'running', statusMessage: null, updatedAt: new Date() })
      .where(and(eq(onboardingSessions.id, sessionId), inArray(onboardingSessions.status, ['started', 'exchanging', 'running'])));
    await tx.insert(onboardingEvents).values({ sessionId, type: 'pipeline.started', data: { steps: plan.map((s) => s.name) } });
    return true;
  });
  if (!started) return;
  if (pipelineSettings().runInProcess) {
    // The first steps wait for nothing: start them now rather than reading back what was just written.
    for (const s of plan.filter((p) => p.dependsOn.length === 0)) launch(() => runStep(sessionId, s.name, { dependsOn: [] }));
    return;
  }
  await kick(sessionId);
}

async function requireUsableToken(tokenId: string | null): Promise<void> {
  if (!tokenId) throw new UserError('This onboarding has no business token; the customer must run Embedded Signup again.');
  const [token] = await db().select({ status: businessTokens.status }).from(businessTokens).where(eq(businessTokens.id, tokenId));
  if (!token || token.status !== 'valid') {
    throw new UserError("The customer's access token needs reauthorization: they must run Embedded Signup again before onboarding can continue.");
  }
}

async function sessionWithSteps(sessionId: string) {
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session) throw new UserError(`Onboarding session ${sessionId} not found`);
  const rows = await loadSteps(sessionId);
  if (rows.length === 0) throw new UserError('This onboarding has no pipeline yet: the signup was not completed.');
  return { session, rows };
}

/** Staff: runs the failed and not yet run steps again and puts the session back to `running`. */
export async function resumeOnboarding(sessionId: string): Promise<void> {
  const { session } = await sessionWithSteps(sessionId);
  if (session.status !== 'failed' && session.status !== 'running') {
    throw new UserError(`Only a failed or stuck onboarding can be resumed; this one is ${session.status}.`);
  }
  await requireUsableToken(session.tokenId);
  await db().transaction(async (tx) => {
    await tx
      .update(onboardingSteps)
      .set({ status: 'pending', finishedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(onboardingSteps.sessionId, sessionId),
          // Steps a stop skipped never ran (no finishedAt); steps that decided to skip keep that.
          or(inArray(onboardingSteps.status, ['failed', 'retrying']), and(eq(onboardingSteps.status, 'skipped'), isNull(onboardingSteps.finishedAt))),
        ),
      );
    await tx
      .update(onboardingSessions)
      .set({ status: 'running', statusMessage: null, updatedAt: new Date() })
      .where(eq(onboardingSessions.id, sessionId));
    await tx.insert(onboardingEvents).values({ sessionId, type: 'pipeline.resumed', data: { from: session.status } });
  });
  await kick(sessionId);
}

const rerunnableSessionStatuses = new Set<string>(['running', 'failed', ...finalStatuses]);

/** Staff: runs one step again, even a finished one (each step checks Meta's state before acting). */
export async function rerunStep(sessionId: string, step: string): Promise<void> {
  if (!(stepNames as readonly string[]).includes(step)) throw new UserError(`Unknown step "${step}"`);
  const { session, rows } = await sessionWithSteps(sessionId);
  const row = rows.find((r) => r.name === step);
  if (!row) throw new UserError(`The step "${step}" is not part of this onboarding`);
  if (!rerunnableSessionStatuses.has(session.status)) throw new UserError(`A step cannot be re-run while the onboarding is ${session.status}.`);
  if (row.status === 'running' || row.status === 'retrying') throw new UserError(`${stepLabel(step)} is already running.`);
  await requireUsableToken(session.tokenId);
  await db().transaction(async (tx) => {
    await tx
      .update(onboardingSteps)
      .set({ status: 'pending', finishedAt: null, updatedAt: new Date() })
      .where(and(eq(onboardingSteps.sessionId, sessionId), eq(onboardingSteps.name, step)));
    await tx
      .update(onboardingSessions)
      .set({ status: 'running', statusMessage: null, updatedAt: new Date() })
      .where(eq(onboardingSessions.id, sessionId));
    await tx.insert(onboardingEvents).values({ sessionId, type: 'step.rerun', data: { step, from: row.status, session: session.status } });
  });
  await kick(sessionId, step as StepName);
}

let sweptOnce = false;

/**
 * Finds the work a dead process left and starts it: running steps whose lease lapsed, retries
 * whose timer is gone, ready steps nobody started, finished pipelines never closed. Safe to run
 * at any time and from any process: every start goes through the claim.
 */
export async function recoverOnboardings(options: { assumeNoOtherRunner?: boolean } = {}): Promise<number> {
  const settings = pipelineSettings();
  // The embedded database serves one process: at its first sweep, nothing else can be running a step.
  const alone = options.assumeNoOtherRunner ?? (!sweptOnce && database().kind === 'pglite');
  sweptOnce = true;
  const sessions = await db()
    .select({ id: onboardingSessions.id, flow: onboardingSessions.flow, partnerType: onboardingSessions.partnerType })
    .from(onboardingSessions)
    .where(eq(onboardingSessions.status, 'running'));
  let started = 0;
  const now = Date.now();
  for (const session of sessions) {
    const rows = await loadSteps(session.id);
    if (rows.length > 0 && rows.every((r) => settled.has(r.status))) {
      await finish(session.id, session.flow, session.partnerType, rows);
      continue;
    }
    const deps = dependenciesOf(session.flow, session.partnerType, rows);
    for (const row of rows) {
      const age = now - row.updatedAt.getTime();
      const orphaned =
        (row.status === 'pending' && isReady(row, rows, deps)) ||
        (row.status === 'running' && (alone || age > settings.leaseMs)) ||
        (row.status === 'retrying' && age > retryCeiling(row.attempts, settings) + settings.leaseMs);
      if (!orphaned) continue;
      started += 1;
      if (row.status === 'running' && alone) {
        // Expire the lease so the claim below can take it over now.
        await db()
          .update(onboardingSteps)
          .set({ updatedAt: new Date(0) })
          .where(and(eq(onboardingSteps.sessionId, session.id), eq(onboardingSteps.name, row.name), eq(onboardingSteps.status, 'running')));
      }
      if (pipelineSettings().runInProcess || alone) launch(() => runStep(session.id, row.name as StepName, { reclaim: true }));
      else await enqueue(stepJob, { sessionId: session.id, step: row.name, reclaim: true });
    }
  }
  if (started > 0) log.info({ steps: started }, 'onboarding sweep restarted steps');
  return started;
}

defineJob(stepJob, {
  batchSize: 10,
  queue: { retryLimit: 5, retryDelay: 5, expireInSeconds: 600 },
  async handle(jobs) {
    await Promise.all(
      jobs.map((job) => {
        const { sessionId, step, reclaim } = job.data as { sessionId: string; step: StepName; reclaim?: boolean };
        return runStep(sessionId, step, { reclaim: reclaim === true });
      }),
    );
  },
});

defineJob(sweepJob, {
  schedule: '* * * * *',
  async handle() {
    await recoverOnboardings();
  },
});
