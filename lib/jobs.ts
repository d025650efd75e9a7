import { fromPglite, PgBoss, type Job, type Queue, type SendOptions } from 'pg-boss';
import { lt } from 'drizzle-orm';
import { database, db, rootCause, type Database, type Tx } from '@/lib/db/client';
import { signInFailures } from '@/lib/db/schema';
import { log } from '@/lib/log';

// pg-boss on the app's own database: PGlite through pg-boss's adapter, or the PostgreSQL server.
type JobDefinition = {
  queue?: Omit<Queue, 'name'>;
  batchSize?: number;
  handle(jobs: Job<Record<string, unknown>>[]): Promise<void>;
  /** Cron expression for a recurring job. */
  schedule?: string;
  /** Runs once this process's workers are registered (only in processes that run workers). */
  started?(): void;
  /** Runs before the queue stops, so that work the module keeps in memory can end cleanly. */
  stopping?(): Promise<void>;
};

const definitions = new Map<string, JobDefinition>();

/** Registers a job kind; called at module load by the modules that own the work. */
export function defineJob(name: string, definition: JobDefinition): void {
  definitions.set(name, definition);
}

// Queues that earlier versions created and no module uses any more: a queue's policy cannot change,
// so a job kind whose policy changed got a new name, and the old queue (with a job a crash left
// active in it) is removed at start.
const retiredQueues = ['webhooks.process', 'webhooks.forward'];

defineJob('maintenance.prune-sign-in-failures', {
  schedule: '17 * * * *',
  async handle() {
    await db()
      .delete(signInFailures)
      .where(lt(signInFailures.createdAt, new Date(Date.now() - 24 * 3600_000)));
  },
});

const holder = globalThis as typeof globalThis & { __onrampBoss?: PgBoss; __onrampWorkers?: boolean };

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

/** Starts the queue; with `work`, this process also runs the workers (in-process or `npm run worker`). */
export async function startJobs(options: { work: boolean; target?: Database }): Promise<PgBoss> {
  if (holder.__onrampBoss) return holder.__onrampBoss;
  const boss = createBoss(options.target ?? database());
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  await removeRetiredQueues(boss);
  for (const [name, definition] of definitions) {
    await boss.createQueue(name, definition.queue);
  }
  if (options.work) {
    for (const [name, definition] of definitions) {
      await boss.work(name, { batchSize: definition.batchSize ?? 1, pollingIntervalSeconds: 0.5 }, (jobs) =>
        definition.handle(jobs as Job<Record<string, unknown>>[]),
      );
      if (definition.schedule) await boss.schedule(name, definition.schedule);
    }
  }
  holder.__onrampBoss = boss;
  holder.__onrampWorkers = options.work;
  if (options.work) for (const definition of definitions.values()) definition.started?.();
  return boss;
}

export function jobs(): PgBoss {
  if (!holder.__onrampBoss) throw new Error('The job queue has not been started');
  return holder.__onrampBoss;
}

export function jobsStarted(): boolean {
  return holder.__onrampBoss !== undefined;
}

/** Whether this process runs the job workers (npm start with JOBS_IN_PROCESS, or npm run worker). */
export function workersRunning(): boolean {
  return holder.__onrampBoss !== undefined && holder.__onrampWorkers === true;
}

export async function enqueue(name: string, data: Record<string, unknown>, options?: SendOptions) {
  return jobs().send(name, data, options);
}

export async function stopJobs(): Promise<void> {
  const boss = holder.__onrampBoss;
  if (boss && holder.__onrampWorkers) {
    for (const definition of definitions.values()) await definition.stopping?.().catch(() => {});
  }
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

/** Runs `callback` once the transaction `tx` (from runTransaction) has committed. */
export function afterCommit(tx: Tx, callback: () => void): void {
  const callbacks = pendingAfterCommit.get(tx);
  if (!callbacks) throw new Error('afterCommit needs a transaction started with runTransaction');
  callbacks.push(callback);
}

/** Sends a job once `tx` commits; a failed send is logged (callers keep a durable record to re-send from). */
export function enqueueAfterCommit(tx: Tx, name: string, data: Record<string, unknown>, options?: SendOptions): void {
  afterCommit(tx, () => {
    if (!jobsStarted()) return;
    enqueue(name, data, options).catch((error: unknown) => log.error({ err: rootCause(error), job: name }, 'could not queue a job'));
  });
}
