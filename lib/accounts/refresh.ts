import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, wabas } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { verifyCreditLine } from '@/lib/meta/credit-lines';
import { appToken, systemToken } from '@/lib/meta/graph';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { listAssignedUsers } from '@/lib/meta/system-users';
import { debugToken } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import { defineOperation, defineStep } from '@/lib/operations/types';
import { partnerType } from '@/lib/settings';
import { accountFailure, accountPlanOf, loadAccountContext, requireToken, type AccountContext, type AccountPlan } from '@/lib/accounts/context';
import { saveMetaState, storedTokenOf, tokenSecretOf } from '@/lib/accounts/state';
import { readSubscription } from '@/lib/accounts/subscription';
import { recordTokenCheck } from '@/lib/accounts/token-health';

// "Refresh from Meta" on the account page: each read is its own step, so staff see which one Meta
// refused, and each stores what Meta said (wabas, phone_numbers, waba_meta_states, business_tokens).

const step = defineStep<AccountPlan, AccountContext>;

export const readWabaStep = step({
  name: 'read_waba',
  label: { staff: 'Read the WhatsApp account', customer: 'Read your account' },
  async run(ctx) {
    const meta = await getWaba(ctx.waba.metaWabaId, requireToken(ctx), ctx.audit);
    await db().transaction(async (tx) => {
      await saveWaba(tx, meta);
      await saveMetaState(tx, ctx.waba.id, { raw: meta, rawReadAt: new Date() });
      if (ctx.waba.businessId && meta.owner_business_info) {
        await tx
          .update(businesses)
          .set({
            ...(meta.owner_business_info.name && { name: meta.owner_business_info.name }),
            ...(meta.business_verification_status && { verificationStatus: meta.business_verification_status }),
            updatedAt: new Date(),
          })
          .where(eq(businesses.id, ctx.waba.businessId));
      }
    });
    return { status: 'done', result: { reviewStatus: meta.account_review_status ?? null, canSend: meta.health_status?.can_send_message ?? null } };
  },
});

export const readNumbersStep = step({
  name: 'read_numbers',
  label: { staff: 'Read the phone numbers', customer: 'Read your phone numbers' },
  async run(ctx) {
    const numbers = await listPhoneNumbers(ctx.waba.metaWabaId, requireToken(ctx), ctx.audit);
    await db().transaction((tx) => savePhoneNumbers(tx, ctx.waba.id, numbers));
    return { status: 'done', result: { numbers: numbers.length } };
  },
});

export const readSubscriptionStep = step({
  name: 'read_subscription',
  label: { staff: 'Read the webhook subscription', customer: 'Check your account’s notifications' },
  async run(ctx) {
    const { apps, ours, problem } = await readSubscription(ctx.waba, requireToken(ctx), ctx.audit);
    return { status: 'done', result: { apps: apps.length, subscribed: !!ours, drift: problem } };
  },
});

export const readAssignedUsersStep = step({
  name: 'read_assigned_users',
  label: { staff: 'Read the assigned system users', customer: 'Check who has access' },
  async run(ctx) {
    const { businessId } = metaConfig();
    if (!businessId) return { status: 'skipped', result: { reason: 'META_BUSINESS_ID is not configured.' } };
    const users = await listAssignedUsers(ctx.waba.metaWabaId, businessId, requireToken(ctx), ctx.audit);
    await saveMetaState(db(), ctx.waba.id, { assignedUsers: users, assignedUsersReadAt: new Date() });
    return { status: 'done', result: { users: users.length } };
  },
});

export const readCreditLineStep = step({
  name: 'read_credit_line',
  label: { staff: 'Check the credit line allocation', customer: 'Check your billing' },
  after: ['read_waba'],
  async run(ctx) {
    if ((await partnerType()) !== 'solution_partner') return { status: 'skipped', result: { reason: 'Only Solution Partners share a credit line.' } };
    const [waba] = await db().select().from(wabas).where(eq(wabas.id, ctx.waba.id));
    if (!waba?.allocationConfigId) return { status: 'skipped', result: { reason: 'No allocation of our credit line is on record for this account.' } };
    const check = await verifyCreditLine(
      { allocationConfigId: waba.allocationConfigId, wabaId: waba.metaWabaId },
      { system: systemToken(), business: requireToken(ctx) },
      ctx.audit,
    );
    await db().transaction(async (tx) => {
      await saveMetaState(tx, waba.id, {
        allocation: { id: waba.allocationConfigId!, receivingCredentialId: check.receivingCredentialId, shared: check.shared },
        allocationReadAt: new Date(),
      });
      await tx
        .update(wabas)
        .set({ primaryFundingId: check.primaryFundingId ?? null })
        .where(eq(wabas.id, waba.id));
    });
    return { status: 'done', result: { ...check } };
  },
});

export const checkTokenStep = step({
  name: 'check_token',
  label: { staff: 'Check the customer’s token (debug_token)', customer: 'Check the access you gave us' },
  async run(ctx) {
    const stored = await storedTokenOf(ctx.waba.id);
    if (!stored) return { status: 'skipped', result: { reason: 'No customer token is stored for this account.' } };
    const secret = await tokenSecretOf(stored.id);
    if (!secret) return { status: 'skipped', result: { reason: 'The stored token could not be read from the vault.' } };
    const info = await debugToken(secret, appToken(), ctx.audit);
    const verdict = await recordTokenCheck(stored.id, ctx.waba.metaWabaId, info);
    return { status: 'done', result: { verdict, expiresAt: info.expiresAt?.toISOString() ?? null } };
  },
});

export const refreshAccountOperation = defineOperation<AccountPlan, AccountContext>({
  name: 'refresh_account',
  subjectType: 'waba',
  title: 'Refresh from Meta',
  steps: [readWabaStep, readNumbersStep, readSubscriptionStep, readAssignedUsersStep, readCreditLineStep, checkTokenStep],
  planOf: accountPlanOf,
  context: loadAccountContext,
  failure: accountFailure,
  onDone: async () => 'Read from Meta just now: every panel shows what Meta reports.',
});
