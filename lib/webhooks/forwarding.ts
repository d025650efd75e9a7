import { and, eq, inArray, isNull, lte, min, or, sql } from 'drizzle-orm';
import { backoff } from '@/lib/backoff';
import { db, rawQuery, rootCause, type Tx } from '@/lib/db/client';
import { webhookForwardDeliveries, webhookForwards, type WebhookEvent } from '@/lib/db/schema';
import { afterCommit, defineJob, jobs, jobsStarted, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { readSecret } from '@/lib/vault';
import { signPayload } from '@/lib/webhooks/signature';

// Staff forward chosen fields (e.g. `messages`) to their own systems. Each change is re-sent as a
// one-change envelope, signed with that destination's own secret in `X-Onramp-Signature-256`
// (HMAC-SHA256 of the exact body, "sha256=<hex>"), retried with backoff, then dead-lettered.
//
// Every destination has its own lane in each worker process: at most `concurrency` requests in
// flight, each cut off after `timeoutMs`, so a destination that hangs only ever waits on itself.
// After `breakAfter` failures in a row the destination is paused (growing pauses), then probed
// with one request at a time until it answers again.
export const forwardSignatureHeader = 'x-onramp-signature-256';
const maxAttempts = 8;
export const forwardLimits = { concurrency: 4, timeoutMs: 10_000, breakAfter: 3 } as const;
/** Deliveries a lane takes at a time: the next few wait in memory, so that a claim is not a query per request. */
const claimSize = forwardLimits.concurrency * 2;
/** A claimed delivery is not claimed again before this (a wait behind the lane's requests, then its own). */
const leaseMs = forwardLimits.timeoutMs * 3;
const retryDelay = backoff({ baseMs: 5_000, factor: 3, maxMs: 3_600_000 });
const pauseDelay = backoff({ baseMs: 5_000, maxMs: 600_000 });
/** The longest a lane sleeps before looking again; the per-minute sweep covers anything else. */
const maxSleepMs = 60_000;
const dueStatuses = ['pending', 'retrying'] as const;

type ForwardedEvent = Pick<WebhookEvent, 'id' | 'object' | 'entryId' | 'entryTime' | 'field' | 'value'>;

/**
 * Called in the transaction that marks events processed, so each delivery is queued exactly once;
 * one query for the destinations and one insert for a whole batch of events. In a process that
 * sends, a destination with room takes its new deliveries straight into its lane once the
 * transaction commits (leased from the start, so no other worker claims them meanwhile): the
 * requests leave without another query. Otherwise the destination is woken to claim them.
 */
export async function queueForwards(tx: Tx, events: readonly ForwardedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const fields = [...new Set(events.map((e) => e.field))];
  const targets = await tx
    .select({ id: webhookForwards.id, field: webhookForwards.field })
    .from(webhookForwards)
    .where(and(inArray(webhookForwards.field, fields), eq(webhookForwards.enabled, true)));
  if (targets.length === 0) return;
  const now = Date.now();
  // Only what fits in a lane is leased to it: the rest stays claimable by any worker (and by this one
  // after a restart) rather than waiting out a lease its process may not live to honour.
  const room = new Map(targets.map((t) => [t.id, roomIn(t.id)]));
  const rows = events.flatMap((event) =>
    targets
      .filter((t) => t.field === event.field)
      .map((t) => {
        const left = room.get(t.id) ?? 0;
        if (left > 0) room.set(t.id, left - 1);
        return { eventId: event.id, forwardId: t.id, direct: left > 0 };
      }),
  );
  if (rows.length === 0) return;
  const inserted = await tx
    .insert(webhookForwardDeliveries)
    .values(rows.map((r) => ({ eventId: r.eventId, forwardId: r.forwardId, nextAttemptAt: new Date(r.direct ? now + leaseMs : now) })))
    .onConflictDoNothing()
    .returning({ id: webhookForwardDeliveries.id, forwardId: webhookForwardDeliveries.forwardId, eventId: webhookForwardDeliveries.eventId });
  const direct = new Set(rows.filter((r) => r.direct).map((r) => `${r.eventId} ${r.forwardId}`));
  const byId = new Map(events.map((e) => [e.id, e]));
  afterCommit(tx, () => {
    for (const delivery of inserted) {
      const event = byId.get(delivery.eventId);
      if (event && direct.has(`${delivery.eventId} ${delivery.forwardId}`)) handOver(delivery.forwardId, { id: delivery.id, attempts: 0, event });
    }
    wakeForwards([...new Set(rows.filter((r) => !r.direct).map((r) => r.forwardId))]);
  });
}

export function forwardBody(event: Pick<WebhookEvent, 'object' | 'entryId' | 'entryTime' | 'field' | 'value'>): string {
  const entry: Record<string, unknown> = { id: event.entryId, changes: [{ field: event.field, value: event.value }] };
  if (event.entryTime) entry.time = Math.floor(event.entryTime.getTime() / 1000);
  return JSON.stringify({ object: event.object, entry: [entry] });
}

// --- Lanes --------------------------------------------------------------------------------------

type Forward = typeof webhookForwards.$inferSelect;
type Lane = {
  inFlight: Set<Promise<void>>;
  /** Claimed, not yet sent. */
  queue: Claimed[];
  pumping: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** The forward's row, re-read at most every `forwardTtlMs` (staff may disable or delete it). */
  forward?: Forward;
  readAt: number;
  secret?: string;
};

const forwardTtlMs = 1_000;
const lanes = new Map<string, Lane>();
/** True in a process whose workers run (set when the queue starts them); only such a process sends. */
let dispatching = false;
let stopSignal = new AbortController();

function laneOf(forwardId: string): Lane {
  let lane = lanes.get(forwardId);
  if (!lane) {
    lane = { inFlight: new Set(), queue: [], pumping: false, again: false, readAt: 0 };
    lanes.set(forwardId, lane);
  }
  return lane;
}

/** How many new deliveries can go straight into the destination's lane (none while it fails or is backed up). */
function roomIn(forwardId: string): number {
  if (!dispatching) return 0;
  const lane = lanes.get(forwardId);
  if (!lane) return claimSize;
  const forward = lane.forward;
  if (forward && (forward.consecutiveFailures > 0 || (forward.pausedUntil && forward.pausedUntil.getTime() > Date.now()))) return 0;
  return Math.max(0, claimSize - lane.queue.length);
}

function handOver(forwardId: string, delivery: Claimed): void {
  if (!dispatching) return;
  laneOf(forwardId).queue.push(delivery);
  pump(forwardId);
}

/** Sends these destinations' due deliveries now: here when this process runs the workers, else through the queue. */
export function wakeForwards(forwardIds: string[]): void {
  if (dispatching) {
    for (const id of forwardIds) pump(id);
    return;
  }
  if (!jobsStarted()) return;
  jobs()
    .send(forwardJob.name, {}, { singletonKey: 'sweep' })
    .catch((error: unknown) => log.warn({ err: rootCause(error) }, 'could not wake webhook forwarding'));
}

function pump(forwardId: string): void {
  if (!dispatching) return;
  const lane = laneOf(forwardId);
  if (lane.pumping) {
    lane.again = true;
    return;
  }
  lane.pumping = true;
  fill(forwardId, lane)
    .catch((error: unknown) => {
      log.warn({ forwardId, err: rootCause(error) }, 'webhook forwarding lane failed');
      sleep(forwardId, lane, Date.now() + 5_000);
    })
    .finally(() => {
      lane.pumping = false;
      if (lane.again) {
        lane.again = false;
        pump(forwardId);
      }
    });
}

function sleep(forwardId: string, lane: Lane, until: number): void {
  if (!dispatching) return;
  clearTimeout(lane.timer);
  const wait = Math.min(Math.max(until - Date.now(), 20), maxSleepMs);
  lane.timer = setTimeout(() => {
    lane.timer = undefined;
    pump(forwardId);
  }, wait);
  lane.timer.unref();
}

async function readForward(forwardId: string, lane: Lane): Promise<Forward | undefined> {
  lane.readAt = Date.now();
  [lane.forward] = await db().select().from(webhookForwards).where(eq(webhookForwards.id, forwardId));
  return lane.forward;
}

/** The cached row; a stale one is refreshed in the background so that a request never waits for it. */
async function forwardOf(forwardId: string, lane: Lane): Promise<Forward | undefined> {
  if (!lane.forward) return readForward(forwardId, lane);
  if (Date.now() - lane.readAt > forwardTtlMs) {
    readForward(forwardId, lane)
      .then(() => pump(forwardId))
      .catch((error: unknown) => log.warn({ forwardId, err: rootCause(error) }, 'could not read a webhook forward'));
  }
  return lane.forward;
}

/** Starts as many due deliveries as the destination's lane has room for, then sleeps until the next is due. */
async function fill(forwardId: string, lane: Lane): Promise<void> {
  for (;;) {
    lane.again = false;
    const forward = await forwardOf(forwardId, lane);
    if (!forward?.enabled) {
      await release(lane);
      if (lane.inFlight.size === 0) {
        clearTimeout(lane.timer);
        lanes.delete(forwardId);
      }
      return;
    }
    if (forward.pausedUntil && forward.pausedUntil.getTime() > Date.now()) {
      await release(lane);
      return sleep(forwardId, lane, forward.pausedUntil.getTime());
    }
    // While the destination is failing, one request at a time finds out whether it is back.
    const failing = forward.consecutiveFailures >= forwardLimits.breakAfter;
    const limit = failing ? 1 : forwardLimits.concurrency;
    if (lane.inFlight.size >= limit) return;
    if (lane.queue.length === 0) {
      // Pushed, not assigned: deliveries handed over while the claim runs must not be dropped.
      lane.queue.push(...(await claim(forwardId, failing ? 1 : claimSize)));
      if (lane.queue.length === 0) {
        if (lane.inFlight.size === 0) sleep(forwardId, lane, (await nextDue(forwardId)) ?? Date.now() + maxSleepMs);
        return;
      }
    }
    while (lane.inFlight.size < limit && lane.queue.length > 0) start(forwardId, lane, forward, lane.queue.shift()!);
    if (!lane.again && lane.queue.length > 0) return;
  }
}

/** Hands a lane's claimed but unsent deliveries back (the destination is paused or gone, or we stop). */
async function release(lane: Lane): Promise<void> {
  if (lane.queue.length === 0) return;
  const ids = lane.queue.map((c) => c.id);
  lane.queue = [];
  await db().update(webhookForwardDeliveries).set({ nextAttemptAt: new Date() }).where(inArray(webhookForwardDeliveries.id, ids));
}

type Claimed = { id: string; attempts: number; event: ForwardedEvent };

// One statement takes the destination's oldest due deliveries, leases them to this lane (a crash
// mid-request only delays them) and returns what is needed to send them.
const claimSql = `
  with due as (
    select id from webhook_forward_deliveries
    where forward_id = $1 and status in ('pending', 'retrying') and next_attempt_at <= $2::timestamptz
    order by created_at
    limit $3
    for update skip locked
  ), leased as (
    update webhook_forward_deliveries d set next_attempt_at = $4::timestamptz
    from due where d.id = due.id
    returning d.id, d.attempts, d.event_id, d.created_at
  )
  select leased.id, leased.attempts, e.id as event_id, e.object, e.entry_id, e.entry_time, e.field, e.value
  from leased join webhook_events e on e.id = leased.event_id
  order by leased.created_at`;

type ClaimRow = {
  id: string;
  attempts: number;
  event_id: string;
  object: string;
  entry_id: string;
  entry_time: Date | string | null;
  field: string;
  value: unknown;
};

async function claim(forwardId: string, limit: number): Promise<Claimed[]> {
  const now = Date.now();
  const rows = await rawQuery<ClaimRow>(claimSql, [forwardId, new Date(now).toISOString(), limit, new Date(now + leaseMs).toISOString()]);
  return rows.map((row) => ({
    id: row.id,
    attempts: row.attempts,
    event: {
      id: row.event_id,
      object: row.object,
      entryId: row.entry_id,
      entryTime: row.entry_time === null ? null : new Date(row.entry_time),
      field: row.field,
      value: typeof row.value === 'string' ? (JSON.parse(row.value) as unknown) : row.value,
    },
  }));
}

async function nextDue(forwardId: string): Promise<number | undefined> {
  const [row] = await db()
    .select({ at: min(webhookForwardDeliveries.nextAttemptAt) })
    .from(webhookForwardDeliveries)
    .where(and(eq(webhookForwardDeliveries.forwardId, forwardId), inArray(webhookForwardDeliveries.status, [...dueStatuses])));
  return row?.at ? new Date(row.at).getTime() : undefined;
}

function start(forwardId: string, lane: Lane, forward: Forward, claimed: Claimed): void {
  const request = deliver(lane, forward, claimed)
    .catch((error: unknown) => log.error({ deliveryId: claimed.id, err: rootCause(error) }, 'could not record a webhook forward'))
    .finally(() => {
      lane.inFlight.delete(request);
      pump(forwardId);
    });
  lane.inFlight.add(request);
}

async function deliver(lane: Lane, forward: Forward, { id, attempts: before, event }: Claimed): Promise<void> {
  const body = forwardBody(event);
  const attempts = before + 1;
  let status: number | null = null;
  let error: string | null = null;
  try {
    lane.secret ??= await readSecret(forward.secretId);
    const response = await fetch(forward.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [forwardSignatureHeader]: signPayload(body, lane.secret),
        'x-onramp-event-id': event.id,
      },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(forwardLimits.timeoutMs), stopSignal.signal]),
    });
    status = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (failure) {
    if (stopSignal.signal.aborted) {
      // Shutting down: not the destination's fault, so the attempt is not counted.
      await db().update(webhookForwardDeliveries).set({ nextAttemptAt: new Date() }).where(eq(webhookForwardDeliveries.id, id));
      return;
    }
    error = (failure as Error).name === 'TimeoutError' ? `No answer within ${forwardLimits.timeoutMs / 1000} s` : rootCause(failure);
  }
  const delivered = error === null;
  await recordResult({
    id,
    attempts,
    lastStatus: status,
    lastError: error,
    status: delivered ? 'delivered' : attempts >= maxAttempts ? 'dead' : 'retrying',
    deliveredAt: delivered ? new Date().toISOString() : null,
    nextAttemptAt: delivered || attempts >= maxAttempts ? null : new Date(Date.now() + retryDelay.delay(attempts)).toISOString(),
  });
  if (delivered) {
    if (lane.forward && lane.forward.consecutiveFailures === 0 && !lane.forward.failingSince) return;
    const [healed] = await db()
      .update(webhookForwards)
      .set({ consecutiveFailures: 0, failingSince: null, pausedUntil: null })
      .where(eq(webhookForwards.id, forward.id))
      .returning();
    lane.forward = healed;
    return;
  }
  log.warn({ deliveryId: id, attempts, error }, 'webhook forward failed');
  lane.forward = (await recordFailure(forward.id)) ?? lane.forward;
}

// Results are written like the inbox's rows: requests that finish while a write runs go in the next
// one, so a busy destination costs one statement per batch, not one per request.
type Result = {
  id: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  status: (typeof webhookForwardDeliveries.$inferSelect)['status'];
  deliveredAt: string | null;
  nextAttemptAt: string | null;
};
const results: Array<{ result: Result; resolve(): void; reject(error: unknown): void }> = [];
let writingResults = false;

const resultSql = `
  update webhook_forward_deliveries d
  set attempts = v.attempts::int, last_status = v.last_status::int, last_error = v.last_error, status = v.status,
      delivered_at = v.delivered_at::timestamptz, next_attempt_at = v.next_attempt_at::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    as v(id, attempts, last_status, last_error, status, delivered_at, next_attempt_at)
  where d.id = v.id::uuid`;

function recordResult(result: Result): Promise<void> {
  return new Promise((resolve, reject) => {
    results.push({ result, resolve, reject });
    if (!writingResults) void writeResults();
  });
}

async function writeResults(): Promise<void> {
  writingResults = true;
  try {
    while (results.length > 0) {
      const batch = results.splice(0, 500);
      const rows = batch.map((b) => b.result);
      try {
        await rawQuery(resultSql, [
          rows.map((r) => r.id),
          // Text arrays (cast in the statement): the one array type both drivers pass alike.
          rows.map((r) => String(r.attempts)),
          rows.map((r) => (r.lastStatus === null ? null : String(r.lastStatus))),
          rows.map((r) => r.lastError),
          rows.map((r) => r.status),
          rows.map((r) => r.deliveredAt),
          rows.map((r) => r.nextAttemptAt),
        ]);
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  } finally {
    writingResults = false;
  }
}

/**
 * Counts a failed delivery against the destination; from `breakAfter` in a row on, it is paused, a
 * little longer after each failed probe. Requests that were already in flight when it was paused
 * do not count: they say nothing new about the destination.
 */
async function recordFailure(forwardId: string): Promise<Forward | undefined> {
  const now = new Date();
  const [row] = await db()
    .update(webhookForwards)
    .set({
      consecutiveFailures: sql`${webhookForwards.consecutiveFailures} + 1`,
      failingSince: sql`coalesce(${webhookForwards.failingSince}, ${now.toISOString()}::timestamptz)`,
    })
    .where(and(eq(webhookForwards.id, forwardId), or(isNull(webhookForwards.pausedUntil), lte(webhookForwards.pausedUntil, now))))
    .returning();
  if (!row || row.consecutiveFailures < forwardLimits.breakAfter) return row;
  const pause = pauseDelay.delay(row.consecutiveFailures - forwardLimits.breakAfter + 1);
  const [paused] = await db()
    .update(webhookForwards)
    .set({ pausedUntil: new Date(now.getTime() + pause) })
    .where(eq(webhookForwards.id, forwardId))
    .returning();
  return paused;
}

/** Wakes every destination that has deliveries due (at start, every minute, and when staff retry). */
async function sweep(): Promise<void> {
  const rows = await db()
    .selectDistinct({ forwardId: webhookForwardDeliveries.forwardId })
    .from(webhookForwardDeliveries)
    .where(and(inArray(webhookForwardDeliveries.status, [...dueStatuses]), lte(webhookForwardDeliveries.nextAttemptAt, new Date())));
  for (const { forwardId } of rows) pump(forwardId);
}

/** Staff action on the dead-letter view: try these deliveries again now. */
export async function retryDeliveries(ids: string[]): Promise<void> {
  const rows = await db()
    .update(webhookForwardDeliveries)
    .set({ status: 'retrying', nextAttemptAt: new Date() })
    .where(inArray(webhookForwardDeliveries.id, ids))
    .returning({ forwardId: webhookForwardDeliveries.forwardId });
  wakeForwards([...new Set(rows.map((r) => r.forwardId))]);
}

export const forwardJob = defineJob({
  name: 'webhooks.forwards',
  schema: noData,
  queue: { policy: 'short', expireInSeconds: 60 },
  schedule: '* * * * *',
  async handle() {
    if (dispatching) await sweep();
  },
  started() {
    dispatching = true;
    stopSignal = new AbortController();
    sweep().catch((error: unknown) => log.warn({ err: rootCause(error) }, 'webhook forwarding sweep failed'));
  },
  async stopping() {
    dispatching = false;
    stopSignal.abort();
    const inFlight = [...lanes.values()].flatMap((lane) => {
      clearTimeout(lane.timer);
      return [...lane.inFlight, release(lane)];
    });
    await Promise.allSettled(inFlight);
    lanes.clear();
  },
});
