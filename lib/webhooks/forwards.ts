import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { vaultSecrets, webhookForwardDeliveries, webhookForwards } from '@/lib/db/schema';
import { storeSecret } from '@/lib/vault';

// Staff's forwards of chosen webhook fields to their own systems: create, read, enable, delete, and
// the dead letters. Delivering them is lib/webhooks/forwarding.ts.

/** A new forward with its own signing secret, returned this once (the vault keeps it). */
export async function createForward(field: string, url: string): Promise<{ id: string; secret: string }> {
  const secret = randomBytes(24).toString('base64url');
  return db().transaction(async (tx) => {
    const secretId = await storeSecret('setting', secret, tx);
    const [row] = await tx.insert(webhookForwards).values({ field, url, secretId }).returning({ id: webhookForwards.id });
    return { id: row!.id, secret };
  });
}

/** Deletes a forward, its delivery history and its signing secret. */
export async function deleteForward(id: string): Promise<void> {
  await db().transaction(async (tx) => {
    await tx.delete(webhookForwardDeliveries).where(eq(webhookForwardDeliveries.forwardId, id));
    const [forward] = await tx.delete(webhookForwards).where(eq(webhookForwards.id, id)).returning({ secretId: webhookForwards.secretId });
    if (forward) await tx.delete(vaultSecrets).where(eq(vaultSecrets.id, forward.secretId));
  });
}

export async function listForwards() {
  const forwards = await db()
    .select({
      id: webhookForwards.id,
      field: webhookForwards.field,
      url: webhookForwards.url,
      enabled: webhookForwards.enabled,
      failingSince: webhookForwards.failingSince,
      pausedUntil: webhookForwards.pausedUntil,
      createdAt: webhookForwards.createdAt,
    })
    .from(webhookForwards)
    .orderBy(asc(webhookForwards.field), asc(webhookForwards.createdAt));
  if (forwards.length === 0) return [];
  const counts = await db()
    .select({ forwardId: webhookForwardDeliveries.forwardId, status: webhookForwardDeliveries.status, n: count() })
    .from(webhookForwardDeliveries)
    .where(
      inArray(
        webhookForwardDeliveries.forwardId,
        forwards.map((f) => f.id),
      ),
    )
    .groupBy(webhookForwardDeliveries.forwardId, webhookForwardDeliveries.status);
  return forwards.map((f) => {
    const of = (status: string) => counts.find((c) => c.forwardId === f.id && c.status === status)?.n ?? 0;
    return { ...f, delivered: of('delivered'), pending: of('pending') + of('retrying'), dead: of('dead') };
  });
}

export async function getForward(id: string) {
  if (!z.string().uuid().safeParse(id).success) return undefined;
  const [row] = await db().select().from(webhookForwards).where(eq(webhookForwards.id, id));
  return row;
}

export async function setForwardEnabled(id: string, enabled: boolean): Promise<void> {
  await db().update(webhookForwards).set({ enabled }).where(eq(webhookForwards.id, id));
}

/** The dead-letter view: deliveries that used up their attempts, newest first. */
export async function listDeadDeliveries(limit = 100) {
  return db()
    .select({
      id: webhookForwardDeliveries.id,
      eventId: webhookForwardDeliveries.eventId,
      field: webhookForwards.field,
      url: webhookForwards.url,
      attempts: webhookForwardDeliveries.attempts,
      lastStatus: webhookForwardDeliveries.lastStatus,
      lastError: webhookForwardDeliveries.lastError,
      createdAt: webhookForwardDeliveries.createdAt,
    })
    .from(webhookForwardDeliveries)
    .innerJoin(webhookForwards, eq(webhookForwards.id, webhookForwardDeliveries.forwardId))
    .where(eq(webhookForwardDeliveries.status, 'dead'))
    .orderBy(desc(webhookForwardDeliveries.createdAt))
    .limit(limit);
}

/** Of these delivery ids, the ones that exist and are dead (the only ones staff may retry). */
export async function deadDeliveryIds(ids: string[]): Promise<string[]> {
  const valid = ids.filter((id) => z.string().uuid().safeParse(id).success);
  if (valid.length === 0) return [];
  const rows = await db()
    .select({ id: webhookForwardDeliveries.id })
    .from(webhookForwardDeliveries)
    .where(and(inArray(webhookForwardDeliveries.id, valid), eq(webhookForwardDeliveries.status, 'dead')));
  return rows.map((r) => r.id);
}
