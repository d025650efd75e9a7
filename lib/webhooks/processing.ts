import { and, asc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import { backoff } from '@/lib/backoff';
import { db, rootCause, type Tx } from '@/lib/db/client';
import { webhookEvents, type WebhookEvent } from '@/lib/db/schema';
import { defineJob, jobs, jobsStarted, noData, runTransaction } from '@/lib/jobs';
import { log } from '@/lib/log';
import { queueForwards } from '@/lib/webhooks/forwarding';
import { handlerFor } from '@/lib/webhooks/handlers';

// Processing runs on the job queue after the 200: the inbox table is the durable record, and a
// queue with at most one waiting drain wakes the workers. Row locks, not the queue, keep two drains
// from applying one change twice, so a drain a crash left "active" never holds the next one back.

export type StoredChange = Pick<
  WebhookEvent,
  'id' | 'field' | 'event' | 'entryId' | 'entryTime' | 'wabaId' | 'receivedAt'
> & { value: Record<string, unknown> };

/** What a handler did: applied the change, or recognised it as not ours (another app, nothing to do). */
export type HandlerOutcome = 'processed' | 'ignored';
export type ChangeHandler = (change: StoredChange, tx: Tx) => Promise<HandlerOutcome>;

const maxAttempts = 10;
const retryDelay = backoff({ baseMs: 10_000, maxMs: 3_600_000 });

function isDue(event: WebhookEvent): boolean {
  if (event.status === 'received') return true;
  return event.status === 'failed' && event.nextAttemptAt !== null && event.nextAttemptAt.getTime() <= Date.now();
}

export async function processChange(id: string, options: { replay?: boolean } = {}): Promise<WebhookEvent['status'] | undefined> {
  try {
    return await runTransaction(async (tx) => {
      const [event] = await tx
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.id, id))
        .for('update', { skipLocked: true });
      if (!event) return undefined;
      // An invalid change has nothing a handler could apply; it stays visible as it came.
      if (event.status === 'invalid') return event.status;
      if (!options.replay && !isDue(event)) return event.status;
      const handler = handlerFor(event.field);
      const status = handler
        ? await handler({ ...event, value: event.value as Record<string, unknown> }, tx)
        : ('unhandled' as const);
      await tx
        .update(webhookEvents)
        .set({ status, attempts: event.attempts + 1, lastError: null, nextAttemptAt: null, processedAt: new Date() })
        .where(eq(webhookEvents.id, id));
      if (!options.replay) await queueForwards(tx, event);
      return status;
    });
  } catch (error) {
    const message = rootCause(error);
    log.warn({ eventId: id, err: message }, 'webhook handler failed');
    const [event] = await db()
      .update(webhookEvents)
      .set({ status: 'failed', attempts: sql`${webhookEvents.attempts} + 1`, lastError: message.slice(0, 2000) })
      .where(eq(webhookEvents.id, id))
      .returning({ attempts: webhookEvents.attempts });
    const attempts = event?.attempts ?? maxAttempts;
    await db()
      .update(webhookEvents)
      .set({ nextAttemptAt: attempts < maxAttempts ? new Date(Date.now() + retryDelay.delay(attempts)) : null })
      .where(eq(webhookEvents.id, id));
    return 'failed';
  }
}

/** Applies every change that is due (new, or failed with its retry time reached); returns how many. */
export async function processPending(batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await db()
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(
        or(
          eq(webhookEvents.status, 'received'),
          and(eq(webhookEvents.status, 'failed'), isNotNull(webhookEvents.nextAttemptAt), lte(webhookEvents.nextAttemptAt, new Date())),
        ),
      )
      .orderBy(asc(webhookEvents.receivedAt))
      .limit(batch);
    for (const { id } of due) {
      await processChange(id);
      // PGlite runs on this thread and its queries resolve as microtasks: without a turn of the
      // event loop between changes, a long drain would hold back every request (webhooks, health,
      // forwards) until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
    total += due.length;
    if (due.length < batch) return total;
  }
}

/** Staff replay: re-runs the handlers of these events (handlers are idempotent). */
export async function replayChanges(ids: string[]): Promise<void> {
  const rows = await db().select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, ids));
  for (const { id } of rows) await processChange(id, { replay: true });
}

export const processJob = defineJob({
  name: 'webhooks.drain',
  schema: noData,
  // `short`: one waiting drain absorbs every wake-up, and a drain left active by a crash does not
  // stop the next one from starting (a `stately` queue would wait for it to expire, 15 minutes).
  queue: { policy: 'short', expireInSeconds: 600 },
  schedule: '* * * * *',
  async handle() {
    await processPending();
  },
  // Changes a previous process stored but did not apply are taken up now, not at the next minute.
  started: () => kickProcessing(),
});

let kickTimer: NodeJS.Timeout | undefined;

/** Wakes the processors: kicks within 50 ms become one send, and a waiting drain absorbs the rest. */
export function kickProcessing(): void {
  if (!jobsStarted() || kickTimer) return;
  kickTimer = setTimeout(() => {
    kickTimer = undefined;
    // The queue may have stopped meanwhile (shutdown): the sweep picks the changes up at the next start.
    if (!jobsStarted()) return;
    jobs()
      .send(processJob.name, {}, { singletonKey: 'drain' })
      .catch((error: unknown) => log.warn({ err: rootCause(error) }, 'could not wake webhook processing'));
  }, 50);
}
