import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';

// Keyset paging for every staff list: newest first on (timestamp, id), `limit` rows a page, and an
// opaque cursor for the next page. The cursor keeps PostgreSQL's microseconds as text (a JavaScript
// Date would round them and skip rows).

export type Page<T> = { items: T[]; next: string | null };

const cursorSchema = z.object({ at: z.string().min(1).max(40), id: z.string().min(1).max(64) });
export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The cursor from a query string; anything that is not one of ours reads as "first page". */
export function decodeCursor(value: string | undefined | null): Cursor | undefined {
  if (!value) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Rows strictly after the cursor in `order by at desc, id desc`. */
export function olderThan(at: AnyColumn, id: AnyColumn, cursor: Cursor): SQL {
  return sql`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id})`;
}

/** The `at` column as text, for the cursor of the row it is selected with. */
export function cursorText(at: AnyColumn): SQL<string> {
  return sql<string>`${at}::text`;
}

/** Cuts the `limit + 1` rows a query fetched into a page and the cursor of the next one. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}

export function pageLimit(requested: number | undefined, fallback = 50, max = 200): number {
  return Math.min(Math.max(requested ?? fallback, 1), max);
}
