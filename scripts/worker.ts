// `npm run worker`: job workers in their own process, for deployments with several app instances on
// one PostgreSQL server (start those with JOBS_IN_PROCESS=0).
import { checkConnection, closeDatabase, migrationStatus } from '@/lib/db/client';
import { env, nodeVersion } from '@/lib/env';
import { allJobs } from '@/lib/job-registry';
import { startJobs, stopJobs } from '@/lib/jobs';
import { recoverRuns } from '@/lib/operations/control';
import { stopOperationWork } from '@/lib/operations/dispatch';
import { log } from '@/lib/log';

if (!env.DATABASE_URL) {
  console.error('onramp: npm run worker needs DATABASE_URL; with the embedded PGlite database, workers run inside npm start.');
  process.exit(1);
}
try {
  await checkConnection();
} catch (error) {
  console.error(`onramp: cannot reach the database (DATABASE_URL): ${(error as Error).message}`);
  process.exit(1);
}
const { applied, expected } = await migrationStatus();
if (applied < expected) {
  console.error(`onramp: the database has ${applied} of ${expected} migrations; run npm run db:migrate or npm start first.`);
  process.exit(1);
}
await startJobs({ work: true, jobs: allJobs });
log.info({ node: nodeVersion }, 'Worker started');
await recoverRuns();

async function shutdown(signal: string) {
  log.info({ signal }, 'Worker stopping');
  await stopOperationWork();
  await stopJobs();
  await closeDatabase();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
