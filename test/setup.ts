import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, database, migrateDatabase } from '@/lib/db/client';

// Each test file starts from an empty, migrated database: a fresh in-memory PGlite, or the
// throwaway PostgreSQL database that `npm test` created for this run.
beforeAll(async () => {
  const target = database();
  await migrateDatabase(target);
  await target.db.execute(sql`
    do $$ declare t text; begin
      for t in select tablename from pg_tables where schemaname = 'public' loop
        execute format('truncate table %I cascade', t);
      end loop;
    end $$`);
});

afterAll(async () => {
  await closeDatabase();
});
