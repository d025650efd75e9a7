import { and, asc, eq } from 'drizzle-orm';
import { db, rawQuery, rootCause } from '@/lib/db/client';
import { operationEvents, operationRuns, operationSteps, type OperationRun, type OperationStep } from '@/lib/db/schema';
import { log } from '@/lib/log';
import { describeFailure, isRateLimitCode } from '@/lib/operations/failures';
import { dependenciesIn, keyOf, operationNamed, stepDefinition } from '@/lib/operations/registry';
import { retryDelay, runnerSettings } from '@/lib/operations/settings';
import type { Failure, Operation, StepRun } from '@/lib/operations/types';

// One attempt of one step: claim (a conditional UPDATE, so each attempt runs once however many
// processes, timers, jobs or sweeps try) → run → done / retry / fail → what to start next. The
// runner never starts anything itself: it returns the work, and lib/operations/dispatch.ts decides
// where it runs.

export type NextWork = {
  /** Steps now ready, each with the rows it waits for (the claim checks them again). */
  start: Array<{ step: string; dependsOn: string[] }>;
  /** This step failed with a transient error: try it again after `delayMs`. */
  retry?: { step: string; delayMs: number };
};

const nothing: NextWork = { start: [] };
const settledStatuses = new Set(['done', 'skipped']);

export type RunEventData = { step?: string; attempt?: number; code?: string | null; fbtraceId?: string | null; [key: string]: unknown };

export async function recordRunEvent(runId: string, type: string, data: RunEventData = {}): Promise<void> {
  await db().insert(operationEvents).values({ runId, type, data });
}

export async function loadRun(runId: string): Promise<{ run: OperationRun; steps: OperationStep[] } | undefined> {
  const joined = await db()
    .select({ run: operationRuns, step: operationSteps })
    .from(operationRuns)
    .innerJoin(operationSteps, eq(operationSteps.runId, operationRuns.id))
    .where(eq(operationRuns.id, runId))
    // One order for every reader, so that concurrent advances of a limited run pick the same next steps.
    .orderBy(asc(operationSteps.name));
  const first = joined[0];
  return first ? { run: first.run, steps: joined.map((j) => j.step) } : undefined;
}

function dependenciesOf(operation: Operation, stepRow: string, rows: OperationStep[]): string[] {
  return dependenciesIn(
    operation,
    stepRow,
    rows.map((r) => r.name),
  );
}

/**
 * The pending steps of a run that wait for nothing unfinished; for an operation with a concurrency
 * limit, only as many as there are free places, and none while a step waits out a rate limit.
 */
export function readySteps(operation: Operation, rows: OperationStep[]): NextWork['start'] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  let room = Number.POSITIVE_INFINITY;
  if (operation.concurrency !== undefined) {
    const busy = rows.filter((r) => r.status === 'running' || r.status === 'retrying');
    if (busy.some((r) => r.status === 'retrying' && isRateLimitCode(r.lastErrorCode))) return [];
    room = Math.max(0, operation.concurrency - busy.length);
  }
  const ready: NextWork['start'] = [];
  for (const row of rows) {
    if (ready.length >= room) break;
    if (row.status !== 'pending') continue;
    const dependsOn = dependenciesOf(operation, row.name, rows);
    if (dependsOn.every((d) => settledStatuses.has(byName.get(d)?.status ?? 'done'))) ready.push({ step: row.name, dependsOn });
  }
  return ready;
}

type Claimed = { attempts: number; result: Record<string, unknown> | null; operation: string; input: Record<string, unknown> };

/**
 * Claims and runs one attempt of a step. `reclaim` also takes over a running step whose lease
 * lapsed (its process died); `dependsOn` saves a read when the caller knows the step's dependencies.
 */
export async function runStep(runId: string, step: string, options: { reclaim?: boolean; dependsOn?: readonly string[] } = {}): Promise<NextWork> {
  const settings = runnerSettings();
  let dependsOn = options.dependsOn;
  if (!dependsOn) {
    const loaded = await loadRun(runId);
    if (!loaded) return nothing;
    dependsOn = dependenciesOf(operationNamed(loaded.run.operation), step, loaded.steps);
  }
  const now = new Date();
  // One statement claims the step (only while the run runs and every dependency settled) and
  // records the start; whoever else tries at the same moment gets no row.
  const [claimed] = await rawQuery<Claimed>(
    `with claimed as (
       update operation_steps s
          set status = 'running', attempts = s.attempts + 1, started_at = $6::timestamptz, finished_at = null, updated_at = $6::timestamptz
        where s.run_id = $1 and s.name = $2
          and (s.status in ('pending', 'retrying') or ($3::boolean and s.status = 'running' and s.updated_at < $4::timestamptz))
          and exists (select 1 from operation_runs r where r.id = $1 and r.status = 'running')
          and not exists (
            select 1 from operation_steps d
             where d.run_id = $1 and d.name in (select jsonb_array_elements_text($5::jsonb)) and d.status not in ('done', 'skipped'))
        returning s.attempts, s.result),
     started as (
       insert into operation_events (run_id, type, data, created_at)
       select $1, 'step.started', jsonb_build_object('step', $2::text, 'attempt', attempts), $6::timestamptz from claimed)
     select c.attempts, c.result, r.operation, r.input from claimed c, operation_runs r where r.id = $1`,
    [runId, step, options.reclaim === true, new Date(now.getTime() - settings.leaseMs).toISOString(), JSON.stringify(dependsOn), now.toISOString()],
  );
  if (!claimed) return nothing;
  const attempt = Number(claimed.attempts);
  const operation = operationNamed(claimed.operation);
  const definition = stepDefinition(operation, step);
  const mine = and(eq(operationSteps.runId, runId), eq(operationSteps.name, step), eq(operationSteps.status, 'running'), eq(operationSteps.attempts, attempt));

  // A slow step (Graph timeouts) keeps its lease, so no sweep takes it over while it is alive.
  const renew = setInterval(() => {
    db()
      .update(operationSteps)
      .set({ updatedAt: new Date() })
      .where(mine)
      .catch((error: unknown) => log.warn({ err: rootCause(error), runId, step }, 'could not renew step lease'));
  }, settings.renewMs);

  const stepRun: StepRun = { runId, step, key: keyOf(step), attempt, previous: claimed.result ?? null, audit: { runId, step } };
  try {
    if (!definition) throw new Error(`Operation ${operation.name} has no step "${step}"`);
    const run = { id: runId, operation: claimed.operation, input: claimed.input } as OperationRun;
    const context = await operation.context(run, stepRun);
    // The operation's context may add to the audit tags (an onboarding also names its session).
    const outcome = await definition.run({ ...stepRun, ...(context as object) });
    clearInterval(renew);
    const finishedAt = new Date().toISOString();
    const [finished] = await rawQuery<{ name: string }>(
      `with finished as (
         update operation_steps set status = $4, result = $5::jsonb, finished_at = $6::timestamptz, updated_at = $6::timestamptz
          where run_id = $1 and name = $2 and status = 'running' and attempts = $3
          returning name),
       recorded as (
         insert into operation_events (run_id, type, data, created_at)
         select $1, $7, jsonb_build_object('step', $2::text, 'attempt', $3::int), $6::timestamptz from finished)
       select name from finished`,
      [runId, step, attempt, outcome.status, JSON.stringify(outcome.result), finishedAt, outcome.status === 'done' ? 'step.done' : 'step.skipped'],
    );
    if (!finished) return nothing;
  } catch (error) {
    clearInterval(renew);
    return recordFailure(operation, runId, step, attempt, error);
  }
  return advance(runId);
}

async function recordFailure(operation: Operation, runId: string, step: string, attempt: number, error: unknown): Promise<NextWork> {
  const settings = runnerSettings();
  const definition = stepDefinition(operation, step);
  const label = definition?.label.staff ?? step;
  const failure = (definition && operation.failure?.(definition, error)) ?? describeFailure(label, error);
  const mine = and(eq(operationSteps.runId, runId), eq(operationSteps.name, step), eq(operationSteps.status, 'running'), eq(operationSteps.attempts, attempt));
  const lastError = { lastErrorCode: failure.code, lastErrorMessage: failure.staff, lastFbtraceId: failure.fbtraceId, updatedAt: new Date() };
  const logged = { runId, operation: operation.name, step, attempt, errorCode: failure.code, fbtraceId: failure.fbtraceId };
  if (failure.retry && attempt < settings.maxAttempts) {
    const delayMs = retryDelay(attempt, failure.rateLimited === true, settings);
    const [row] = await db()
      .update(operationSteps)
      .set({ status: 'retrying', ...lastError })
      .where(mine)
      .returning({ name: operationSteps.name });
    if (!row) return nothing;
    await recordRunEvent(runId, 'step.retrying', { step, attempt, code: failure.code, fbtraceId: failure.fbtraceId, delayMs });
    log.info({ ...logged, delayMs }, 'operation step will retry');
    return { start: [], retry: { step, delayMs } };
  }
  const [row] = await db()
    .update(operationSteps)
    .set({ status: 'failed', finishedAt: new Date(), ...lastError })
    .where(mine)
    .returning({ name: operationSteps.name });
  if (!row) return nothing;
  log.warn(logged, 'operation step failed');
  await recordRunEvent(runId, 'step.failed', { step, attempt, code: failure.code, fbtraceId: failure.fbtraceId, message: failure.customer });
  await failRun(operation, runId, step, failure);
  return nothing;
}

/** Ends a running run as failed (and tells its operation, in the same transaction). */
export async function failRun(operation: Operation, runId: string, step: string, failure: Failure): Promise<void> {
  await db().transaction(async (tx) => {
    const [run] = await tx
      .update(operationRuns)
      .set({ status: 'failed', statusMessage: failure.customer, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(operationRuns.id, runId), eq(operationRuns.status, 'running')))
      .returning();
    if (!run) return;
    await tx.insert(operationEvents).values({ runId, type: 'run.failed', data: { step, code: failure.code, message: failure.customer } });
    await operation.onFailed?.(tx, run, step, failure);
  });
}

/** After a step settles: the steps it unblocked, or the end of the run. */
export async function advance(runId: string): Promise<NextWork> {
  const loaded = await loadRun(runId);
  if (loaded?.run.status !== 'running') return nothing;
  const { run, steps } = loaded;
  const operation = operationNamed(run.operation);
  if (steps.every((r) => settledStatuses.has(r.status))) {
    await finishRun(operation, run, steps);
    return nothing;
  }
  const start = readySteps(operation, steps);
  const busy = steps.some((r) => r.status === 'running' || r.status === 'retrying');
  const failed = steps.find((r) => r.status === 'failed');
  // A re-run left the run going next to a failed step it cannot get past: it is failed again.
  if (start.length === 0 && !busy && failed) {
    const label = stepDefinition(operation, failed.name)?.label.staff ?? failed.name;
    await failRun(operation, runId, failed.name, {
      code: failed.lastErrorCode ?? 'failed',
      fbtraceId: failed.lastFbtraceId,
      staff: failed.lastErrorMessage ?? `${label} failed.`,
      customer: `${label} failed. ${failed.lastErrorMessage ?? ''}`.trim(),
      retry: false,
    });
  }
  return { start };
}

async function finishRun(operation: Operation, run: OperationRun, steps: OperationStep[]): Promise<void> {
  await db().transaction(async (tx) => {
    const [ended] = await tx
      .update(operationRuns)
      .set({ status: 'done', finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(operationRuns.id, run.id), eq(operationRuns.status, 'running')))
      .returning();
    if (!ended) return;
    const message = (await operation.onDone?.(tx, ended, steps)) ?? null;
    if (message !== null) await tx.update(operationRuns).set({ statusMessage: message }).where(eq(operationRuns.id, run.id));
    await tx.insert(operationEvents).values({ runId: run.id, type: 'run.done', data: { message } });
  });
  log.info({ runId: run.id, operation: operation.name }, 'operation finished');
}
