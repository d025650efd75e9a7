import { checkConnection, database, migrationStatus } from '@/lib/db/client';
import { nodeVersion } from '@/lib/env';
import { jobs, jobsStarted } from '@/lib/jobs';

export const dynamic = 'force-dynamic';

async function probe<T>(check: () => Promise<T>): Promise<{ ok: boolean; detail?: T; error?: string }> {
  try {
    return { ok: true, detail: await check() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

// Public on purpose (load balancers call it); it reveals versions and states, never data.
export async function GET() {
  const db = await probe(async () => {
    await checkConnection();
    return database().kind;
  });
  const migrations = await probe(async () => {
    const status = await migrationStatus();
    if (status.applied < status.expected) throw new Error(`${status.applied} of ${status.expected} applied`);
    return status;
  });
  const queue = await probe(async () => {
    if (!jobsStarted()) throw new Error('not started');
    await jobs().getQueues();
    return 'pg-boss';
  });
  const ok = db.ok && migrations.ok && queue.ok;
  return Response.json(
    { status: ok ? 'ok' : 'unavailable', node: nodeVersion, database: db, migrations, queue },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
