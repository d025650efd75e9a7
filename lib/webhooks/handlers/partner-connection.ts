import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { onboardingEvents, onboardingSessions, wabas, type Waba } from '@/lib/db/schema';
import { linkAbandonedSignup } from '@/lib/onboarding/abandoned-signups';
import { stopOnboardings } from '@/lib/onboarding/pipeline';
import { markRequestAccepted } from '@/lib/partner-wabas/requests';
import { readSetting, type SettingKey } from '@/lib/settings';
import { metaConfig } from '@/lib/env';
import { enqueueAfterCommit, jobsStarted } from '@/lib/jobs';
import { revokeCreditLineJob } from '@/lib/webhooks/credit-line-revoke';
import { addAttention, latestSessionFor, lockWaba, recordFlag, resolveOpenItems, upsertBusiness, withFlag } from '@/lib/webhooks/handlers/common';
import type { HandlerOutcome, StoredChange } from '@/lib/webhooks/types';

// account_update events that connect or disconnect a WABA from us (docs/meta/webhooks.md#account-update, docs/meta/coexistence.md).

export const wabaInfoSchema = z.looseObject({
  waba_id: z.string().optional(),
  owner_business_id: z.string().optional(),
  partner_app_id: z.string().optional(),
  solution_id: z.string().optional(),
  solution_partner_business_ids: z.array(z.string()).optional(),
});

export const disconnectionInfoSchema = z.looseObject({
  reason: z.string().optional(),
  initiated_by: z.string().optional(),
});

export const connectionValueSchema = z.looseObject({
  event: z.string(),
  waba_info: wabaInfoSchema.optional(),
  disconnection_info: disconnectionInfoSchema.optional(),
});

type ConnectionValue = z.infer<typeof connectionValueSchema>;

export const revokeCreditLineSetting = 'webhooks.revokeCreditLineOnPartnerRemoved' satisfies SettingKey;

const activeSessionStatuses = ['running', 'started', 'exchanging'] as const;

function isOtherApp(info: ConnectionValue['waba_info']): boolean {
  return info?.partner_app_id !== undefined && info.partner_app_id !== metaConfig().appId;
}

/**
 * Moves the WABA's connection state if this change is the newest connection change seen
 * (`flags.connection`); a deleted WABA stays deleted. Returns whether the state moved.
 */
export async function applyConnection(tx: Tx, waba: Waba, status: Waba['status'], at: Date): Promise<boolean> {
  if (waba.status === 'deleted' && status !== 'deleted') return false;
  const next = withFlag(waba.flags, 'connection', at, status);
  if (!next.applied) return false;
  const disconnectedAt = status === 'connected' ? null : status === 'deleted' ? (waba.disconnectedAt ?? at) : at;
  await tx.update(wabas).set({ status, disconnectedAt, flags: next.flags, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
  Object.assign(waba, { status, disconnectedAt, flags: next.flags });
  return true;
}

function flagValue(value: ConnectionValue): Record<string, unknown> {
  const { event: _event, ...rest } = value;
  return rest;
}

/** PARTNER_ADDED / PARTNER_APP_INSTALLED: a customer (or an MPS partner's customer) shared a WABA with us. */
export async function handlePartnerAdded(change: StoredChange, tx: Tx, value: ConnectionValue, at: Date): Promise<HandlerOutcome> {
  const info = value.waba_info;
  if (isOtherApp(info)) return 'ignored';
  const metaWabaId = info?.waba_id ?? change.wabaId;
  if (!metaWabaId) throw new Error(`${value.event} without waba_info.waba_id`);
  const businessId = info?.owner_business_id ? await upsertBusiness(tx, info.owner_business_id) : undefined;
  await tx.insert(wabas).values({ metaWabaId, businessId, solutionId: info?.solution_id }).onConflictDoNothing({ target: wabas.metaWabaId });
  const waba = (await lockWaba(tx, metaWabaId))!;
  if ((businessId && waba.businessId !== businessId) || (info?.solution_id && waba.solutionId !== info.solution_id)) {
    await tx
      .update(wabas)
      .set({ businessId: businessId ?? waba.businessId, solutionId: info?.solution_id ?? waba.solutionId, updatedAt: new Date() })
      .where(eq(wabas.id, waba.id));
  }
  await recordFlag(tx, waba, value.event, at, flagValue(value));
  const wasDisconnected = waba.status === 'disconnected';
  // Shared with us again (newest by Meta's time): the requests made when it was removed are moot.
  if ((await applyConnection(tx, waba, 'connected', at)) && wasDisconnected) {
    await resolveOpenItems(tx, waba.metaWabaId, ['credit_line_revoke', 'partner_removed']);
  }

  const session = await latestSessionFor(tx, waba.id);
  if (session) {
    const [seen] = await tx
      .select({ id: onboardingEvents.id })
      .from(onboardingEvents)
      .where(
        and(
          eq(onboardingEvents.sessionId, session.id),
          eq(onboardingEvents.type, 'webhook.partner_added'),
          sql`${onboardingEvents.data}->>'eventId' = ${change.id}`,
        ),
      );
    if (!seen) {
      await tx.insert(onboardingEvents).values({
        sessionId: session.id,
        type: 'webhook.partner_added',
        data: { eventId: change.id, event: value.event, wabaId: metaWabaId, solutionId: info?.solution_id ?? null },
      });
    }
    return 'processed';
  }
  // A signup that reached FINISH with this WABA but never sent its code: linked once it has expired;
  // while it may still complete, the completion or the expiry settles it.
  const [reported] = await tx
    .select()
    .from(onboardingSessions)
    .where(and(eq(onboardingSessions.reportedWabaId, metaWabaId), inArray(onboardingSessions.status, ['started', 'exchanging', 'expired'])))
    .orderBy(desc(onboardingSessions.createdAt))
    .limit(1)
    .for('update');
  if (reported?.status === 'expired' && (await linkAbandonedSignup(tx, reported, waba))) return 'processed';
  if (reported && reported.status !== 'expired') return 'processed';
  // No onboarding of ours references the WABA: a partner-initiated WABA, or an MPS partner's onboarding.
  if (info?.owner_business_id) await markRequestAccepted(tx, { ownerBusinessId: info.owner_business_id, metaWabaId, at });
  await addAttention(tx, change, {
    wabaId: metaWabaId,
    kind: 'finish_onboarding',
    oncePerWaba: true,
    message: info?.solution_id
      ? `WABA ${metaWabaId} was shared with us through solution ${info.solution_id}; finish its onboarding (credit line, number registration).`
      : `WABA ${metaWabaId} was shared with us outside an Onramp onboarding; finish its onboarding (credit line, number registration).`,
    data: { ownerBusinessId: info?.owner_business_id ?? null, solutionId: info?.solution_id ?? null },
  });
  return 'processed';
}

async function stopRunningOnboardings(tx: Tx, waba: Waba, reason: string): Promise<void> {
  const active = await tx
    .select({ id: onboardingSessions.id, status: onboardingSessions.status })
    .from(onboardingSessions)
    .where(and(eq(onboardingSessions.wabaId, waba.id), inArray(onboardingSessions.status, [...activeSessionStatuses])));
  // Running sessions have a run to stop; the others never got that far.
  await stopOnboardings(
    tx,
    active.filter((s) => s.status === 'running').map((s) => s.id),
    reason,
  );
  const waiting = active.filter((s) => s.status !== 'running').map((s) => s.id);
  if (waiting.length > 0) {
    await tx.update(onboardingSessions).set({ status: 'failed', statusMessage: reason, updatedAt: new Date() }).where(inArray(onboardingSessions.id, waiting));
  }
}

async function handleCreditLine(change: StoredChange, tx: Tx, waba: Waba, ownerBusinessId: string | undefined): Promise<void> {
  const data = { wabaId: waba.metaWabaId, ownerBusinessId: ownerBusinessId ?? null };
  // Without a running queue in this process nothing would revoke it, so staff are asked instead.
  if (jobsStarted() && (await readSetting(revokeCreditLineSetting, tx))) {
    const added = await addAttention(tx, change, {
      wabaId: waba.metaWabaId,
      kind: 'credit_line_revoke_requested',
      oncePerWaba: true,
      message: `The customer removed us from WABA ${waba.metaWabaId}; revoking our credit line automatically.`,
      data: { ownerBusinessId: data.ownerBusinessId },
    });
    if (!added) return;
    // The open attention item is the durable record: the sweep re-queues it if this send is lost.
    enqueueAfterCommit(tx, revokeCreditLineJob, data, { singletonKey: waba.metaWabaId });
    return;
  }
  await addAttention(tx, change, {
    wabaId: waba.metaWabaId,
    kind: 'credit_line_revoke',
    oncePerWaba: true,
    message: `The customer removed us from WABA ${waba.metaWabaId}; revoke the credit line shared with it.`,
    data: { ownerBusinessId: data.ownerBusinessId },
  });
}

/** PARTNER_APP_UNINSTALLED (ours) / PARTNER_REMOVED: the customer took the WABA away from us. */
export async function handlePartnerRemoved(change: StoredChange, tx: Tx, value: ConnectionValue, at: Date): Promise<HandlerOutcome> {
  const info = value.waba_info;
  if (value.event === 'PARTNER_APP_UNINSTALLED' && isOtherApp(info)) return 'ignored';
  const waba = await lockWaba(tx, info?.waba_id ?? change.wabaId);
  if (!waba) return 'processed';
  await recordFlag(tx, waba, value.event, at, flagValue(value));
  if (value.disconnection_info) await recordFlag(tx, waba, 'disconnection_info', at, value.disconnection_info);
  if (!(await applyConnection(tx, waba, 'disconnected', at))) return 'processed';

  await stopRunningOnboardings(tx, waba, 'The customer removed us as a partner from this WhatsApp Business Account, so onboarding stopped.');
  if ((await readSetting('partner.type', tx)) === 'solution_partner') {
    await handleCreditLine(change, tx, waba, info?.owner_business_id);
  } else {
    await addAttention(tx, change, {
      wabaId: waba.metaWabaId,
      kind: 'partner_removed',
      oncePerWaba: true,
      message: `The customer removed us from WABA ${waba.metaWabaId}.`,
      data: { disconnectionInfo: value.disconnection_info ?? null },
    });
  }
  return 'processed';
}

/** ACCOUNT_OFFBOARDED / ACCOUNT_RECONNECTED (coexistence numbers, docs/meta/coexistence.md) and ACCOUNT_DELETED. */
export async function handleConnectionChange(change: StoredChange, tx: Tx, value: ConnectionValue, at: Date): Promise<HandlerOutcome> {
  const waba = await lockWaba(tx, value.waba_info?.waba_id ?? change.wabaId);
  const status = value.event === 'ACCOUNT_RECONNECTED' ? 'connected' : value.event === 'ACCOUNT_DELETED' ? 'deleted' : 'disconnected';
  let applied = true;
  if (waba) {
    await recordFlag(tx, waba, value.event, at, flagValue(value));
    if (value.disconnection_info) await recordFlag(tx, waba, 'disconnection_info', at, value.disconnection_info);
    applied = await applyConnection(tx, waba, status, at);
    if (applied && status === 'connected') await resolveOpenItems(tx, waba.metaWabaId, ['account_offboarded']);
  }
  if (applied && status !== 'connected') {
    const metaWabaId = waba?.metaWabaId ?? change.wabaId;
    await addAttention(tx, change, {
      wabaId: metaWabaId,
      kind: value.event === 'ACCOUNT_DELETED' ? 'account_deleted' : 'account_offboarded',
      message:
        value.event === 'ACCOUNT_DELETED'
          ? `WABA ${metaWabaId} was deleted.`
          : `WABA ${metaWabaId} was offboarded${value.disconnection_info?.reason ? ` (${value.disconnection_info.reason})` : ''}.`,
      data: { disconnectionInfo: value.disconnection_info ?? null },
    });
  }
  return 'processed';
}
