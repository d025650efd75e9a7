import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { operationRuns, wabas, webhookVerifyTokens, type StaffUser, type Waba } from '@/lib/db/schema';
import { metaConfig, publicUrl } from '@/lib/env';
import { overrideCallback, subscribeApp, type CallbackOverride } from '@/lib/meta/subscriptions';
import type { AuditContext, GraphToken } from '@/lib/meta/graph';
import { NoAccess, tokenForWaba } from '@/lib/numbers/access';
import { settle } from '@/lib/numbers/commands';
import { startRun } from '@/lib/operations/control';
import type { Operation } from '@/lib/operations/types';
import { UserError } from '@/lib/user-error';
import { storeSecret, readSecret } from '@/lib/vault';
import { webhookPath } from '@/lib/webhooks/receiver';
import { hashVerifyToken } from '@/lib/webhooks/signature';
import { findWaba } from '@/lib/wabas';
import { closeAttention } from '@/lib/accounts/attention';
import type { AccountPlan } from '@/lib/accounts/context';
import { metaStateOf, saveMetaState } from '@/lib/accounts/state';
import { readSubscription } from '@/lib/accounts/subscription';

// What staff do on a customer's account page, behind its actions (which check the role and write
// the audit row). The browser's WABA id is looked up here; multi-step work starts an operation run.

export async function accountOf(wabaId: string): Promise<Waba> {
  const found = await findWaba(wabaId);
  if (!found) throw new UserError('This WhatsApp account is not on record.');
  return found.waba;
}

export async function tokenOf(waba: Waba): Promise<GraphToken> {
  try {
    return await tokenForWaba(waba.id);
  } catch (error) {
    if (error instanceof NoAccess) throw new UserError(error.message);
    throw error;
  }
}

/** One account operation at a time: refresh and offboarding must not overlap. */
async function refuseWhileBusy(metaWabaId: string): Promise<void> {
  const [busy] = await db()
    .select({ operation: operationRuns.operation })
    .from(operationRuns)
    .where(and(eq(operationRuns.subjectType, 'waba'), eq(operationRuns.subjectId, metaWabaId), eq(operationRuns.status, 'running')))
    .limit(1);
  if (busy) throw new UserError('Another operation is still running on this account; wait until it has finished (see Operations).');
}

/** Starts an account operation and waits, with a deadline, for where it got to. */
export async function runAccountOperation(operation: Operation, waba: Waba, user: StaffUser, extra: Partial<AccountPlan> = {}) {
  await refuseWhileBusy(waba.metaWabaId);
  const plan: AccountPlan = { wabaId: waba.metaWabaId, startedBy: user.id, ...extra };
  const { runId } = await startRun(operation, { subjectId: waba.metaWabaId, input: plan, createdBy: user.id });
  return { runId, progress: await settle(runId, 20_000) };
}

/** The override we set on this WABA, with its verify token, to set again after a plain subscribe. */
async function expectedOverride(wabaRowId: string): Promise<CallbackOverride | undefined> {
  const state = await metaStateOf(wabaRowId);
  if (!state?.expectedOverride || !state.expectedOverrideSecretId) return undefined;
  return { callbackUri: state.expectedOverride, verifyToken: await readSecret(state.expectedOverrideSecretId) };
}

/**
 * Subscribes our app again. A plain POST drops a WABA callback override, so the one we set goes back
 * on right after (docs/meta/webhook-subscriptions.md). Closes the drift item it resolves.
 */
export async function resubscribe(waba: Waba, user: StaffUser | null, audit: AuditContext = {}) {
  const token = await tokenOf(waba);
  const override = await expectedOverride(waba.id);
  await subscribeApp(waba.metaWabaId, token, audit, override);
  await closeAttention(db(), waba.metaWabaId, ['webhook_drift'], user ? `Re-subscribed by ${user.name}.` : 'Re-subscribed.', user?.id ?? null);
  // The read raises the item again if Meta still differs.
  const { ours } = await readSubscription(waba, token, audit);
  return { subscribed: !!ours, override: override?.callbackUri ?? null };
}

function isOurReceiver(url: URL): boolean {
  const ours = new URL(webhookPath, publicUrl);
  return url.origin === ours.origin && url.pathname === ours.pathname;
}

/**
 * Sends this WABA's messages webhooks to another URL: subscribe first, then the override, as Meta
 * requires; Meta's GET handshake must succeed or it refuses with 2200 (docs/meta/webhook-subscriptions.md).
 */
export async function setWabaOverride(waba: Waba, input: { callbackUri: string; verifyToken?: string }) {
  const url = new URL(input.callbackUri);
  if (metaConfig().mode === 'meta' && url.protocol !== 'https:')
    throw new UserError('Meta only calls https:// addresses.', { callbackUri: ['Use an https:// address.'] });
  if (url.toString().length > 200) throw new UserError('Meta accepts at most 200 characters.', { callbackUri: ['At most 200 characters.'] });
  let verifyToken = input.verifyToken;
  if (isOurReceiver(url)) {
    verifyToken ??= randomBytes(24).toString('base64url');
    await db()
      .insert(webhookVerifyTokens)
      .values({ tokenHash: hashVerifyToken(verifyToken), wabaId: waba.metaWabaId })
      .onConflictDoNothing();
  } else if (!verifyToken) {
    throw new UserError('Give the verify token the receiving server expects: Meta sends it in the handshake.', {
      verifyToken: ['Required for another server.'],
    });
  }
  const token = await tokenOf(waba);
  const { ours } = await readSubscription(waba, token);
  if (!ours) await subscribeApp(waba.metaWabaId, token);
  await overrideCallback(waba.metaWabaId, { callbackUri: url.toString(), verifyToken }, token);
  const secretId = await storeSecret('webhook_verify_token', verifyToken);
  await saveMetaState(db(), waba.id, { expectedOverride: url.toString(), expectedOverrideSecretId: secretId });
  await readSubscription(waba, token);
  return url.toString();
}

/** Back to the app's callback URL: a plain subscribe removes the WABA override. */
export async function clearWabaOverride(waba: Waba) {
  const token = await tokenOf(waba);
  await subscribeApp(waba.metaWabaId, token);
  await saveMetaState(db(), waba.id, { expectedOverride: null, expectedOverrideSecretId: null });
  await readSubscription(waba, token);
}

/** Other connected WABAs of the same business that have an allocation of our line on record. */
export async function otherFundedWabas(waba: Waba): Promise<Array<{ metaWabaId: string; name: string | null }>> {
  if (!waba.businessId) return [];
  return db()
    .select({ metaWabaId: wabas.metaWabaId, name: wabas.name })
    .from(wabas)
    .where(and(eq(wabas.businessId, waba.businessId), ne(wabas.id, waba.id), eq(wabas.status, 'connected'), isNotNull(wabas.allocationConfigId)));
}
