import { z } from 'zod';
import { rootCause } from '@/lib/db/client';
import { defineJob, enqueue } from '@/lib/jobs';
import { log } from '@/lib/log';
import { runStep, type NextWork } from '@/lib/operations/runner';
import { runnerSettings } from '@/lib/operations/settings';

// The one place that decides where a step runs: in this process when it runs job workers (a finished
// step starts its successors here, with no queue pickup in between), otherwise on the job queue,
// which carries work to the worker processes. Start, resume, re-run, the sweep and start-up
// recovery all come through `dispatch`.

type Work = { runId: string; step: string; reclaim?: boolean; dependsOn?: readonly string[] };

const inflight = new Set<Promise<void>>();
const timers = new Map<NodeJS.Timeout, { runId: string; step: string; dueAt: number }>();
let accepting = true;

function launch(work: Work): void {
  if (!accepting) return;
  const running: Promise<void> = runStep(work.runId, work.step, { reclaim: work.reclaim, dependsOn: work.dependsOn })
    .then((next) => follow(work.runId, next))
    .catch((error: unknown) => log.error({ err: rootCause(error), runId: work.runId, step: work.step }, 'operation step work failed'))
    .finally(() => inflight.delete(running));
  inflight.add(running);
}

function later(delayMs: number, work: Work): void {
  if (!accepting) return;
  const timer = setTimeout(() => {
    timers.delete(timer);
    launch(work);
  }, delayMs);
  timers.set(timer, { runId: work.runId, step: work.step, dueAt: Date.now() + delayMs });
}

/** Starts what a finished attempt made ready, and its retry. */
async function follow(runId: string, next: NextWork): Promise<void> {
  for (const ready of next.start) await dispatch(runId, ready.step, { dependsOn: ready.dependsOn });
  if (next.retry) await dispatch(runId, next.retry.step, { delayMs: next.retry.delayMs });
}

export const stepJob = defineJob({
  name: 'operations.step',
  schema: z.object({ runId: z.uuid(), step: z.string().min(1).max(200), reclaim: z.boolean().optional() }),
  batchSize: 10,
  queue: { retryLimit: 5, retryDelay: 5, expireInSeconds: 600 },
  async handle(batch) {
    // A worker runs the step and, with it, the successors it makes ready.
    await Promise.all(batch.map(({ data }) => runStep(data.runId, data.step, { reclaim: data.reclaim }).then((next) => follow(data.runId, next))));
  },
});

/** Runs a step now or after `delayMs`: here when this process runs workers, else through the queue. */
export async function dispatch(
  runId: string,
  step: string,
  options: { delayMs?: number; reclaim?: boolean; dependsOn?: readonly string[]; inProcess?: boolean } = {},
): Promise<void> {
  const work: Work = { runId, step, reclaim: options.reclaim, dependsOn: options.dependsOn };
  const delayMs = Math.max(0, options.delayMs ?? 0);
  if (options.inProcess ?? runnerSettings().runInProcess) {
    if (delayMs > 0) later(delayMs, work);
    else launch(work);
    return;
  }
  await enqueue(stepJob, { runId, step, reclaim: options.reclaim }, delayMs > 0 ? { startAfter: Math.ceil(delayMs / 1000) } : undefined);
}

/** The retries this process has waiting on a timer (for tests that prove nothing more will happen). */
export function scheduledRetries(): Array<{ runId: string; step: string; dueAt: number }> {
  return [...timers.values()];
}

/** Resolves once no step runs in this process (timers waiting for a retry are not counted). */
export async function operationsIdle(): Promise<void> {
  while (inflight.size > 0) await Promise.allSettled([...inflight]);
}

/**
 * Stops starting work in this process (shutdown, or a test that plays a restart): waiting retry
 * timers are dropped, steps already running finish. What they would have started is left to the sweep.
 */
export async function stopOperationWork(): Promise<void> {
  accepting = false;
  for (const timer of timers.keys()) clearTimeout(timer);
  timers.clear();
  await operationsIdle();
}

export function startOperationWork(): void {
  accepting = true;
}
