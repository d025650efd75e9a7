import { createHash } from 'node:crypto';
import { rawQuery, txQuery, type Tx } from '@/lib/db/client';
import { env } from '@/lib/env';
import type { IncomingChange } from '@/lib/webhooks/envelope';

// The receiver's one write: each POST's body, exactly as it came, in webhook_deliveries. Group
// commit: requests that arrive while an insert runs wait for the next one, which takes them all, and
// each request is acknowledged only once the statement holding its body has committed. Splitting a
// body into its changes happens after the 200, in processing (lib/webhooks/processing.ts): one row
// per POST keeps a 1000-change batch as cheap to accept as a single change.
type Waiter = { body: string; hash: string; resolve(): void; reject(error: unknown): void };

const waiting: Waiter[] = [];
let flushers = 0;
// A few statements at once (on separate connections) so that their commit flushes overlap.
const maxFlushers = env.DATABASE_URL ? 3 : 1;
const maxBytesPerStatement = 16 * 1024 * 1024;

const insertDeliveriesSql = `
  insert into webhook_deliveries (body_hash, body)
  select h, b from unnest($1::text[], $2::text[]) as d(h, b)
  on conflict (body_hash) do nothing`;

async function flush(): Promise<void> {
  flushers += 1;
  try {
    while (waiting.length > 0) {
      const batch: Waiter[] = [];
      let bytes = 0;
      while (waiting.length > 0 && (batch.length === 0 || bytes + waiting[0]!.body.length <= maxBytesPerStatement)) {
        const next = waiting.shift()!;
        batch.push(next);
        bytes += next.body.length;
      }
      try {
        // One statement is one transaction: its rows commit together or not at all.
        await rawQuery(insertDeliveriesSql, [batch.map((w) => w.hash), batch.map((w) => w.body)]);
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
  } finally {
    flushers -= 1;
  }
}

export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** Resolves once the body is committed (new, or already stored byte for byte). */
export function storeDelivery(body: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    waiting.push({ body, hash: bodyHash(body), resolve, reject });
    if (flushers < maxFlushers) void flush();
  });
}

const insertChangesSql = `
  insert into webhook_events (dedupe_key, object, entry_id, entry_time, field, event, waba_id, value, status, last_error, received_at)
  select k, o, e, t::timestamptz, f, ev, w, v::json, s, p, coalesce(r::timestamptz, now())
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
    as c(k, o, e, t, f, ev, w, v, s, p, r)
  on conflict (dedupe_key) do nothing`;

/**
 * Stores changes as events, each once under its de-duplication key; `receivedAt` is when their POST
 * arrived. Inside a transaction, pass it.
 */
export async function storeChanges(changes: IncomingChange[], options: { receivedAt?: Date[]; tx?: Tx } = {}): Promise<void> {
  if (changes.length === 0) return;
  const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  changes.forEach((c, i) => {
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
    columns[10]!.push(options.receivedAt?.[i]?.toISOString() ?? null);
  });
  if (options.tx) await txQuery(options.tx, insertChangesSql, columns);
  else await rawQuery(insertChangesSql, columns);
}
