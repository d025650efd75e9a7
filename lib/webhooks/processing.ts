import { and, asc, eq, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import { db, rootCause, type Tx } from '@/lib/db/client';
import { webhookEvents, type WebhookEvent } from '@/lib/db/schema';
import { defineJob, jobs, jobsStarted, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { queueForwards } from '@/lib/webhooks/forwarding';
import { handlerFor } from '@/lib/webhooks/handlers';

// Processing runs on the job queue after the 200: the inbox table is the durable record, and a
// stately pg-boss queue ("at most one waiting drain") wakes the workers.

export type StoredChange = Pick<
  WebhookEvent,
  'id' | 'field' | 'event' | 'entryId' | 'entryTime' | 'wabaId' | 'receivedAt'
> & { value: Record<string, unknown> };

/** What a handler did: applied the change, or recognised it as not ours (another app, nothing to do). */
export type HandlerOutcome = 'processed' | 'ignored';
export type ChangeHandler = (change: StoredChange, tx: Tx) => Promise<HandlerOutcome>;

const maxAttempts = 10;

function retryDelayMs(attempts: number): number {
  const base = Math.min(10_000 * 2 ** (attempts - 1), 3_600_000);
  return base / 2 + Math.random() * (base / 2);
}

export async function processChange(id: string, options: { replay?: boolean } = {}): Promise<WebhookEvent['status'] | undefined> {
  try {
    return await db().transaction(async (tx) => {
      const [event] = await tx
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.id, id))
        .for('update', { skipLocked: true });
      if (!event) return undefined;
      if (!options.replay && event.status !== 'received' && event.status !== 'failed') return event.status;
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
      .set({ nextAttemptAt: attempts < maxAttempts ? new Date(Date.now() + retryDelayMs(attempts)) : null })
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
    for (const { id } of due) await processChange(id);
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
  name: 'webhooks.process',
  schema: noData,
  queue: { policy: 'stately' },
  schedule: '* * * * *',
  async handle() {
    await processPending();
  },
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
