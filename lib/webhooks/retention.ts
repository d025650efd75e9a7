import { eq, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { db, rowsOf } from '@/lib/db/client';
import { webhookEvents } from '@/lib/db/schema';
import { defineJob, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { readSetting } from '@/lib/settings';
import { UserError } from '@/lib/user-error';

// Retention of webhook traffic: events older than the configured age are deleted a batch at a time
// (each batch its own short statement, walking the received-at index from the oldest end, so that the
// table is never locked and the receiver keeps writing), except those staff chose to keep, those that
// failed and those not processed yet. Raw deliveries are deleted a day after processing split them.

/** Rows a statement deletes at most. */
export const retentionBatch = 5000;
/** How long a split raw delivery is kept (for a look at what Meta sent, byte for byte). */
export const deliveryRetentionMs = 24 * 3600_000;

const prunable = sql.raw(`status in ('processed', 'unhandled', 'ignored', 'invalid') and kept_at is null`);

export type RetentionResult = { events: number; deliveries: number; cutoff: Date };

/** Deletes what the retention allows as of `now`; returns how many events and deliveries went. */
export async function pruneWebhookTraffic(now = new Date(), batch = retentionBatch): Promise<RetentionResult> {
  const days = await readSetting('webhooks.retentionDays');
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let events = 0;
  // The keyset walks forward past what is kept, so a batch never re-reads the rows the last one skipped.
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const position = after ? sql`and (received_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
    const rows = rowsOf<{ at: string | null; id: string | null; deleted: number }>(
      await db().execute(sql`
        with scanned as (
          select id, received_at, status, kept_at from webhook_events
           where received_at < ${cutoff.toISOString()}::timestamptz ${position}
           order by received_at, id
           limit ${batch}
        ), doomed as (
          select id from scanned where ${prunable}
        ), forwards as (
          delete from webhook_forward_deliveries where event_id in (select id from doomed)
        ), deleted as (
          delete from webhook_events where id in (select id from doomed) returning 1
        ), last as (
          select received_at::text as at, id::text as id from scanned order by received_at desc, id desc limit 1
        )
        select last.at, last.id, (select count(*)::int from deleted) as deleted from (select 1) one left join last on true`),
    );
    const row = rows[0];
    events += Number(row?.deleted ?? 0);
    if (!row?.at || !row.id) break;
    after = { at: row.at, id: row.id };
  }
  let deliveries = 0;
  const splitBefore = new Date(now.getTime() - deliveryRetentionMs).toISOString();
  for (;;) {
    const rows = rowsOf<{ deleted: number }>(
      await db().execute(sql`
        with deleted as (
          delete from webhook_deliveries where id in (
            select id from webhook_deliveries where split_at is not null and split_at < ${splitBefore}::timestamptz order by id limit ${batch})
          returning 1)
        select count(*)::int as deleted from deleted`),
    );
    const n = Number(rows[0]?.deleted ?? 0);
    deliveries += n;
    if (n < batch) break;
  }
  return { events, deliveries, cutoff };
}

export const webhookRetentionJob = defineJob({
  name: 'maintenance.webhook-retention',
  schema: noData,
  schedule: '43 3 * * *',
  async handle() {
    const result = await pruneWebhookTraffic();
    if (result.events > 0 || result.deliveries > 0) log.info(result, 'old webhook events and split deliveries pruned');
  },
});

/** Keeps an event past the retention age (`keep`), or lets it go again; records who did it. */
export async function setEventKept(id: string, keep: boolean, audit: Auditor): Promise<{ field: string; keptAt: Date | null }> {
  return db().transaction(async (tx) => {
    const [event] = await tx
      .update(webhookEvents)
      .set({ keptAt: keep ? sql`coalesce(${webhookEvents.keptAt}, now())` : null })
      .where(eq(webhookEvents.id, id))
      .returning({ field: webhookEvents.field, keptAt: webhookEvents.keptAt });
    if (!event) throw new UserError('This event no longer exists.');
    await audit.record(tx, { action: keep ? 'webhook.keep' : 'webhook.stop_keeping', target: id, details: { field: event.field } });
    return event;
  });
}
