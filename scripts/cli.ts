import { checkConnection, closeDatabase, database } from '@/lib/db/client';
import { env, nodeVersion } from '@/lib/env';
import { claimDataDir, releaseDataDir } from '@/scripts/data-dir-lock';

/** Runs an operational command against the configured database, with one clear line on failure. */
export async function runCommand(name: string, body: () => Promise<void>): Promise<void> {
  console.log(`${name} (node ${nodeVersion}, ${env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite'})`);
  if (!env.DATABASE_URL) claimDataDir();
  try {
    try {
      await checkConnection(database());
    } catch (error) {
      throw new Error(`cannot reach the database: ${(error as Error).message}`);
    }
    await body();
  } catch (error) {
    console.error(`onramp: ${name} failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await closeDatabase().catch(() => {});
    releaseDataDir();
  }
}
