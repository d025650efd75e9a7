import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { database, db, rootCause, type Tx } from '@/lib/db/client';
import { operationEvents, operationRuns, operationSteps, type OperationRun } from '@/lib/db/schema';
import { defineJob, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { dispatch } from '@/lib/operations/dispatch';
import { operationNamed, planRun, stepDefinition } from '@/lib/operations/registry';
import { advance, loadRun, readySteps } from '@/lib/operations/runner';
import { retrySchedule, runnerSettings } from '@/lib/operations/settings';
import type { Operation } from '@/lib/operations/types';
import { UserError } from '@/lib/user-error';

// What people and processes do with runs: start one, resume it, re-run a step, cancel it, and
// recover what a dead process left. Every start goes through dispatch, and from there the claim.

export type StartRun = {
  /** Reuse a known id (an onboarding's run shares its session's id). */
  id?: string;
  subjectId: string;
  input: Record<string, unknown>;
  createdBy?: string | null;
};

/**
 * Plans and stores a run and starts its first steps. With a known `id` it is idempotent: a second
 * call finds the run there and does nothing. Returns the run id, and whether this call created it.
 */
export async function startRun(operation: Operation, start: StartRun): Promise<{ runId: string; created: boolean }> {
  const plan = planRun(operation, start.input);
  if (plan.length === 0) throw new Error(`Operation ${operation.name} planned no steps`);
  const created = await db().transaction(async (tx) => {
    const [run] = await tx
      .insert(operationRuns)
      .values({
        id: start.id,
        operation: operation.name,
        subjectType: operation.subjectType,
        subjectId: start.subjectId,
        input: start.input,
        createdBy: start.createdBy ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!run) return undefined;
    await tx.insert(operationSteps).values(plan.map((s) => ({ runId: run.id, name: s.name })));
    await tx.insert(operationEvents).values({ runId: run.id, type: 'run.started', data: { steps: plan.map((s) => s.name) } });
    await operation.onRunning?.(tx, run, 'start');
    return run;
  });
  if (!created) return { runId: start.id!, created: false };
  // The first steps wait for nothing: start them without reading back what was just written.
  const first = plan.filter((p) => p.dependsOn.length === 0).slice(0, operation.concurrency ?? plan.length);
  for (const step of first) await dispatch(created.id, step.name, { dependsOn: [] });
  return { runId: created.id, created: true };
}

async function runWithSteps(runId: string) {
  const loaded = await loadRun(runId);
  if (!loaded) throw new UserError('This operation has no steps recorded.');
  return loaded;
}

async function reopen(tx: Tx, operation: Operation, run: OperationRun, reason: 'resume' | 'rerun', data: Record<string, unknown>): Promise<void> {
  const [reopened] = await tx
    .update(operationRuns)
    .set({ status: 'running', statusMessage: null, finishedAt: null, updatedAt: new Date() })
    .where(eq(operationRuns.id, run.id))
    .returning();
  await tx.insert(operationEvents).values({ runId: run.id, type: reason === 'resume' ? 'run.resumed' : 'step.rerun', data });
  await operation.onRunning?.(tx, reopened!, reason);
}

/** Runs the failed and never-run steps again and puts the run back to running. */
export async function resumeRun(operation: Operation, runId: string): Promise<void> {
  const { run } = await runWithSteps(runId);
  if (run.status === 'done') throw new UserError('This operation has finished: nothing is left to resume.');
  await operation.canContinue?.(run);
  await db().transaction(async (tx) => {
    await tx
      .update(operationSteps)
      .set({ status: 'pending', finishedAt: null, updatedAt: new Date() })
      .where(
        and(
          eq(operationSteps.runId, runId),
          // Steps a cancel skipped never ran (no finishedAt); steps that decided to skip keep that.
          or(inArray(operationSteps.status, ['failed', 'retrying']), and(eq(operationSteps.status, 'skipped'), isNull(operationSteps.finishedAt))),
        ),
      );
    await reopen(tx, operation, run, 'resume', { from: run.status });
  });
  await startReady(runId);
}

/** Runs one step again, even a finished one (each step checks Meta's state before acting). */
export async function rerunRunStep(operation: Operation, runId: string, step: string): Promise<void> {
  const definition = stepDefinition(operation, step);
  if (!definition) throw new UserError(`Unknown step "${step}"`);
  const { run, steps } = await runWithSteps(runId);
  const row = steps.find((r) => r.name === step);
  if (!row) throw new UserError(`The step "${step}" is not part of this ${operation.title.toLowerCase()}`);
  if (run.status === 'cancelled') throw new UserError('This operation was cancelled; resume it instead.');
  if (row.status === 'running' || row.status === 'retrying') throw new UserError(`${definition.label.staff} is already running.`);
  await operation.canContinue?.(run);
  await db().transaction(async (tx) => {
    await tx
      .update(operationSteps)
      .set({ status: 'pending', finishedAt: null, updatedAt: new Date() })
      .where(and(eq(operationSteps.runId, runId), eq(operationSteps.name, step)));
    await reopen(tx, operation, run, 'rerun', { step, from: row.status, run: run.status });
  });
  await startReady(runId, step);
}

/**
 * Stops a running run: waiting steps are skipped and nothing new starts; a step already talking to
 * Meta finishes its call. Pass `tx` to cancel inside another change (e.g. a webhook's handler).
 */
export async function cancelRuns(operation: Operation, runIds: string[], reason: string, tx?: Tx): Promise<string[]> {
  if (runIds.length === 0) return [];
  const work = async (t: Tx) => {
    const cancelled = await t
      .update(operationRuns)
      .set({ status: 'cancelled', statusMessage: reason, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(inArray(operationRuns.id, runIds), eq(operationRuns.status, 'running')))
      .returning();
    if (cancelled.length === 0) return [];
    const ids = cancelled.map((r) => r.id);
    await t
      .update(operationSteps)
      .set({ status: 'skipped', updatedAt: new Date() })
      .where(and(inArray(operationSteps.runId, ids), inArray(operationSteps.status, ['pending', 'retrying'])));
    await t.insert(operationEvents).values(ids.map((runId) => ({ runId, type: 'run.cancelled', data: { reason } })));
    for (const run of cancelled) await operation.onCancelled?.(t, run, reason);
    return ids;
  };
  return tx ? work(tx) : db().transaction(work);
}

/** After a resume, the ready steps (or the end of the run); after a re-run, that step (its claim checks the rest). */
async function startReady(runId: string, only?: string): Promise<void> {
  if (only) {
    await dispatch(runId, only);
    return;
  }
  const next = await advance(runId);
  for (const ready of next.start) await dispatch(runId, ready.step, { dependsOn: ready.dependsOn });
}

let sweptOnce = false;

/**
 * Finds the work a dead process left and starts it: running steps whose lease lapsed, retries whose
 * timer is gone, ready steps nobody started, finished runs never closed. Safe at any time and from
 * any process: every start goes through the claim. Returns how many steps it started.
 */
export async function recoverRuns(options: { assumeNoOtherRunner?: boolean } = {}): Promise<number> {
  const settings = runnerSettings();
  // The embedded database serves one process: at its first sweep, nothing else can be running a step.
  const alone = options.assumeNoOtherRunner ?? (!sweptOnce && database().kind === 'pglite');
  sweptOnce = true;
  const running = await db().select({ id: operationRuns.id }).from(operationRuns).where(eq(operationRuns.status, 'running'));
  const schedule = retrySchedule(settings);
  let started = 0;
  const now = Date.now();
  for (const { id } of running) {
    const loaded = await loadRun(id);
    if (!loaded) continue;
    const { steps } = loaded;
    const ready = new Set(readySteps(operationNamed(loaded.run.operation), steps).map((r) => r.step));
    if (steps.every((r) => r.status === 'done' || r.status === 'skipped')) {
      await advance(id);
      continue;
    }
    for (const row of steps) {
      const age = now - row.updatedAt.getTime();
      const orphaned =
        ready.has(row.name) ||
        (row.status === 'running' && (alone || age > settings.leaseMs)) ||
        (row.status === 'retrying' && age > schedule.ceiling(row.attempts) + settings.leaseMs);
      if (!orphaned) continue;
      started += 1;
      if (row.status === 'running' && alone) {
        // Expire the lease so that the claim can take it over now.
        await db()
          .update(operationSteps)
          .set({ updatedAt: new Date(0) })
          .where(and(eq(operationSteps.runId, id), eq(operationSteps.name, row.name), eq(operationSteps.status, 'running')));
      }
      await dispatch(id, row.name, { reclaim: true, inProcess: settings.runInProcess || alone });
    }
  }
  if (started > 0) log.info({ steps: started }, 'operations sweep restarted steps');
  return started;
}

// With several processes on one server database, a dead worker's steps are taken over once their
// lease lapses: each working process sweeps every few seconds, not only at the minute's job.
const sweepEveryMs = 10_000;
let sweepTimer: NodeJS.Timeout | undefined;

export const sweepJob = defineJob({
  name: 'operations.sweep',
  schema: noData,
  schedule: '* * * * *',
  async handle() {
    await recoverRuns();
  },
  started() {
    if (database().kind !== 'postgres' || sweepTimer) return;
    sweepTimer = setInterval(() => {
      recoverRuns().catch((error: unknown) => log.warn({ err: rootCause(error) }, 'operations sweep failed'));
    }, sweepEveryMs);
    sweepTimer.unref();
  },
  async stopping() {
    clearInterval(sweepTimer);
    sweepTimer = undefined;
  },
});
