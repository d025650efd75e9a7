import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { txQuery, type Tx } from '@/lib/db/client';
import { messageDailyCounts, messageStatuses } from '@/lib/db/schema';
import { changeTime, fromUnix, parseValue } from '@/lib/webhooks/handlers/common';
import type { BatchHandler, ChangeHandler } from '@/lib/webhooks/types';

// messages (docs/meta/webhooks.md#messages-inbound, docs/meta/webhooks.md#messages-statuses): per-number daily counts only; bodies are never stored.
// Meta repeats messages and statuses in differently batched deliveries and statuses arrive out of
// order, so each (message id, status) is remembered in message_statuses and counted once.

const timestamp = z.union([z.string(), z.number()]).optional();

const messagesSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.union([z.string().min(1), z.number()]).transform(String) }),
  messages: z.array(z.looseObject({ id: z.string().min(1), timestamp })).default([]),
  statuses: z.array(z.looseObject({ id: z.string().min(1), status: z.string().min(1), timestamp })).default([]),
});

type Counter = 'inbound' | 'sent' | 'delivered' | 'read' | 'failed';

// `played` (voice) is read-level: it has its own bit but shares read's counter, counted once.
const kinds: Record<string, { bit: number; counter: Counter; countedWith: number }> = {
  sent: { bit: 1, counter: 'sent', countedWith: 1 },
  delivered: { bit: 2, counter: 'delivered', countedWith: 2 },
  read: { bit: 4, counter: 'read', countedWith: 4 | 8 },
  played: { bit: 8, counter: 'read', countedWith: 4 | 8 },
  failed: { bit: 16, counter: 'failed', countedWith: 16 },
  received: { bit: 32, counter: 'inbound', countedWith: 32 },
};

const rank = (status: SQL) =>
  sql`case ${status} when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'played' then 4 when 'failed' then 100 else 0 end`;

/**
 * Records one status of one message and returns whether it should be counted (first time this
 * message reached that level). The stored status only moves forward (sent < delivered < read ≤
 * played) and `failed` is terminal.
 */
async function recordStatus(tx: Tx, messageId: string, phoneNumberId: string, status: string): Promise<Counter | undefined> {
  const kind = kinds[status];
  const [old] = await tx.select({ seen: messageStatuses.seen }).from(messageStatuses).where(eq(messageStatuses.messageId, messageId)).for('update');
  const bit = kind?.bit ?? 0;
  if (old && (old.seen & bit) !== 0) return undefined;
  await tx
    .insert(messageStatuses)
    .values({ messageId, phoneNumberId, status, seen: bit })
    .onConflictDoUpdate({
      target: messageStatuses.messageId,
      set: {
        seen: sql`${messageStatuses.seen} | ${bit}`,
        status: sql`case when ${rank(sql`${status}::text`)} > ${rank(sql`${messageStatuses.status}`)} then excluded.status else ${messageStatuses.status} end`,
        updatedAt: new Date(),
      },
    });
  if (!kind || (old && (old.seen & kind.countedWith) !== 0)) return undefined;
  return kind.counter;
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export const handleMessages: ChangeHandler = async (change, tx) => {
  const value = parseValue(messagesSchema, change);
  const phoneNumberId = value.metadata.phone_number_id;
  const fallback = changeTime(change);
  const counts = new Map<string, Record<Counter, number>>();
  const count = (at: Date, counter: Counter) => {
    const day = dayOf(at);
    const row = counts.get(day) ?? { inbound: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
    row[counter] += 1;
    counts.set(day, row);
  };

  // Inbound message ids share the table: a wamid is either ours (statuses) or the user's (received).
  for (const message of value.messages) {
    const counter = await recordStatus(tx, message.id, phoneNumberId, 'received');
    if (counter) count(fromUnix(message.timestamp) ?? fallback, counter);
  }
  for (const status of value.statuses) {
    const counter = await recordStatus(tx, status.id, phoneNumberId, status.status);
    if (counter) count(fromUnix(status.timestamp) ?? fallback, counter);
  }

  for (const [day, c] of counts) {
    await tx
      .insert(messageDailyCounts)
      .values({ phoneNumberId, day, ...c })
      .onConflictDoUpdate({
        target: [messageDailyCounts.phoneNumberId, messageDailyCounts.day],
        set: {
          inbound: sql`${messageDailyCounts.inbound} + ${c.inbound}`,
          sent: sql`${messageDailyCounts.sent} + ${c.sent}`,
          delivered: sql`${messageDailyCounts.delivered} + ${c.delivered}`,
          read: sql`${messageDailyCounts.read} + ${c.read}`,
          failed: sql`${messageDailyCounts.failed} + ${c.failed}`,
        },
      });
  }
  return 'processed';
};

// --- A batch at once ---------------------------------------------------------------------------------
// The same rules for hundreds of changes in five statements: create the missing message rows, lock
// them all (in id order, so two workers cannot deadlock), decide in memory what each status adds and
// counts, write the messages back and add the day counts.

type Entry = { messageId: string; phoneNumberId: string; status: string; at: Date };

function entriesOf(changes: Parameters<BatchHandler>[0]): Entry[] {
  const entries: Entry[] = [];
  for (const change of changes) {
    const value = parseValue(messagesSchema, change);
    const phoneNumberId = value.metadata.phone_number_id;
    const fallback = changeTime(change);
    for (const message of value.messages)
      entries.push({ messageId: message.id, phoneNumberId, status: 'received', at: fromUnix(message.timestamp) ?? fallback });
    for (const status of value.statuses)
      entries.push({ messageId: status.id, phoneNumberId, status: status.status, at: fromUnix(status.timestamp) ?? fallback });
  }
  return entries;
}

const statusRank = (status: string): number => ({ sent: 1, delivered: 2, read: 3, played: 4, failed: 100 })[status] ?? 0;

export const handleMessageBatch: BatchHandler = async (changes, tx) => {
  const entries = entriesOf(changes);
  if (entries.length === 0) return;
  const first = new Map<string, Entry>();
  for (const entry of entries) if (!first.has(entry.messageId)) first.set(entry.messageId, entry);
  const ids = [...first.keys()].sort();
  await txQuery(
    tx,
    `insert into message_statuses (message_id, phone_number_id, status, seen)
     select m, p, s, 0 from unnest($1::text[], $2::text[], $3::text[]) as n(m, p, s) order by m
     on conflict (message_id) do nothing`,
    [ids, ids.map((id) => first.get(id)!.phoneNumberId), ids.map((id) => first.get(id)!.status)],
  );
  const stored = await txQuery<{ message_id: string; status: string; seen: number }>(
    tx,
    `select message_id, status, seen from message_statuses where message_id = any($1::text[]) order by message_id for update`,
    [ids],
  );
  const state = new Map(stored.map((row) => [row.message_id, { status: row.status, seen: Number(row.seen) }]));

  const counts = new Map<string, Record<Counter, number> & { phoneNumberId: string; day: string }>();
  for (const entry of entries) {
    const current = state.get(entry.messageId)!;
    const kind = kinds[entry.status];
    const bit = kind?.bit ?? 0;
    if ((current.seen & bit) !== 0) continue;
    const counted = kind && (current.seen & kind.countedWith) === 0;
    current.seen |= bit;
    if (statusRank(entry.status) > statusRank(current.status)) current.status = entry.status;
    if (!counted) continue;
    const key = `${entry.phoneNumberId}\n${dayOf(entry.at)}`;
    const row = counts.get(key) ?? { phoneNumberId: entry.phoneNumberId, day: dayOf(entry.at), inbound: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
    row[kind.counter] += 1;
    counts.set(key, row);
  }

  await txQuery(
    tx,
    `update message_statuses m set seen = v.seen, status = v.status, updated_at = now()
       from unnest($1::text[], $2::int[], $3::text[]) as v(id, seen, status)
      where m.message_id = v.id and (m.seen <> v.seen or m.status <> v.status)`,
    [ids, ids.map((id) => state.get(id)!.seen), ids.map((id) => state.get(id)!.status)],
  );
  if (counts.size === 0) return;
  const rows = [...counts.values()];
  await txQuery(
    tx,
    `insert into message_daily_counts (phone_number_id, day, inbound, sent, delivered, read, failed)
     select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[])
     on conflict (phone_number_id, day) do update set
       inbound = message_daily_counts.inbound + excluded.inbound,
       sent = message_daily_counts.sent + excluded.sent,
       delivered = message_daily_counts.delivered + excluded.delivered,
       read = message_daily_counts.read + excluded.read,
       failed = message_daily_counts.failed + excluded.failed`,
    [
      rows.map((r) => r.phoneNumberId),
      rows.map((r) => r.day),
      rows.map((r) => r.inbound),
      rows.map((r) => r.sent),
      rows.map((r) => r.delivered),
      rows.map((r) => r.read),
      rows.map((r) => r.failed),
    ],
  );
};
