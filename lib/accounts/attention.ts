import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/lib/db/client';
import { attentionItems } from '@/lib/db/schema';

// Attention items the account console raises and closes itself (drift, tokens). Items raised by
// webhooks go through lib/webhooks/handlers/common.ts; both land in attention_items.

/** Kinds raised here, each with the action that resolves it on the account page (`data.action`). */
export type ConsoleAttentionKind = 'webhook_drift' | 'token_expiring' | 'token_invalid';

/** Adds an item unless one of this kind is still open for the WABA; returns whether it was added. */
export async function raiseAttention(
  executor: Db | Tx,
  item: { metaWabaId: string; kind: ConsoleAttentionKind; message: string; data?: Record<string, unknown> },
): Promise<boolean> {
  const [open] = await executor
    .select({ id: attentionItems.id })
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, item.metaWabaId), eq(attentionItems.kind, item.kind), isNull(attentionItems.resolvedAt)))
    .limit(1);
  if (open) return false;
  await executor.insert(attentionItems).values({ wabaId: item.metaWabaId, kind: item.kind, message: item.message, data: item.data ?? {} });
  return true;
}

/** Closes the open items of these kinds once what they asked for holds again; `by` is the staff member who made it so. */
export async function closeAttention(executor: Db | Tx, metaWabaId: string, kinds: string[], resolution: string, by: string | null = null): Promise<number> {
  const closed = await executor
    .update(attentionItems)
    .set({ resolvedAt: new Date(), resolvedBy: by, resolution })
    .where(and(eq(attentionItems.wabaId, metaWabaId), inArray(attentionItems.kind, kinds), isNull(attentionItems.resolvedAt)))
    .returning({ id: attentionItems.id });
  return closed.length;
}
