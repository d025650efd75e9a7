import { fromPglite, PgBoss, type Job, type Queue, type SendOptions } from 'pg-boss';
import { lt } from 'drizzle-orm';
import { z } from 'zod';
import { database, db, rootCause, type Database, type Tx } from '@/lib/db/client';
import { signInFailures } from '@/lib/db/schema';
import { log } from '@/lib/log';

// pg-boss on the app's own database: PGlite through pg-boss's adapter, or the PostgreSQL server.
// Each job kind is a value made by `defineJob` with a zod schema for its data; lib/job-registry.ts
// lists every kind the workers run.

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  name: string;
  schema: S;
  queue?: Omit<Queue, 'name'>;
  batchSize?: number;
  /** Cron expression for a recurring job (its data is `{}`). */
  schedule?: string;
  handle(batch: Array<{ id: string; data: z.output<S> }>): Promise<void>;
  /** Runs once this process's workers are registered (only in processes that run workers). */
  started?(): void;
  /** Runs before the queue stops, so that work the module keeps in memory can end cleanly. */
  stopping?(): Promise<void>;
};

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

/** Data for jobs that carry none (wake-ups, schedules). */
export const noData = z.object({}).loose();

// Queues that earlier versions created and no job uses any more: a queue's policy cannot change,
// so a job kind whose policy changed got a new name, and the old queue (with a job a crash left
// active in it) is removed at start.
const retiredQueues = ['webhooks.process', 'webhooks.forward'];

export const pruneSignInFailuresJob = defineJob({
  name: 'maintenance.prune-sign-in-failures',
  schema: noData,
  schedule: '17 * * * *',
  async handle() {
    await db()
      .delete(signInFailures)
      .where(lt(signInFailures.createdAt, new Date(Date.now() - 24 * 3600_000)));
  },
});

const holder = globalThis as typeof globalThis & { __onrampBoss?: PgBoss; __onrampWorkers?: readonly JobDefinition[] };

function createBoss(target: Database): PgBoss {
  if (target.kind === 'pglite') {
    return new PgBoss({ db: fromPglite(target.pglite), backend: 'pglite', schema: 'pgboss' });
  }
  return new PgBoss({ connectionString: target.url, max: 4, schema: 'pgboss', application_name: 'onramp-jobs' });
}

async function removeRetiredQueues(boss: PgBoss): Promise<void> {
  for (const name of retiredQueues) {
    if (!(await boss.getQueue(name))) continue;
    await boss.unschedule(name).catch(() => {});
    await boss.deleteQueue(name);
  }
}

/** A batch's data parsed by the job's schema; a job whose data does not fit is logged and failed, never run. */
function parsedBatch<S extends z.ZodType>(definition: JobDefinition<S>, batch: Job<unknown>[]) {
  const good: Array<{ id: string; data: z.output<S> }> = [];
  for (const job of batch) {
    const parsed = definition.schema.safeParse(job.data ?? {});
    if (parsed.success) good.push({ id: job.id, data: parsed.data });
    else log.error({ job: definition.name, jobId: job.id, issues: parsed.error.issues.map((i) => i.message) }, 'job with invalid data dropped');
  }
  return good;
}

/**
 * Starts the queue with these job kinds; with `work`, this process also runs their workers
 * (in-process or `npm run worker`).
 */
export async function startJobs(options: { work: boolean; jobs: readonly JobDefinition[]; target?: Database }): Promise<PgBoss> {
  if (holder.__onrampBoss) return holder.__onrampBoss;
  const boss = createBoss(options.target ?? database());
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  await removeRetiredQueues(boss);
  for (const definition of options.jobs) await boss.createQueue(definition.name, definition.queue);
  if (options.work) {
    for (const definition of options.jobs) {
      await boss.work(definition.name, { batchSize: definition.batchSize ?? 1, pollingIntervalSeconds: 0.5 }, async (batch) => {
        const good = parsedBatch(definition, batch as Job<unknown>[]);
        if (good.length > 0) await definition.handle(good);
      });
      if (definition.schedule) await boss.schedule(definition.name, definition.schedule);
    }
  }
  holder.__onrampBoss = boss;
  if (options.work) {
    holder.__onrampWorkers = options.jobs;
    for (const definition of options.jobs) definition.started?.();
  }
  return boss;
}

export function jobs(): PgBoss {
  if (!holder.__onrampBoss) throw new Error('The job queue has not been started');
  return holder.__onrampBoss;
}

export function jobsStarted(): boolean {
  return holder.__onrampBoss !== undefined;
}

/** Whether this process runs the job workers (npm start with in-process workers, or npm run worker). */
export function workingHere(): boolean {
  return holder.__onrampWorkers !== undefined;
}

/** Queues one job; its data is checked against the job's schema first. */
export async function enqueue<S extends z.ZodType>(definition: JobDefinition<S>, data: z.input<S>, options?: SendOptions): Promise<string | null> {
  const parsed = definition.schema.parse(data) as object;
  return jobs().send(definition.name, parsed, options);
}

export async function stopJobs(): Promise<void> {
  const boss = holder.__onrampBoss;
  for (const definition of holder.__onrampWorkers ?? []) await definition.stopping?.().catch(() => {});
  holder.__onrampBoss = undefined;
  holder.__onrampWorkers = undefined;
  await boss?.stop({ graceful: true, timeout: 5000 });
}

// --- Work that waits for a commit ----------------------------------------------------------------

// Sending a job awaits the database. Awaited inside a transaction on PGlite (one connection), the
// send waits for the transaction and the transaction for the send: the whole portal stalls. So jobs
// (and in-process wake-ups) are registered on the transaction and run once it has committed.
const pendingAfterCommit = new WeakMap<Tx, Array<() => void>>();

/** A transaction whose `afterCommit` work runs once it commits (and is dropped if it rolls back). */
export async function runTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  let callbacks: Array<() => void> = [];
  const result = await db().transaction(async (tx) => {
    callbacks = [];
    pendingAfterCommit.set(tx, callbacks);
    return work(tx);
  });
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      log.error({ err: rootCause(error) }, 'work after commit failed');
    }
  }
  return result;
}

/**
 * A savepoint inside a transaction from runTransaction: its `afterCommit` work joins the outer
 * transaction's if it succeeds, and is dropped with it if it rolls back.
 */
export async function runSavepoint<T>(outer: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const parent = pendingAfterCommit.get(outer);
  if (!parent) throw new Error('runSavepoint needs a transaction started with runTransaction');
  const own: Array<() => void> = [];
  const result = await outer.transaction(async (tx) => {
    pendingAfterCommit.set(tx, own);
    return work(tx);
  });
  parent.push(...own);
  return result;
}

/** Runs `callback` once the transaction `tx` (from runTransaction) has committed. */
export function afterCommit(tx: Tx, callback: () => void): void {
  const callbacks = pendingAfterCommit.get(tx);
  if (!callbacks) throw new Error('afterCommit needs a transaction started with runTransaction');
  callbacks.push(callback);
}

/** Queues a job once `tx` commits; a failed send is logged (callers keep a durable record to re-send from). */
export function enqueueAfterCommit<S extends z.ZodType>(tx: Tx, definition: JobDefinition<S>, data: z.input<S>, options?: SendOptions): void {
  afterCommit(tx, () => {
    if (!jobsStarted()) return;
    enqueue(definition, data, options).catch((error: unknown) => log.error({ err: rootCause(error), job: definition.name }, 'could not queue a job'));
  });
}
