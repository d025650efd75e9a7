import { and, asc, eq, inArray, lte, or } from 'drizzle-orm';
import { db, rootCause, type Tx } from '@/lib/db/client';
import {
  webhookEvents,
  webhookForwardDeliveries,
  webhookForwards,
  type WebhookEvent,
} from '@/lib/db/schema';
import { defineJob, jobs, jobsStarted, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { readSecret } from '@/lib/vault';
import { signPayload } from '@/lib/webhooks/signature';

// Staff forward chosen fields (e.g. `messages`) to their own systems. Each change is re-sent as a
// one-change envelope, signed with that destination's own secret in `X-Onramp-Signature-256`
// (HMAC-SHA256 of the exact body, "sha256=<hex>"), retried with backoff, then dead-lettered.
export const forwardSignatureHeader = 'x-onramp-signature-256';
const maxAttempts = 8;
const timeoutMs = 10_000;

/** Called in the transaction that marks an event processed, so a delivery is queued exactly once. */
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
  if (jobsStarted()) await jobs().send(forwardJob.name, {}, { singletonKey: 'forward' }).catch(() => null);
}

export function forwardBody(event: Pick<WebhookEvent, 'object' | 'entryId' | 'entryTime' | 'field' | 'value'>): string {
  const entry: Record<string, unknown> = { id: event.entryId, changes: [{ field: event.field, value: event.value }] };
  if (event.entryTime) entry.time = Math.floor(event.entryTime.getTime() / 1000);
  return JSON.stringify({ object: event.object, entry: [entry] });
}

async function deliver(deliveryId: string): Promise<void> {
  const [row] = await db()
    .select({ delivery: webhookForwardDeliveries, forward: webhookForwards, event: webhookEvents })
    .from(webhookForwardDeliveries)
    .innerJoin(webhookForwards, eq(webhookForwards.id, webhookForwardDeliveries.forwardId))
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookForwardDeliveries.eventId))
    .where(eq(webhookForwardDeliveries.id, deliveryId));
  if (!row) return;
  const body = forwardBody(row.event);
  const attempts = row.delivery.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(row.forward.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [forwardSignatureHeader]: signPayload(body, await readSecret(row.forward.secretId)),
        'x-onramp-event-id': row.event.id,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (failure) {
    error = rootCause(failure);
  }
  const delivered = error === null;
  const retryAt = new Date(Date.now() + Math.min(5_000 * 3 ** (attempts - 1), 3_600_000));
  await db()
    .update(webhookForwardDeliveries)
    .set({
      attempts,
      lastStatus: status,
      lastError: error,
      status: delivered ? 'delivered' : attempts >= maxAttempts ? 'dead' : 'retrying',
      deliveredAt: delivered ? new Date() : null,
      nextAttemptAt: delivered || attempts >= maxAttempts ? null : retryAt,
    })
    .where(eq(webhookForwardDeliveries.id, deliveryId));
  if (!delivered) log.warn({ deliveryId, attempts, error }, 'webhook forward failed');
}

/** Sends every delivery that is due; deliveries run in parallel so one slow destination waits alone. */
export async function deliverDueForwards(): Promise<number> {
  const due = await db()
    .select({ id: webhookForwardDeliveries.id })
    .from(webhookForwardDeliveries)
    .where(
      and(
        or(eq(webhookForwardDeliveries.status, 'pending'), eq(webhookForwardDeliveries.status, 'retrying')),
        lte(webhookForwardDeliveries.nextAttemptAt, new Date()),
      ),
    )
    .orderBy(asc(webhookForwardDeliveries.createdAt))
    .limit(100);
  await Promise.all(due.map((d) => deliver(d.id)));
  return due.length;
}

/** Staff action on the dead-letter view: try these deliveries again now. */
export async function retryDeliveries(ids: string[]): Promise<void> {
  await db()
    .update(webhookForwardDeliveries)
    .set({ status: 'retrying', nextAttemptAt: new Date() })
    .where(inArray(webhookForwardDeliveries.id, ids));
  if (jobsStarted()) await jobs().send(forwardJob.name, {}, { singletonKey: 'forward' });
}

export const forwardJob = defineJob({
  name: 'webhooks.forward',
  schema: noData,
  queue: { policy: 'stately' },
  schedule: '* * * * *',
  async handle() {
    while ((await deliverDueForwards()) === 100);
  },
});
