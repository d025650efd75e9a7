import { checkConnection, database, migrationStatus } from '@/lib/db/client';
import { nodeVersion } from '@/lib/env';
import { jobs, jobsStarted } from '@/lib/jobs';

export const dynamic = 'force-dynamic';

/** Each check gets this long (they run side by side), so the answer comes within 2 s even on a busy machine. */
const checkDeadlineMs = 1000;

type Check = { ok: boolean; detail?: unknown; error?: string };

// A check still waiting on the database from an earlier request is waited on again, not sent again,
// so that a load balancer polling during an outage does not pile queries onto the connection pool.
const waiting = new Map<string, Promise<unknown>>();

async function probe(name: string, check: () => Promise<unknown>): Promise<Check> {
  let pending = waiting.get(name);
  if (!pending) {
    pending = check().finally(() => waiting.delete(name));
    pending.catch(() => {});
    waiting.set(name, pending);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkDeadlineMs} ms`)), checkDeadlineMs);
  });
  try {
    return { ok: true, detail: await Promise.race([pending, deadline]) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

// Public on purpose (load balancers call it); it reveals versions and states, never data.
export async function GET() {
  const [db, migrations, queue] = await Promise.all([
    probe('database', async () => {
      await checkConnection();
      return database().kind;
    }),
    probe('migrations', async () => {
      const status = await migrationStatus();
      if (status.applied < status.expected) throw new Error(`${status.applied} of ${status.expected} applied`);
      return status;
    }),
    probe('queue', async () => {
      if (!jobsStarted()) throw new Error('not started');
      await jobs().getQueues();
      return 'pg-boss';
    }),
  ]);
  const failing = Object.entries({ database: db, migrations, queue })
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  const ok = failing.length === 0;
  return Response.json(
    { status: ok ? 'ok' : 'unavailable', ...(ok ? {} : { failing }), node: nodeVersion, database: db, migrations, queue },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
