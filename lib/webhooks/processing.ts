import { and, asc, eq, inArray, isNotNull, lte, or } from 'drizzle-orm';
import { backoff } from '@/lib/backoff';
import { database, rootCause, txQuery, type Tx } from '@/lib/db/client';
import { webhookEvents, type WebhookEvent } from '@/lib/db/schema';
import { defineJob, jobs, jobsStarted, noData, runSavepoint, runTransaction, workingHere } from '@/lib/jobs';
import { log } from '@/lib/log';
import { changesOf, envelopeSchema, type IncomingChange } from '@/lib/webhooks/envelope';
import { queueForwards } from '@/lib/webhooks/forwarding';
import { batchHandlerFor, handlerFor } from '@/lib/webhooks/handlers';
import { storeChanges } from '@/lib/webhooks/inbox';
import type { StoredChange } from '@/lib/webhooks/types';

// Processing runs after the 200, in batches: split the stored POSTs into their changes, then claim
// many due changes at once (`FOR UPDATE SKIP LOCKED`, so several workers on several machines share
// the work and never take the same change), apply each field's handler set-wise where it can (one
// upsert for hundreds of message statuses) or change by change in a savepoint, mark them all in one
// statement and queue their forwards, all in the claiming transaction. A worker that dies mid-batch
// rolls back, and its changes are due again at once.

const maxAttempts = 10;
const retryDelay = backoff({ baseMs: 10_000, maxMs: 3_600_000 });

/** How much one transaction takes. PGlite serves every request from one connection: smaller there. */
function batchSizes() {
  return database().kind === 'pglite' ? { deliveries: 10, changes: 200 } : { deliveries: 40, changes: 1000 };
}

type Outcome = { id: string; status: WebhookEvent['status']; error: string | null; attempts: number };

// --- Splitting the stored POSTs --------------------------------------------------------------------

/** Splits up to `limit` stored POSTs into their changes (each stored once); returns how many POSTs. */
export async function splitDeliveries(limit = batchSizes().deliveries): Promise<number> {
  const { split, invalid } = await runTransaction(async (tx) => {
    const rows = await txQuery<{ id: string; body: string; received_at: string }>(
      tx,
      `select id, body, received_at::text from webhook_deliveries where split_at is null order by id limit $1 for update skip locked`,
      [limit],
    );
    const changes: IncomingChange[] = [];
    const receivedAt: Date[] = [];
    const counts: number[] = [];
    for (const row of rows) {
      // The receiver checked the envelope before the 200; what is inside each entry is judged here.
      const envelope = envelopeSchema.safeParse(JSON.parse(row.body));
      const found = envelope.success ? changesOf(envelope.data) : [];
      const at = new Date(row.received_at);
      for (const change of found) {
        changes.push(change);
        receivedAt.push(at);
      }
      counts.push(found.length);
    }
    await storeChanges(changes, { receivedAt, tx });
    if (rows.length > 0) {
      await txQuery(
        tx,
        `update webhook_deliveries set split_at = now(), changes = d.n from unnest($1::bigint[], $2::int[]) as d(id, n) where webhook_deliveries.id = d.id`,
        [rows.map((r) => r.id), counts],
      );
    }
    return { split: rows.length, invalid: changes.filter((c) => c.status === 'invalid') };
  });
  if (invalid.length > 0) log.warn({ invalid: invalid.length, problems: invalid.slice(0, 3).map((c) => c.problem) }, 'webhook deliveries had invalid changes');
  return split;
}

// --- Applying changes --------------------------------------------------------------------------------

function asStored(event: WebhookEvent): StoredChange {
  return { ...event, value: event.value as Record<string, unknown> };
}

/** One field's changes: set-wise when the field has a batch handler, else one by one, each in a savepoint. */
async function applyField(tx: Tx, field: string, events: WebhookEvent[], outcomes: Outcome[]): Promise<void> {
  const handler = handlerFor(field);
  const done = (event: WebhookEvent, status: Outcome['status'], error: string | null = null) =>
    outcomes.push({ id: event.id, status, error, attempts: event.attempts + 1 });
  if (!handler) {
    for (const event of events) done(event, 'unhandled');
    return;
  }
  const batch = batchHandlerFor(field);
  if (batch && events.length > 1) {
    try {
      await runSavepoint(tx, (savepoint) => batch(events.map(asStored), savepoint));
      for (const event of events) done(event, 'processed');
      return;
    } catch (error) {
      // A bad change in the batch: apply them one by one, so that only it fails.
      log.debug({ field, err: rootCause(error) }, 'batch handler failed; applying changes one by one');
    }
  }
  for (const event of events) {
    try {
      done(event, await runSavepoint(tx, (savepoint) => handler(asStored(event), savepoint)));
    } catch (error) {
      const message = rootCause(error);
      log.warn({ eventId: event.id, field, err: message }, 'webhook handler failed');
      done(event, 'failed', message.slice(0, 2000));
    }
  }
}

/** Applies these locked events, records every outcome in one statement and queues the forwards. */
async function applyEvents(tx: Tx, events: WebhookEvent[], options: { forward: boolean }): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const byField = new Map<string, WebhookEvent[]>();
  for (const event of events) {
    // An invalid change has nothing a handler could apply; it stays visible as it came.
    if (event.status === 'invalid') continue;
    const group = byField.get(event.field);
    if (group) group.push(event);
    else byField.set(event.field, [event]);
  }
  for (const [field, group] of byField) await applyField(tx, field, group, outcomes);
  if (outcomes.length === 0) return outcomes;
  const now = Date.now();
  await txQuery(
    tx,
    `update webhook_events e
        set status = o.status, attempts = o.attempts, last_error = o.error,
            next_attempt_at = o.next_at::timestamptz,
            processed_at = case when o.status = 'failed' then e.processed_at else now() end
       from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[]) as o(id, status, attempts, error, next_at)
      where e.id = o.id`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.attempts),
      outcomes.map((o) => o.error),
      outcomes.map((o) => (o.status === 'failed' && o.attempts < maxAttempts ? new Date(now + retryDelay.delay(o.attempts)).toISOString() : null)),
    ],
  );
  if (options.forward) {
    const applied = new Set(outcomes.filter((o) => o.status !== 'failed').map((o) => o.id));
    await queueForwards(
      tx,
      events.filter((e) => applied.has(e.id)),
    );
  }
  return outcomes;
}

const due = () =>
  or(
    eq(webhookEvents.status, 'received'),
    and(eq(webhookEvents.status, 'failed'), isNotNull(webhookEvents.nextAttemptAt), lte(webhookEvents.nextAttemptAt, new Date())),
  );

/** Claims up to `limit` due changes (oldest first, skipping those another worker holds) and applies them. */
export async function processBatch(limit = batchSizes().changes): Promise<number> {
  return runTransaction(async (tx) => {
    const events = await tx.select().from(webhookEvents).where(due()).orderBy(asc(webhookEvents.receivedAt)).limit(limit).for('update', { skipLocked: true });
    if (events.length === 0) return 0;
    await applyEvents(tx, events, { forward: true });
    return events.length;
  });
}

// PGlite runs on this thread and its queries resolve as microtasks: without a turn of the event
// loop between batches, a long drain would hold back every request (webhooks, health, pages).
const yieldTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Splits what was received and applies every change that is due; returns how many changes. */
export async function processPending(): Promise<number> {
  let total = 0;
  for (;;) {
    const split = await splitDeliveries();
    const applied = await processBatch();
    total += applied;
    await yieldTurn();
    if (split === 0 && applied === 0) return total;
  }
}

/** Staff replay: re-runs the handlers of these events (handlers are idempotent); no forwards. */
export async function replayChanges(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await runTransaction(async (tx) => {
    const events = await tx.select().from(webhookEvents).where(inArray(webhookEvents.id, ids)).for('update');
    await applyEvents(tx, events, { forward: false });
  });
}

// --- Waking the processors ----------------------------------------------------------------------------

let localDrain: Promise<void> | undefined;
let drainAgain = false;

/** Drains in this process (it runs workers): one loop at a time, run again if woken meanwhile. */
function drainHere(): void {
  if (localDrain) {
    drainAgain = true;
    return;
  }
  localDrain = (async () => {
    do {
      drainAgain = false;
      await processPending();
    } while (drainAgain);
  })()
    .catch((error: unknown) => log.error({ err: rootCause(error) }, 'webhook processing failed'))
    .finally(() => {
      localDrain = undefined;
    });
}

/** Resolves once this process's own drain has finished (tests, benchmarks). */
export async function processingIdle(): Promise<void> {
  while (localDrain) await localDrain;
}

export const processJob = defineJob({
  name: 'webhooks.drain',
  schema: noData,
  // `short`: one waiting drain absorbs every wake-up, and a drain left active by a crash does not
  // stop the next one from starting (a `stately` queue would wait for it to expire, 15 minutes).
  queue: { policy: 'short', expireInSeconds: 600 },
  schedule: '* * * * *',
  // One drain per process: two loops here could apply two changes of one subject out of receipt
  // order, and Meta's timestamps (whole seconds) cannot always tell which came last.
  async handle() {
    drainHere();
    await processingIdle();
  },
  // Changes a previous process stored but did not apply are taken up now, not at the next minute.
  started: () => kickProcessing(),
});

let kickTimer: NodeJS.Timeout | undefined;

/**
 * Wakes the processors after a 200: here at once when this process runs workers; otherwise the
 * queue carries the wake-up to the worker processes (kicks within 50 ms become one send).
 */
export function kickProcessing(): void {
  if (!jobsStarted()) return;
  if (workingHere()) {
    drainHere();
    return;
  }
  if (kickTimer) return;
  kickTimer = setTimeout(() => {
    kickTimer = undefined;
    // The queue may have stopped meanwhile (shutdown): the sweep picks the changes up at the next start.
    if (!jobsStarted()) return;
    jobs()
      .send(processJob.name, {}, { singletonKey: 'drain' })
      .catch((error: unknown) => log.warn({ err: rootCause(error) }, 'could not wake webhook processing'));
  }, 50);
}
