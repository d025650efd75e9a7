import type { Database } from '@/lib/db/client';

/** Runs the app's own query functions against `target` instead of this test file's database. */
export async function asCurrent<T>(target: Database, body: () => Promise<T>): Promise<T> {
  const holder = globalThis as { __onrampDatabase?: Database };
  const previous = holder.__onrampDatabase;
  holder.__onrampDatabase = target;
  try {
    return await body();
  } finally {
    holder.__onrampDatabase = previous;
  }
}
