import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { attentionItems, businesses, wabas } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { defineJob, enqueue, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { getAllocationConfig, revokeCreditLine } from '@/lib/meta/credit-lines';
import { hasCode, isGraphError, systemToken } from '@/lib/meta/graph';

// The customer removed us (PARTNER_REMOVED / PARTNER_APP_UNINSTALLED) and the revoke setting is on:
// take our credit line back from their portfolio (docs/meta/credit-lines.md). The open
// `credit_line_revoke_requested` item is the durable record; the sweep re-queues any left open.

export const requestedKind = 'credit_line_revoke_requested';
export const manualKind = 'credit_line_revoke';

export const revokeJobDataSchema = z.object({
  wabaId: z.string().regex(/^\d+$/),
  ownerBusinessId: z.string().regex(/^\d+$/).nullable().optional(),
});

export type RevokeOutcome =
  | { outcome: 'revoked'; allocationIds: string[] }
  | { outcome: 'already_revoked' }
  | { outcome: 'reconnected' }
  | { outcome: 'needs_staff'; reason: string };

class PermanentRevokeFailure extends Error {}

async function resolveRequested(metaWabaId: string): Promise<void> {
  await db()
    .update(attentionItems)
    .set({ resolvedAt: new Date() })
    .where(and(eq(attentionItems.wabaId, metaWabaId), eq(attentionItems.kind, requestedKind), isNull(attentionItems.resolvedAt)));
}

/** Replaces the automatic request with an item asking staff to revoke by hand. */
async function handOverToStaff(metaWabaId: string, ownerBusinessId: string | null, reason: string): Promise<void> {
  await db().transaction(async (tx) => {
    await tx
      .update(attentionItems)
      .set({ resolvedAt: new Date() })
      .where(and(eq(attentionItems.wabaId, metaWabaId), eq(attentionItems.kind, requestedKind), isNull(attentionItems.resolvedAt)));
    const [open] = await tx
      .select({ id: attentionItems.id })
      .from(attentionItems)
      .where(and(eq(attentionItems.wabaId, metaWabaId), eq(attentionItems.kind, manualKind), isNull(attentionItems.resolvedAt)));
    if (open) return;
    await tx.insert(attentionItems).values({
      wabaId: metaWabaId,
      kind: manualKind,
      message: `Revoking our credit line from WABA ${metaWabaId} failed (${reason}); revoke it by hand in Business Settings.`,
      data: { ownerBusinessId, reason },
    });
  });
}

/** A credit-line call that failed for good (not a transient Meta error) needs a person. */
function permanentReason(error: unknown): string | undefined {
  if (error instanceof PermanentRevokeFailure) return error.message;
  if (isGraphError(error) && error.kind !== 'transient') return `Meta error ${error.auditCode}: ${error.hint}`;
  return undefined;
}

async function ownerOf(metaWabaId: string, given: string | null | undefined) {
  const [row] = await db()
    .select({ waba: wabas, ownerBusinessId: businesses.metaBusinessId })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(eq(wabas.metaWabaId, metaWabaId));
  return { waba: row?.waba, ownerBusinessId: given ?? row?.ownerBusinessId ?? null };
}

/**
 * Revokes the credit line shared with the WABA's owner, if the WABA is still disconnected.
 * Idempotent: an allocation already deleted counts as done. Transient Meta errors throw (the
 * queue retries, and the sweep later); anything else hands the item over to staff.
 */
export async function revokeCreditLineFor(input: z.infer<typeof revokeJobDataSchema>): Promise<RevokeOutcome> {
  const { waba, ownerBusinessId } = await ownerOf(input.wabaId, input.ownerBusinessId);
  if (waba?.status === 'connected') {
    await resolveRequested(input.wabaId);
    log.info({ wabaId: input.wabaId }, 'credit line revocation skipped: the WABA is connected again');
    return { outcome: 'reconnected' };
  }
  try {
    const creditLineId = metaConfig().creditLineId;
    if (!creditLineId) throw new PermanentRevokeFailure('META_CREDIT_LINE_ID is not configured');
    if (!ownerBusinessId) throw new PermanentRevokeFailure("the customer's business portfolio id is unknown");
    const token = systemToken();
    if (waba?.allocationConfigId) {
      const stored = await getAllocationConfig(waba.allocationConfigId, token);
      if (stored.requestStatus === 'DELETED') {
        await resolveRequested(input.wabaId);
        return { outcome: 'already_revoked' };
      }
    }
    let allocationIds: string[];
    try {
      allocationIds = await revokeCreditLine(creditLineId, ownerBusinessId, token);
    } catch (error) {
      // Meta answers the allocation lookup with a plain 100 when nothing active is left for that
      // portfolio (already revoked); 100/33 means the credit line itself is wrong.
      if (hasCode(error, 100) && error.subcode !== 33) allocationIds = [];
      else throw error;
    }
    await resolveRequested(input.wabaId);
    await recordAudit(null, { action: 'credit_line.revoke', target: input.wabaId, details: { ownerBusinessId, allocationIds } });
    return allocationIds.length > 0 ? { outcome: 'revoked', allocationIds } : { outcome: 'already_revoked' };
  } catch (error) {
    const reason = permanentReason(error);
    if (reason === undefined) throw error;
    log.warn({ wabaId: input.wabaId, reason }, 'credit line revocation failed; handed to staff');
    await handOverToStaff(input.wabaId, ownerBusinessId, reason);
    return { outcome: 'needs_staff', reason };
  }
}

/** Re-queues every revocation still requested (a queue lost, a worker down, retries used up); returns how many. */
export async function requeueRevocations(): Promise<number> {
  const open = await db()
    .select({ wabaId: attentionItems.wabaId, data: attentionItems.data })
    .from(attentionItems)
    .where(and(eq(attentionItems.kind, requestedKind), isNull(attentionItems.resolvedAt)));
  let queued = 0;
  for (const item of open) {
    if (!item.wabaId) continue;
    const data = item.data as { ownerBusinessId?: string | null } | null;
    const id = await enqueue(revokeCreditLineJob, { wabaId: item.wabaId, ownerBusinessId: data?.ownerBusinessId ?? null }, { singletonKey: item.wabaId });
    if (id) queued += 1;
  }
  return queued;
}

export const revokeCreditLineJob = defineJob({
  name: 'credit-lines.revoke',
  schema: revokeJobDataSchema,
  // One waiting and one running job per WABA; a queue retry covers a short Meta outage.
  queue: { policy: 'stately', retryLimit: 4, retryDelay: 60, retryBackoff: true },
  async handle(batch) {
    for (const { data } of batch) {
      const result = await revokeCreditLineFor(data);
      log.info({ wabaId: data.wabaId, outcome: result.outcome }, 'credit line revocation');
    }
  },
});

export const revokeSweepJob = defineJob({
  name: 'credit-lines.revoke-sweep',
  schema: noData,
  schedule: '*/10 * * * *',
  async handle() {
    const queued = await requeueRevocations();
    if (queued > 0) log.info({ queued }, 're-queued credit line revocations');
  },
});
