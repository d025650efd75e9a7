// `npm run db:migrate`: applies the committed migrations in drizzle/ (start-up does the same).
import { migrateDatabase, migrationStatus } from '@/lib/db/client';
import { runCommand } from '@/scripts/cli';

await runCommand('db:migrate', async () => {
  await migrateDatabase();
  const { applied, expected } = await migrationStatus();
  console.log(`Migrations applied: ${applied} of ${expected}`);
});
