import { and, desc, eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, businessTokens, vaultSecrets, wabas, type Waba } from '@/lib/db/schema';
import { appToken, businessToken, graphSettings, isGraphError, type GraphToken } from '@/lib/meta/graph';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { listSubscribedApps, subscribeApp } from '@/lib/meta/subscriptions';
import { debugToken } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';
import { recordTokenCheck } from '@/lib/accounts/token-health';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import { runnerSettings } from '@/lib/operations/settings';
import { defineStep, type StepOutcome, type StepRun } from '@/lib/operations/types';
import { unseal } from '@/lib/vault';

// The per-account steps of a bulk run (one keyed instance per WABA): refresh what Meta says about
// the account, subscribe our app again, check the customer's token. Each reads Meta's state before
// acting. A refusal for one account is that account's result, not the run's failure; Meta's
// transient errors and rate limits are thrown for the runner to retry with backoff.

export const bulkActions = ['refresh', 'resubscribe', 'token_check'] as const;
export type BulkAction = (typeof bulkActions)[number];

export type BulkPlan = { action: BulkAction; wabaIds: string[] };

export type AccountContext = {
  /** Our row of the WABA (null when it was removed since the run started). */
  waba: Waba | null;
  /** The newest stored business token of the WABA, with its secret; null when there is none. */
  token: { id: string; status: string; value: string } | null;
};

type Ctx = AccountContext & StepRun;

/** What one account's step ended with, as staff read it on the run's page. */
export type AccountResult = {
  outcome: 'ok' | 'failed' | 'needs_reauth' | 'skipped';
  summary: string;
  code?: string;
  fbtraceId?: string | null;
  [detail: string]: unknown;
};

export async function loadAccountContext(metaWabaId: string | null): Promise<AccountContext> {
  if (!metaWabaId) return { waba: null, token: null };
  const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, metaWabaId));
  if (!waba) return { waba: null, token: null };
  const [token] = await db()
    .select({ id: businessTokens.id, status: businessTokens.status, secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(eq(businessTokens.wabaId, waba.id))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  return { waba, token: token ? { id: token.id, status: token.status, value: unseal(token.secret) } : null };
}

function done(result: AccountResult): StepOutcome {
  return { status: 'done', result };
}

async function markNeedsReauth(tokenId: string): Promise<void> {
  await db()
    .update(businessTokens)
    .set({ status: 'needs_reauth', updatedAt: new Date() })
    .where(and(eq(businessTokens.id, tokenId), eq(businessTokens.status, 'valid')));
}

/** The account's business token, or the result that says why there is none to use. */
function usableToken(ctx: Ctx): { token: GraphToken; id: string; value: string } | AccountResult {
  if (!ctx.waba) return { outcome: 'skipped', summary: 'This account is no longer on record.' };
  if (!ctx.token) return { outcome: 'needs_reauth', summary: 'No business token is stored for this account: the customer runs the signup again.' };
  if (ctx.token.status !== 'valid')
    return { outcome: 'needs_reauth', summary: 'Meta no longer accepts the customer’s token: send them a reauthorization link.' };
  return { token: businessToken(ctx.token.value), id: ctx.token.id, value: ctx.token.value };
}

/**
 * Meta's answer for one account as its result: transient errors and rate limits are thrown (the
 * runner retries them) until the last attempt, which records them so that the run goes on.
 */
async function settle(ctx: Ctx, tokenId: string | null, work: () => Promise<AccountResult>): Promise<StepOutcome> {
  try {
    return done(await work());
  } catch (error) {
    if (!isGraphError(error)) throw error;
    const lastAttempt = ctx.attempt >= runnerSettings().maxAttempts;
    if (error.kind === 'transient' && !lastAttempt) throw error;
    const reference = { code: error.auditCode, fbtraceId: error.fbtraceId ?? null };
    if (error.kind === 'auth' && error.tokenKind === 'business') {
      if (tokenId) await markNeedsReauth(tokenId);
      return done({
        outcome: 'needs_reauth',
        summary: `Meta refused the customer’s token: send them a reauthorization link. Meta said: ${error.message}`,
        ...reference,
      });
    }
    const summary =
      error.kind === 'transient' ? `Meta was unavailable on every attempt. Meta said: ${error.message}` : `${error.hint} Meta said: ${error.message}`;
    return done({ outcome: 'failed', summary, ...reference });
  }
}

/** Reads the WABA, its numbers, our subscription and the token's debug_token, and stores them. */
export async function refreshAccount(ctx: Ctx): Promise<StepOutcome> {
  const usable = usableToken(ctx);
  if ('outcome' in usable) return done(usable);
  const waba = ctx.waba!;
  return settle(ctx, usable.id, async () => {
    const [meta, numbers, apps, info] = await Promise.all([
      getWaba(waba.metaWabaId, usable.token, ctx.audit),
      listPhoneNumbers(waba.metaWabaId, usable.token, ctx.audit),
      listSubscribedApps(waba.metaWabaId, usable.token, ctx.audit),
      debugToken(usable.value, appToken(), ctx.audit),
    ]);
    const subscribed = apps.some((app) => app.appId === graphSettings().appId);
    await db().transaction(async (tx) => {
      await saveWaba(tx, meta);
      await savePhoneNumbers(tx, waba.id, numbers);
      if (subscribed && !waba.subscribedAt) await tx.update(wabas).set({ subscribedAt: new Date() }).where(eq(wabas.id, waba.id));
      if (waba.businessId && meta.owner_business_info) {
        await tx
          .update(businesses)
          .set({
            ...(meta.owner_business_info.name && { name: meta.owner_business_info.name }),
            ...(meta.business_verification_status && { verificationStatus: meta.business_verification_status }),
            updatedAt: new Date(),
          })
          .where(eq(businesses.id, waba.businessId));
      }
    });
    const verdict = await recordTokenCheck(usable.id, waba.metaWabaId, info);
    const grants = verdict !== 'not_granted' && verdict !== 'invalid';
    const parts = [
      `${numbers.length} ${numbers.length === 1 ? 'number' : 'numbers'}`,
      subscribed ? 'our app subscribed' : 'our app NOT subscribed',
      grants ? 'token valid' : 'token no longer grants this account',
    ];
    return {
      outcome: grants ? 'ok' : 'needs_reauth',
      summary: `Refreshed: ${parts.join(', ')}.`,
      numbers: numbers.length,
      subscribed,
      tokenValid: info.isValid,
      tokenExpiresAt: info.expiresAt?.toISOString() ?? null,
    };
  });
}

/** Subscribes our app to the WABA's webhooks unless it is already (a plain POST would drop a callback override). */
export async function resubscribeAccount(ctx: Ctx): Promise<StepOutcome> {
  const usable = usableToken(ctx);
  if ('outcome' in usable) return done(usable);
  const waba = ctx.waba!;
  return settle(ctx, usable.id, async () => {
    const apps = await listSubscribedApps(waba.metaWabaId, usable.token, ctx.audit);
    const already = apps.some((app) => app.appId === graphSettings().appId);
    if (!already) await subscribeApp(waba.metaWabaId, usable.token, ctx.audit);
    await db().update(wabas).set({ subscribedAt: new Date(), updatedAt: new Date() }).where(eq(wabas.id, waba.id));
    return { outcome: 'ok', summary: already ? 'Our app was already subscribed.' : 'Subscribed our app to the account’s webhooks.', subscribed: !already };
  });
}

/** Asks Meta (debug_token) whether the customer's token still works and still grants this account. */
export async function checkAccountToken(ctx: Ctx): Promise<StepOutcome> {
  if (!ctx.waba) return done({ outcome: 'skipped', summary: 'This account is no longer on record.' });
  if (!ctx.token) return done({ outcome: 'needs_reauth', summary: 'No business token is stored for this account: the customer runs the signup again.' });
  const token = ctx.token;
  const waba = ctx.waba;
  return settle(ctx, token.id, async () => {
    const info = await debugToken(token.value, appToken(), ctx.audit);
    // The same record and attention items as the daily token sweep.
    const verdict = await recordTokenCheck(token.id, waba.metaWabaId, info);
    const expires = info.expiresAt ? `expires ${info.expiresAt.toISOString().slice(0, 10)}` : 'never expires';
    if (verdict === 'invalid')
      return { outcome: 'needs_reauth', summary: 'Meta says the token is no longer valid: send a reauthorization link.', tokenValid: false };
    if (verdict === 'not_granted')
      return { outcome: 'needs_reauth', summary: 'The token is valid but no longer grants this account: send a reauthorization link.', tokenValid: true };
    return { outcome: 'ok', summary: `Token valid, ${expires}.`, tokenValid: true, tokenExpiresAt: info.expiresAt?.toISOString() ?? null };
  });
}

export const refreshStep = defineStep<BulkPlan, AccountContext>({
  name: 'refresh',
  label: { staff: 'Refresh from Meta', customer: 'Refresh your account details' },
  needed: (plan) => plan.action === 'refresh',
  run: refreshAccount,
});

export const resubscribeStep = defineStep<BulkPlan, AccountContext>({
  name: 'resubscribe',
  label: { staff: 'Subscribe our app again', customer: 'Reconnect your account’s notifications' },
  needed: (plan) => plan.action === 'resubscribe',
  run: resubscribeAccount,
});

export const tokenCheckStep = defineStep<BulkPlan, AccountContext>({
  name: 'token_check',
  label: { staff: 'Check the customer’s token', customer: 'Check the access you gave us' },
  needed: (plan) => plan.action === 'token_check',
  run: checkAccountToken,
});
