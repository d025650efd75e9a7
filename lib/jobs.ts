import { fromPglite, PgBoss, type Job, type Queue, type SendOptions } from 'pg-boss';
import { lt } from 'drizzle-orm';
import { database, db, type Database } from '@/lib/db/client';
import { signInFailures } from '@/lib/db/schema';
import { log } from '@/lib/log';

// pg-boss on the app's own database: PGlite through pg-boss's adapter, or the PostgreSQL server.
type JobDefinition = {
  queue?: Omit<Queue, 'name'>;
  batchSize?: number;
  handle(jobs: Job<Record<string, unknown>>[]): Promise<void>;
  /** Cron expression for a recurring job. */
  schedule?: string;
};

const definitions = new Map<string, JobDefinition>();

/** Registers a job kind; called at module load by the modules that own the work. */
export function defineJob(name: string, definition: JobDefinition): void {
  definitions.set(name, definition);
}

defineJob('maintenance.prune-sign-in-failures', {
  schedule: '17 * * * *',
  async handle() {
    await db()
      .delete(signInFailures)
      .where(lt(signInFailures.createdAt, new Date(Date.now() - 24 * 3600_000)));
  },
});

const holder = globalThis as typeof globalThis & { __onrampBoss?: PgBoss };

function createBoss(target: Database): PgBoss {
  if (target.kind === 'pglite') {
    return new PgBoss({ db: fromPglite(target.pglite), backend: 'pglite', schema: 'pgboss' });
  }
  return new PgBoss({ connectionString: target.url, max: 4, schema: 'pgboss', application_name: 'onramp-jobs' });
}

/** Starts the queue; with `work`, this process also runs the workers (in-process or `npm run worker`). */
export async function startJobs(options: { work: boolean; target?: Database }): Promise<PgBoss> {
  if (holder.__onrampBoss) return holder.__onrampBoss;
  const boss = createBoss(options.target ?? database());
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
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
  return boss;
}

export function jobs(): PgBoss {
  if (!holder.__onrampBoss) throw new Error('The job queue has not been started');
  return holder.__onrampBoss;
}

export function jobsStarted(): boolean {
  return holder.__onrampBoss !== undefined;
}

export async function enqueue(name: string, data: Record<string, unknown>, options?: SendOptions) {
  return jobs().send(name, data, options);
}

export async function stopJobs(): Promise<void> {
  const boss = holder.__onrampBoss;
  holder.__onrampBoss = undefined;
  await boss?.stop({ graceful: true, timeout: 5000 });
}
