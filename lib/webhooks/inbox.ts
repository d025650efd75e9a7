import { rawQuery } from '@/lib/db/client';
import { env } from '@/lib/env';
import type { IncomingChange } from '@/lib/webhooks/envelope';

// Group commit: requests that arrive while inserts are running wait for the next one, which takes
// them all. Each request is acknowledged only after the statement that holds its changes commits.
// A few statements run at once (on separate connections) so that their commit flushes overlap.
type Waiter = { changes: IncomingChange[]; resolve(): void; reject(error: unknown): void };

const waiting: Waiter[] = [];
let flushers = 0;
const maxFlushers = env.DATABASE_URL ? 2 : 1;
const maxRowsPerStatement = 2000;

const insertSql = `
  insert into webhook_events (dedupe_key, object, entry_id, entry_time, field, event, waba_id, value, status, last_error)
  select k, o, e, t::timestamptz, f, ev, w, v::json, s, p
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    as c(k, o, e, t, f, ev, w, v, s, p)
  on conflict (dedupe_key) do nothing`;

async function insert(changes: IncomingChange[]): Promise<void> {
  const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], []];
  for (const c of changes) {
    columns[0]!.push(c.dedupeKey);
    columns[1]!.push(c.object);
    columns[2]!.push(c.entryId);
    columns[3]!.push(c.entryTime?.toISOString() ?? null);
    columns[4]!.push(c.field);
    columns[5]!.push(c.event);
    columns[6]!.push(c.wabaId);
    columns[7]!.push(JSON.stringify(c.value));
    columns[8]!.push(c.status);
    columns[9]!.push(c.problem);
  }
  await rawQuery(insertSql, columns);
}

async function flush(): Promise<void> {
  flushers += 1;
  try {
    while (waiting.length > 0) {
      const batch: Waiter[] = [];
      let rows = 0;
      while (waiting.length > 0 && (batch.length === 0 || rows + waiting[0]!.changes.length <= maxRowsPerStatement)) {
        const next = waiting.shift()!;
        batch.push(next);
        rows += next.changes.length;
      }
      try {
        // One statement is one transaction: its rows commit together or not at all.
        await insert(batch.flatMap((w) => w.changes));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  } finally {
    flushers -= 1;
  }
}

/** Resolves once every change is committed (new, or already stored under the same key). */
export function storeChanges(changes: IncomingChange[]): Promise<void> {
  if (changes.length === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    waiting.push({ changes, resolve, reject });
    if (flushers < maxFlushers) void flush();
  });
}
