import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { getAllocationConfig, listAllocationConfigs, shareAndAttachCreditLine, wabaCurrencies, type WabaCurrency } from '@/lib/meta/credit-lines';
import { hasCode, systemToken } from '@/lib/meta/graph';
import { getWaba } from '@/lib/meta/wabas';
import { isReadOnly, type OnboardingStep, type StepContext } from '@/lib/onboarding/steps/context';
import { StepFailure, type StepOutcome } from '@/lib/operations/types';

// Shares the Solution Partner's credit line with the WABA (docs/meta/credit-lines.md). A line cannot be
// changed once attached, so the WABA's primary_funding_id is read first: a retry after a lost
// response finds it set and only recovers the allocation id instead of sharing again (docs/meta/credit-lines.md).

function currencyOf(value: string | undefined): WabaCurrency {
  return (wabaCurrencies as readonly string[]).includes(value ?? '') ? (value as WabaCurrency) : 'USD';
}

/** What sharing needs of a step's context, so that other operations (Finish onboarding) share the same way. */
export type CreditLineContext = Pick<StepContext, 'waba' | 'token' | 'audit' | 'previous' | 'ownerBusinessId'>;

async function fundingState(ctx: CreditLineContext) {
  return getWaba(ctx.waba.metaWabaId, ctx.token, ctx.audit, ['primary_funding_id', 'owner_business_info', 'currency']);
}

/** The WABA is funded already: find out whether by our line, and keep the allocation id. */
async function recordExistingFunding(
  ctx: CreditLineContext,
  creditLineId: string,
  primaryFundingId: string,
  ownerBusinessId: string | undefined,
): Promise<StepOutcome> {
  const system = systemToken();
  const known = ctx.waba.allocationConfigId ?? (typeof ctx.previous?.allocationConfigId === 'string' ? ctx.previous.allocationConfigId : undefined);
  let candidates: string[] = known ? [known] : [];
  if (candidates.length === 0 && ownerBusinessId) {
    const configs = await listAllocationConfigs(creditLineId, ownerBusinessId, system, ctx.audit).catch((error: unknown) => {
      // Meta answers 100 when our line has no allocation for that portfolio.
      if (hasCode(error, 100)) return [];
      throw error;
    });
    candidates = configs.filter((c) => c.requestStatus !== 'DELETED').map((c) => c.id);
  }
  for (const id of candidates) {
    const allocation = await getAllocationConfig(id, system, ctx.audit);
    if (allocation.requestStatus !== 'DELETED' && allocation.receivingCredentialId === primaryFundingId) {
      await db().update(wabas).set({ allocationConfigId: id, primaryFundingId, updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
      return { status: 'done', result: { allocationConfigId: id, primaryFundingId, alreadyShared: true, ours: true } };
    }
  }
  // Funded by another line (the customer's own payment method or another partner's): nothing to share.
  await db().update(wabas).set({ primaryFundingId, updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
  return { status: 'done', result: { allocationConfigId: null, primaryFundingId, alreadyShared: true, ours: false } };
}

/** Solution Partners only; Meta requires our system user on the WABA first (docs/meta/credit-lines.md). */
export const shareCreditLineStep: OnboardingStep = {
  name: 'share_credit_line',
  label: { staff: 'Share our credit line', customer: 'Set up billing through us' },
  needed: (plan) => !isReadOnly(plan) && plan.partnerType === 'solution_partner',
  after: ['assign_system_user'],
  run: shareCreditLine,
};

/** Shares our credit line with the WABA unless it is funded already (system token for the share). */
export async function shareCreditLine(ctx: CreditLineContext): Promise<StepOutcome> {
  const { creditLineId } = metaConfig();
  if (!creditLineId) throw new StepFailure('not_configured', 'META_CREDIT_LINE_ID must be configured to share the credit line.');
  const before = await fundingState(ctx);
  const owner = before.owner_business_info?.id ?? ctx.ownerBusinessId ?? undefined;
  if (before.primary_funding_id) return recordExistingFunding(ctx, creditLineId, before.primary_funding_id, owner);

  const currency = currencyOf(before.currency);
  try {
    const share = await shareAndAttachCreditLine(creditLineId, { wabaId: ctx.waba.metaWabaId, currency }, systemToken(), ctx.audit);
    await db().update(wabas).set({ allocationConfigId: share.allocationConfigId, currency, updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
    return { status: 'done', result: { allocationConfigId: share.allocationConfigId, currency, alreadyShared: false, ours: true } };
  } catch (error) {
    // "Already attached" (100) after our own earlier call landed late: verify rather than fail.
    if (!hasCode(error, 100)) throw error;
    const after = await fundingState(ctx);
    if (!after.primary_funding_id) throw error;
    return recordExistingFunding(ctx, creditLineId, after.primary_funding_id, owner);
  }
}
