import { sql, type SQL } from 'drizzle-orm';
import { db, rowsOf } from '@/lib/db/client';

// Counts on list pages that never walk a whole table: rows are counted exactly up to a bound, and
// beyond it the figure is PostgreSQL's planner estimate for the same query (EXPLAIN, from the
// statistics ANALYZE keeps), shown as "about N". Small data (PGlite, a new portal) is always exact.

/** `exact: false` means `n` is an estimate, over `exactUpTo`. */
export type Count = { n: number; exact: boolean };

export const exactCountBound = 1000;

/** The rows `query` (a SELECT, without ORDER BY or LIMIT) returns: exact up to `exactUpTo`, else estimated. */
export async function boundedCount(query: SQL, exactUpTo = exactCountBound): Promise<Count> {
  const counted = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from (${query} limit ${exactUpTo + 1}) bounded`));
  const n = Number(counted[0]?.n ?? 0);
  if (n <= exactUpTo) return { n, exact: true };
  return { n: Math.max(exactUpTo + 1, await plannedRows(query)), exact: false };
}

/** The planner's estimate of how many rows `query` returns. */
export async function plannedRows(query: SQL): Promise<number> {
  const [row] = rowsOf<Record<string, unknown>>(await db().execute(sql`explain (format json) ${query}`));
  const raw = row ? Object.values(row)[0] : undefined;
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: { 'Plan Rows': number } }> | undefined;
  return Math.round(plan?.[0]?.Plan['Plan Rows'] ?? 0);
}

/** The rows PostgreSQL's statistics say `table` has (`pg_class.reltuples`); 0 when it was never analyzed. */
export async function tableRows(table: string): Promise<number> {
  const [row] = rowsOf<{ n: number | null }>(await db().execute(sql`select reltuples::float8 as n from pg_class where oid = to_regclass(${table})`));
  return Math.max(0, Math.round(Number(row?.n ?? 0)));
}

/** "1,234", or "about 120,000" for an estimate (rounded to two significant figures). */
export function countText(count: Count): string {
  if (count.exact) return count.n.toLocaleString('en');
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(count.n)) - 1);
  return `about ${(Math.round(count.n / magnitude) * magnitude).toLocaleString('en')}`;
}
