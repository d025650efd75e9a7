import { and, eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, onboardingSessions, phoneNumbers, vaultSecrets, wabas } from '@/lib/db/schema';
import { deregisterPhoneNumber, getPhoneNumber } from '@/lib/meta/phone-numbers';
import { systemToken } from '@/lib/meta/graph';
import { listAssignedUsers, removeSystemUser } from '@/lib/meta/system-users';
import { unsubscribeApp } from '@/lib/meta/subscriptions';
import { metaConfig } from '@/lib/env';
import { defineOperation, defineStep } from '@/lib/operations/types';
import { partnerType } from '@/lib/settings';
import { accountFailure, accountPlanOf, loadAccountContext, requireToken, type AccountContext, type AccountPlan } from '@/lib/accounts/context';
import { revokeAccountCreditLine } from '@/lib/accounts/credit-line';
import { closeAttention } from '@/lib/accounts/attention';
import { saveMetaState } from '@/lib/accounts/state';

// Offboarding a customer as one durable run (docs/meta/credit-lines.md#revoke,
// docs/meta/system-users.md, docs/meta/webhook-subscriptions.md, docs/meta/phone-numbers.md#deregister):
// everything that needs the customer's token runs before the token is deleted, last.

const step = defineStep<AccountPlan, AccountContext>;

/** How staff undo each part, shown beside the checklist and on the finished run. */
export const offboardUndo: Record<string, string> = {
  revoke_credit_line: 'Undo: share the credit line again from this page (Meta creates a new allocation).',
  remove_system_user: 'Undo: “Add our system user” on this page, while a token of the customer is stored.',
  deregister_numbers: 'Undo: register each number again from its number page (its PIN stays in our vault).',
  unsubscribe_app: 'Undo: “Re-subscribe” on this page, while a token of the customer is stored.',
  delete_token: 'Cannot be undone: the customer signs up again through a reauthorization link.',
};

export const revokeCreditStep = step({
  name: 'revoke_credit_line',
  label: { staff: 'Revoke our credit line', customer: 'Stop billing through us' },
  async run(ctx) {
    if ((await partnerType()) !== 'solution_partner') return { status: 'skipped', result: { reason: 'Only Solution Partners share a credit line.' } };
    const [waba] = await db().select().from(wabas).where(eq(wabas.id, ctx.waba.id));
    if (!waba?.allocationConfigId) return { status: 'skipped', result: { reason: 'No allocation of our credit line is on record.' } };
    const { deleted } = await revokeAccountCreditLine(waba, requireToken(ctx), ctx.audit);
    return { status: 'done', result: { deleted } };
  },
});

export const removeOurUserStep = step({
  name: 'remove_system_user',
  label: { staff: 'Remove our system user', customer: 'Remove our team’s access' },
  async run(ctx) {
    const { systemUserId, businessId } = metaConfig();
    if (!systemUserId || !businessId) return { status: 'skipped', result: { reason: 'No system user is configured.' } };
    const users = await listAssignedUsers(ctx.waba.metaWabaId, businessId, requireToken(ctx), ctx.audit);
    if (!users.some((u) => u.id === systemUserId)) return { status: 'skipped', result: { reason: 'Our system user is not assigned.' } };
    await removeSystemUser(ctx.waba.metaWabaId, systemUserId, systemToken(), ctx.audit);
    await saveMetaState(db(), ctx.waba.id, { assignedUsers: users.filter((u) => u.id !== systemUserId), assignedUsersReadAt: new Date() });
    return { status: 'done', result: { userId: systemUserId } };
  },
});

export const deregisterNumbersStep = step({
  name: 'deregister_numbers',
  label: { staff: 'Deregister the phone numbers', customer: 'Take your numbers off the Cloud API' },
  needed: (plan) => plan.deregisterNumbers === true,
  async run(ctx) {
    const token = requireToken(ctx);
    const numbers = await db().select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, ctx.waba.id));
    const done: string[] = [];
    const left: string[] = [];
    for (const phone of numbers) {
      const state = await getPhoneNumber(phone.metaPhoneNumberId, token, ctx.audit, ['platform_type', 'is_on_biz_app']);
      // Meta does not let a partner deregister a coexistence number; an unregistered one is left alone.
      if (state.is_on_biz_app || state.platform_type !== 'CLOUD_API') {
        left.push(phone.metaPhoneNumberId);
        continue;
      }
      await deregisterPhoneNumber(phone.metaPhoneNumberId, token, ctx.audit);
      await db().update(phoneNumbers).set({ registeredAt: null, platformType: 'NOT_APPLICABLE', updatedAt: new Date() }).where(eq(phoneNumbers.id, phone.id));
      done.push(phone.metaPhoneNumberId);
    }
    return { status: 'done', result: { deregistered: done, leftAlone: left } };
  },
});

export const unsubscribeStep = step({
  name: 'unsubscribe_app',
  label: { staff: 'Unsubscribe our app from the webhooks', customer: 'Stop your account’s notifications to us' },
  after: ['revoke_credit_line', 'remove_system_user', 'deregister_numbers'],
  async run(ctx) {
    await unsubscribeApp(ctx.waba.metaWabaId, requireToken(ctx), ctx.audit);
    await db().transaction(async (tx) => {
      await saveMetaState(tx, ctx.waba.id, { subscribedApps: [], subscribedAppsReadAt: new Date(), expectedOverride: null, expectedOverrideSecretId: null });
      await tx.update(wabas).set({ subscribedAt: null, updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
    });
    return { status: 'done', result: {} };
  },
});

export const deleteTokenStep = step({
  name: 'delete_token',
  label: { staff: 'Delete the stored token', customer: 'Delete the access you gave us' },
  after: 'all',
  async run(ctx) {
    const deleted = await db().transaction(async (tx) => {
      const tokens = await tx
        .select({ id: businessTokens.id, secretId: businessTokens.secretId })
        .from(businessTokens)
        .where(eq(businessTokens.wabaId, ctx.waba.id));
      if (tokens.length === 0) return 0;
      const ids = tokens.map((t) => t.id);
      await tx.update(onboardingSessions).set({ tokenId: null }).where(inArray(onboardingSessions.tokenId, ids));
      await tx.delete(businessTokens).where(inArray(businessTokens.id, ids));
      await tx.delete(vaultSecrets).where(
        inArray(
          vaultSecrets.id,
          tokens.map((t) => t.secretId),
        ),
      );
      return tokens.length;
    });
    return { status: 'done', result: { deleted } };
  },
});

export const offboardOperation = defineOperation<AccountPlan, AccountContext>({
  name: 'offboard_account',
  subjectType: 'waba',
  title: 'Offboard the customer',
  steps: [revokeCreditStep, removeOurUserStep, deregisterNumbersStep, unsubscribeStep, deleteTokenStep],
  planOf: accountPlanOf,
  context: loadAccountContext,
  failure: accountFailure,
  async onDone(tx, run) {
    const plan = accountPlanOf(run);
    const now = new Date();
    await tx
      .update(wabas)
      .set({ status: 'disconnected', disconnectedAt: now, updatedAt: now })
      .where(and(eq(wabas.metaWabaId, plan.wabaId), eq(wabas.status, 'connected')));
    await closeAttention(tx, plan.wabaId, ['webhook_drift', 'token_expiring', 'token_invalid'], 'The customer was offboarded.', plan.startedBy ?? null);
    return 'Offboarded: the account is disconnected from us. Nothing of ours remains on it at Meta, and its token is deleted.';
  },
});
