import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { messageDailyCounts, messageStatuses } from '@/lib/db/schema';
import { changeTime, fromUnix, parseValue } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/processing';

// messages (reference §10.13, §10.14): per-number daily counts only; bodies are never stored.
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
  const [old] = await tx
    .select({ seen: messageStatuses.seen })
    .from(messageStatuses)
    .where(eq(messageStatuses.messageId, messageId))
    .for('update');
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
