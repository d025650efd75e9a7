import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { dataDir, env, isNextBuild, isTest } from '@/lib/env';
import * as schema from '@/lib/db/schema';
import { backoff } from '@/lib/backoff';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type Database =
  | { kind: 'pglite'; db: Db; pglite: PGlite; close(): Promise<void> }
  | { kind: 'postgres'; db: Db; url: string; client: postgres.Sql; close(): Promise<void> };

const migrationsFolder = path.resolve('drizzle');

export function openDatabase(options: { url?: string; directory?: string } = {}): Database {
  if (options.url) {
    const client = postgres(options.url, { max: 10, connect_timeout: 5, onnotice: () => {} });
    return {
      kind: 'postgres',
      db: drizzlePostgres({ client, schema }) as unknown as Db,
      url: options.url,
      client,
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const pglite = new PGlite(options.directory);
  return {
    kind: 'pglite',
    db: drizzlePglite({ client: pglite, schema }) as unknown as Db,
    pglite,
    close: () => pglite.close(),
  };
}

// One database per process, shared by the custom server and Next's bundled route code (which load
// this module separately) and kept across hot reloads.
const holder = globalThis as typeof globalThis & { __onrampDatabase?: Database };

export function database(): Database {
  if (isNextBuild) throw new Error('The database is not opened during next build');
  holder.__onrampDatabase ??= openDatabase({
    url: env.DATABASE_URL,
    // Tests get a fresh in-memory PostgreSQL per file unless they run against a server.
    directory: isTest ? undefined : path.join(dataDir, 'pglite'),
  });
  return holder.__onrampDatabase;
}

export function db(): Db {
  return database().db;
}

export async function closeDatabase(): Promise<void> {
  const current = holder.__onrampDatabase;
  holder.__onrampDatabase = undefined;
  await current?.close();
}

export async function migrateDatabase(target: Database = database()): Promise<void> {
  if (target.kind === 'pglite') {
    await migratePglite(drizzlePglite({ client: target.pglite }), { migrationsFolder });
  } else {
    await migratePostgres(drizzlePostgres({ client: target.client }), { migrationsFolder });
  }
}

/** Fails fast with one clear message when the database cannot be reached. */
export async function checkConnection(target: Database = database()): Promise<void> {
  try {
    await target.db.execute(sql`select 1`);
  } catch (error) {
    throw new Error(rootCause(error));
  }
}

/** The SQLSTATE of a driver error, however deeply drizzle wrapped it. */
function sqlState(error: unknown): string | undefined {
  let current = error as { cause?: unknown; code?: unknown } | undefined;
  while (current) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

// A deadlock or a serialization failure rolls back one of the transactions involved; running it
// again is the remedy PostgreSQL documents for both.
const retriedStates = new Set(['40P01', '40001']);
const retryDelays = backoff({ baseMs: 20, maxMs: 320 });

/** A transaction that is run again (up to `attempts` times) when PostgreSQL chose it as a deadlock's victim. */
export async function retryingTransaction<T>(work: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().transaction(work);
    } catch (error) {
      const state = sqlState(error);
      if (attempt >= attempts || !state || !retriedStates.has(state)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelays.delay(attempt)));
    }
  }
}

/** drizzle wraps driver errors ("Failed query: ..."); the innermost cause is the one worth reading. */
export function rootCause(error: unknown): string {
  let current = error as { cause?: unknown; message?: string; code?: string };
  while (current.cause) current = current.cause as typeof current;
  const message = current.message || String(current);
  return current.code && !message.includes(current.code) ? `${message} (${current.code})` : message;
}

function expectedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

export async function migrationStatus(target: Database = database()): Promise<{ applied: number; expected: number }> {
  const result = await target.db.execute(sql`
    select count(*)::int as applied from information_schema.tables
    where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`);
  const hasTable = rowsOf<{ applied: number }>(result)[0]?.applied === 1;
  let applied = 0;
  if (hasTable) {
    const counted = await target.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
    applied = rowsOf<{ applied: number }>(counted)[0]?.applied ?? 0;
  }
  return { applied, expected: expectedMigrations() };
}

/** A parameterised statement on the raw driver, for the few hot paths where the query builder costs too much. */
export async function rawQuery<T>(text: string, params: unknown[], target: Database = database()): Promise<T[]> {
  if (target.kind === 'pglite') return (await target.pglite.query<T>(text, params)).rows;
  return (await target.client.unsafe(text, params as never[])) as unknown as T[];
}

/**
 * The same as `rawQuery`, inside a transaction: `$1`… placeholders, each parameter (an array
 * included) sent as one value. On PGlite a statement outside the transaction would wait for it.
 */
export async function txQuery<T>(tx: Tx, text: string, params: unknown[]): Promise<T[]> {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`));
  return rowsOf<T>(await tx.execute(sql.join(chunks)));
}

/** PGlite returns `{ rows }`, postgres.js an array of rows: one shape for raw SQL results. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
