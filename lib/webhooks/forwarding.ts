import { and, asc, eq, inArray, lte, min, ne, sql } from 'drizzle-orm';
import { backoff } from '@/lib/backoff';
import { db, rootCause, type Tx } from '@/lib/db/client';
import {
  webhookEvents,
  webhookForwardDeliveries,
  webhookForwards,
  type WebhookEvent,
} from '@/lib/db/schema';
import { afterCommit, defineJob, jobs, jobsStarted } from '@/lib/jobs';
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
/** A claimed delivery is not claimed again before this, so a crash mid-request only delays it. */
const leaseMs = forwardLimits.timeoutMs + 5_000;
const retryDelay = backoff({ baseMs: 5_000, factor: 3, maxMs: 3_600_000 });
const pauseDelay = backoff({ baseMs: 5_000, maxMs: 600_000 });
/** The longest a lane sleeps before looking again; the per-minute sweep covers anything else. */
const maxSleepMs = 60_000;
const dueStatuses = ['pending', 'retrying'] as const;

/**
 * Called in the transaction that marks an event processed, so a delivery is queued exactly once;
 * the destinations are woken once that transaction commits.
 */
export async function queueForwards(tx: Tx, event: Pick<WebhookEvent, 'id' | 'field'>): Promise<void> {
  const targets = await tx
    .select({ id: webhookForwards.id })
    .from(webhookForwards)
    .where(and(eq(webhookForwards.field, event.field), eq(webhookForwards.enabled, true)));
  if (targets.length === 0) return;
  await tx
    .insert(webhookForwardDeliveries)
    .values(targets.map((t) => ({ eventId: event.id, forwardId: t.id, nextAttemptAt: new Date() })))
    .onConflictDoNothing();
  afterCommit(tx, () => wakeForwards(targets.map((t) => t.id)));
}

export function forwardBody(event: Pick<WebhookEvent, 'object' | 'entryId' | 'entryTime' | 'field' | 'value'>): string {
  const entry: Record<string, unknown> = { id: event.entryId, changes: [{ field: event.field, value: event.value }] };
  if (event.entryTime) entry.time = Math.floor(event.entryTime.getTime() / 1000);
  return JSON.stringify({ object: event.object, entry: [entry] });
}

// --- Lanes --------------------------------------------------------------------------------------

type Forward = typeof webhookForwards.$inferSelect;
type Lane = { inFlight: Set<Promise<void>>; pumping: boolean; again: boolean; timer?: NodeJS.Timeout; secret?: string };

const lanes = new Map<string, Lane>();
/** True in a process whose workers run (set when the queue starts them); only such a process sends. */
let dispatching = false;
let stopSignal = new AbortController();

function laneOf(forwardId: string): Lane {
  let lane = lanes.get(forwardId);
  if (!lane) {
    lane = { inFlight: new Set(), pumping: false, again: false };
    lanes.set(forwardId, lane);
  }
  return lane;
}

/** Sends these destinations' due deliveries now: here when this process runs the workers, else through the queue. */
export function wakeForwards(forwardIds: string[]): void {
  if (dispatching) {
    for (const id of forwardIds) pump(id);
    return;
  }
  if (!jobsStarted()) return;
  jobs()
    .send(forwardQueue, {}, { singletonKey: 'sweep' })
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

/** Starts as many due deliveries as the destination's lane has room for, then sleeps until the next is due. */
async function fill(forwardId: string, lane: Lane): Promise<void> {
  for (;;) {
    lane.again = false;
    const [forward] = await db().select().from(webhookForwards).where(eq(webhookForwards.id, forwardId));
    if (!forward || !forward.enabled) {
      if (lane.inFlight.size === 0) {
        clearTimeout(lane.timer);
        lanes.delete(forwardId);
      }
      return;
    }
    if (forward.pausedUntil && forward.pausedUntil.getTime() > Date.now()) return sleep(forwardId, lane, forward.pausedUntil.getTime());
    // While the destination is failing, one request at a time finds out whether it is back.
    const limit = forward.consecutiveFailures >= forwardLimits.breakAfter ? 1 : forwardLimits.concurrency;
    const room = limit - lane.inFlight.size;
    if (room <= 0) return;
    const claimed = await claim(forwardId, room);
    for (const row of claimed) start(forwardId, lane, forward, row);
    if (claimed.length < room) return sleep(forwardId, lane, (await nextDue(forwardId)) ?? Date.now() + maxSleepMs);
    if (!lane.again) return;
  }
}

type Claimed = { delivery: typeof webhookForwardDeliveries.$inferSelect; event: WebhookEvent };

/** Takes up to `limit` due deliveries of one destination, oldest first, leasing them to this lane. */
async function claim(forwardId: string, limit: number): Promise<Claimed[]> {
  const now = new Date();
  const due = db()
    .select({ id: webhookForwardDeliveries.id })
    .from(webhookForwardDeliveries)
    .where(
      and(
        eq(webhookForwardDeliveries.forwardId, forwardId),
        inArray(webhookForwardDeliveries.status, [...dueStatuses]),
        lte(webhookForwardDeliveries.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(webhookForwardDeliveries.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  const leased = await db()
    .update(webhookForwardDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(inArray(webhookForwardDeliveries.id, due))
    .returning({ id: webhookForwardDeliveries.id });
  if (leased.length === 0) return [];
  return db()
    .select({ delivery: webhookForwardDeliveries, event: webhookEvents })
    .from(webhookForwardDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookForwardDeliveries.eventId))
    .where(inArray(webhookForwardDeliveries.id, leased.map((l) => l.id)))
    .orderBy(asc(webhookForwardDeliveries.createdAt));
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
    .catch((error: unknown) => log.error({ deliveryId: claimed.delivery.id, err: rootCause(error) }, 'could not record a webhook forward'))
    .finally(() => {
      lane.inFlight.delete(request);
      pump(forwardId);
    });
  lane.inFlight.add(request);
}

async function deliver(lane: Lane, forward: Forward, { delivery, event }: Claimed): Promise<void> {
  const body = forwardBody(event);
  const attempts = delivery.attempts + 1;
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
      await db().update(webhookForwardDeliveries).set({ nextAttemptAt: new Date() }).where(eq(webhookForwardDeliveries.id, delivery.id));
      return;
    }
    error = (failure as Error).name === 'TimeoutError' ? `No answer within ${forwardLimits.timeoutMs / 1000} s` : rootCause(failure);
  }
  const delivered = error === null;
  await db()
    .update(webhookForwardDeliveries)
    .set({
      attempts,
      lastStatus: status,
      lastError: error,
      status: delivered ? 'delivered' : attempts >= maxAttempts ? 'dead' : 'retrying',
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered || attempts >= maxAttempts ? null : new Date(Date.now() + retryDelay.delay(attempts)),
    })
    .where(eq(webhookForwardDeliveries.id, delivery.id));
  if (delivered) {
    await db()
      .update(webhookForwards)
      .set({ consecutiveFailures: 0, failingSince: null, pausedUntil: null })
      .where(and(eq(webhookForwards.id, forward.id), ne(webhookForwards.consecutiveFailures, 0)));
    return;
  }
  log.warn({ deliveryId: delivery.id, attempts, error }, 'webhook forward failed');
  await recordFailure(forward.id);
}

/** Counts a failed delivery against the destination; from `breakAfter` in a row on, it is paused. */
async function recordFailure(forwardId: string): Promise<void> {
  const [row] = await db()
    .update(webhookForwards)
    .set({ consecutiveFailures: sql`${webhookForwards.consecutiveFailures} + 1`, failingSince: sql`coalesce(${webhookForwards.failingSince}, now())` })
    .where(eq(webhookForwards.id, forwardId))
    .returning({ failures: webhookForwards.consecutiveFailures });
  if (!row || row.failures < forwardLimits.breakAfter) return;
  const pause = pauseDelay.delay(row.failures - forwardLimits.breakAfter + 1);
  await db().update(webhookForwards).set({ pausedUntil: new Date(Date.now() + pause) }).where(eq(webhookForwards.id, forwardId));
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

export const forwardQueue = 'webhooks.forwards';

defineJob(forwardQueue, {
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
      return [...lane.inFlight];
    });
    await Promise.allSettled(inFlight);
    lanes.clear();
  },
});
