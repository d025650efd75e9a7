'use server';

import { revalidatePath } from 'next/cache';
import { accountOf, clearWabaOverride, otherFundedWabas, resubscribe, runAccountOperation, setWabaOverride, tokenOf } from '@/lib/accounts/commands';
import { revokeAccountCreditLine, shareAccountCreditLine, verifyAccountCreditLine } from '@/lib/accounts/credit-line';
import { accountRefSchema, offboardSchema, removeUserSchema, revokeCreditSchema, shareCreditSchema, wabaOverrideSchema } from '@/lib/accounts/input';
import { offboardOperation } from '@/lib/accounts/offboard';
import { createReauthorizeLink } from '@/lib/accounts/reauthorize';
import { refreshAccountOperation } from '@/lib/accounts/refresh';
import { addOurSystemUser, removeAssignedUser } from '@/lib/accounts/system-users';
import { outcomeOf } from '@/lib/numbers/commands';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

// The account page's actions: operators and admins only (a viewer's post gets 403 and changes
// nothing). Each looks the WABA up again from the id the browser sent.

const targetOf = (input: { wabaId: string }) => input.wabaId;

export const refreshAccountAction = staffAction({ action: 'waba.refresh', role: 'operator', schema: accountRefSchema, targetOf }, async (input, { user }) => {
  const waba = await accountOf(input.wabaId);
  const { runId, progress } = await runAccountOperation(refreshAccountOperation, waba, user);
  revalidatePath('/wabas/[id]', 'page');
  return { ok: outcomeOf(progress), target: waba.metaWabaId, details: { runId } };
});

export const resubscribeAction = staffAction({ action: 'waba.resubscribe', role: 'operator', schema: accountRefSchema, targetOf }, async (input, { user }) => {
  const waba = await accountOf(input.wabaId);
  const { subscribed, override } = await resubscribe(waba, user);
  revalidatePath('/wabas/[id]', 'page');
  if (!subscribed) throw new UserError('Meta accepted the subscription but does not list our app on the account yet: refresh in a minute.');
  return {
    ok: override ? `Subscribed our app again, with the override to ${override}.` : 'Subscribed our app again: Meta sends this account’s webhooks to us.',
    target: waba.metaWabaId,
    details: { override },
  };
});

export const wabaOverrideAction = staffAction({ action: 'waba.webhook_override', role: 'operator', schema: wabaOverrideSchema, targetOf }, async (input) => {
  const waba = await accountOf(input.wabaId);
  const url = await setWabaOverride(waba, { callbackUri: input.callbackUri, verifyToken: input.verifyToken });
  revalidatePath('/wabas/[id]', 'page');
  // The verify token is a secret of the receiving server: it is not recorded.
  return { ok: `Meta verified ${url}: this account’s messages webhooks now go there.`, target: waba.metaWabaId, details: { callbackUri: url } };
});

export const clearWabaOverrideAction = staffAction(
  { action: 'waba.webhook_override_clear', role: 'operator', schema: accountRefSchema, targetOf },
  async (input) => {
    const waba = await accountOf(input.wabaId);
    await clearWabaOverride(waba);
    revalidatePath('/wabas/[id]', 'page');
    return { ok: 'Override removed: this account’s webhooks go to our app’s callback address again.', target: waba.metaWabaId };
  },
);

export const addSystemUserAction = staffAction({ action: 'waba.system_user_add', role: 'operator', schema: accountRefSchema, targetOf }, async (input) => {
  const waba = await accountOf(input.wabaId);
  const { tasks, alreadyAssigned } = await addOurSystemUser(waba, await tokenOf(waba));
  revalidatePath('/wabas/[id]', 'page');
  return {
    ok: `${alreadyAssigned ? 'Our system user was already assigned' : 'Our system user was added'} with ${tasks.join(', ')}.`,
    target: waba.metaWabaId,
    details: { tasks: [...tasks], alreadyAssigned },
  };
});

export const removeSystemUserAction = staffAction(
  { action: 'waba.system_user_remove', role: 'operator', schema: removeUserSchema, targetOf },
  async (input) => {
    const waba = await accountOf(input.wabaId);
    await removeAssignedUser(waba, input.userId, await tokenOf(waba));
    revalidatePath('/wabas/[id]', 'page');
    return { ok: `Removed system user ${input.userId} from the account.`, target: waba.metaWabaId, details: { userId: input.userId } };
  },
);

export const shareCreditAction = staffAction({ action: 'waba.credit_line_share', role: 'operator', schema: shareCreditSchema, targetOf }, async (input) => {
  const waba = await accountOf(input.wabaId);
  const result = await shareAccountCreditLine(waba, input.currency, await tokenOf(waba));
  revalidatePath('/wabas/[id]', 'page');
  const check = result.shared
    ? 'Meta reports the allocation as the account’s funding.'
    : 'Meta does not report it as the account’s funding yet: verify again shortly.';
  return {
    ok: `Shared and attached our credit line in ${input.currency} (allocation ${result.allocationConfigId}). ${check}`,
    target: waba.metaWabaId,
    details: { ...result, currency: input.currency },
  };
});

export const verifyCreditAction = staffAction({ action: 'waba.credit_line_verify', role: 'operator', schema: accountRefSchema, targetOf }, async (input) => {
  const waba = await accountOf(input.wabaId);
  const check = await verifyAccountCreditLine(waba, await tokenOf(waba));
  revalidatePath('/wabas/[id]', 'page');
  return {
    ok: check.shared
      ? `Verified: the allocation’s credential ${check.receivingCredentialId} is the account’s funding id.`
      : `Not shared correctly: the allocation’s credential is ${check.receivingCredentialId ?? 'not reported'} and the account’s funding id is ${check.primaryFundingId ?? 'not set'}.`,
    target: waba.metaWabaId,
    details: { ...check },
  };
});

export const revokeCreditAction = staffAction({ action: 'waba.credit_line_revoke', role: 'operator', schema: revokeCreditSchema, targetOf }, async (input) => {
  const waba = await accountOf(input.wabaId);
  const others = await otherFundedWabas(waba);
  const { deleted } = await revokeAccountCreditLine(waba, await tokenOf(waba));
  revalidatePath('/wabas/[id]', 'page');
  const alsoLost = others.length ? ` ${others.length} other ${others.length === 1 ? 'account' : 'accounts'} of the same business lost it too.` : '';
  return {
    ok: `Revoked our credit line from the customer’s portfolio (${deleted.length} ${deleted.length === 1 ? 'allocation' : 'allocations'} deleted).${alsoLost}`,
    target: waba.metaWabaId,
    details: { deleted, others: others.map((o) => o.metaWabaId) },
  };
});

export const reauthorizeAction = staffAction(
  { action: 'waba.reauthorize_link', role: 'operator', schema: accountRefSchema, targetOf },
  async (input, { user }) => {
    const waba = await accountOf(input.wabaId);
    const link = await createReauthorizeLink(waba, user);
    revalidatePath('/wabas/[id]', 'page');
    return {
      ok: 'A single-use signup link for this customer is ready: copy it and send it to them. Their signup replaces the stored token.',
      target: waba.metaWabaId,
      details: { linkId: link.linkId },
      data: { url: link.url },
    };
  },
);

export const offboardAction = staffAction({ action: 'waba.offboard', role: 'operator', schema: offboardSchema, targetOf }, async (input, { user }) => {
  const waba = await accountOf(input.wabaId);
  if (waba.status !== 'connected') throw new UserError('This account is not connected to us any more: there is nothing to offboard.');
  const { runId, progress } = await runAccountOperation(offboardOperation, waba, user, { deregisterNumbers: input.deregisterNumbers });
  revalidatePath('/wabas/[id]', 'page');
  return { ok: outcomeOf(progress), target: waba.metaWabaId, details: { runId, deregisterNumbers: input.deregisterNumbers } };
});
