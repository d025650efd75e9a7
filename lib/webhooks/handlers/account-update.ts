import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { businesses, wabas, type Waba } from '@/lib/db/schema';
import { addAttention, changeTime, lockWaba, parseValue, recordFlag, upsertBusiness } from '@/lib/webhooks/handlers/common';
import { connectionValueSchema, handleConnectionChange, handlePartnerAdded, handlePartnerRemoved } from '@/lib/webhooks/handlers/partner-connection';
import type { ChangeHandler, HandlerOutcome, StoredChange } from '@/lib/webhooks/types';
import { recordCertificationDecision, recordCertificationNeeded, rejectionReasonsOf } from '@/lib/verification/webhooks';

// account_update (docs/meta/webhooks.md#account-update): one event per change; every event is also kept as
// `wabas.flags[event] = { at, value }`, newest by Meta's timestamp.

const accountUpdateSchema = z.looseObject({ event: z.string().min(1) });

const violationSchema = z.looseObject({
  violation_info: z.looseObject({ violation_type: z.string().optional() }).optional(),
});

const restrictionSchema = z.looseObject({
  restriction_info: z.array(z.looseObject({ restriction_type: z.string(), expiration: z.union([z.number(), z.string()]).optional() })).default([]),
});

const banSchema = z.looseObject({
  ban_info: z.looseObject({ waba_ban_state: z.string(), waba_ban_date: z.string().optional() }),
});

const countrySchema = z.looseObject({ country: z.string().optional() });

const certificationSchema = z.looseObject({
  partner_client_certification_info: z.looseObject({
    client_business_id: z.string().optional(),
    status: z.string(),
    rejection_reasons: z.array(z.string()).default([]),
  }),
});

const certificationNeededSchema = z.looseObject({
  partner_client_certification_needed_info: z.looseObject({ client_business_id: z.string().optional() }).optional(),
});

/** PLBV reasons are spelled "LEGAL NAME NOT MATCHING" in webhooks and LEGAL_NAME_NOT_MATCHING elsewhere (docs/meta/business-verification.md). */
export function normaliseRejectionReasons(reasons: readonly string[]): string[] {
  return rejectionReasonsOf(reasons);
}

// PLBV submission statuses mapped onto the Graph verification_status vocabulary (docs/meta/business-verification.md).
const certificationStatuses: Record<string, string> = {
  APPROVED: 'verified',
  FAILED: 'rejected',
  PENDING: 'pending',
  REVOKED: 'revoked',
};

function withoutEvent(value: Record<string, unknown>): Record<string, unknown> {
  const { event: _event, ...rest } = value;
  return rest;
}

type EventContext = { change: StoredChange; tx: Tx; waba: Waba | undefined; at: Date; metaWabaId: string | null };

async function setWaba(ctx: EventContext, values: Partial<typeof wabas.$inferInsert>): Promise<void> {
  if (!ctx.waba) return;
  await ctx.tx
    .update(wabas)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(wabas.id, ctx.waba.id));
}

async function handleViolation(ctx: EventContext): Promise<void> {
  const value = parseValue(violationSchema, ctx.change);
  const violationType = value.violation_info?.violation_type ?? null;
  await setWaba(ctx, { violationType });
  await addAttention(ctx.tx, ctx.change, {
    wabaId: ctx.metaWabaId,
    kind: 'account_violation',
    message: `WABA ${ctx.metaWabaId} has a policy violation${violationType ? ` (${violationType})` : ''}.`,
    data: { violationType },
  });
}

async function handleRestriction(ctx: EventContext): Promise<void> {
  const value = parseValue(restrictionSchema, ctx.change);
  await setWaba(ctx, { restrictions: value.restriction_info });
  if (value.restriction_info.length === 0) return;
  await addAttention(ctx.tx, ctx.change, {
    wabaId: ctx.metaWabaId,
    kind: 'account_restriction',
    message: `WABA ${ctx.metaWabaId} is restricted: ${value.restriction_info.map((r) => r.restriction_type).join(', ')}.`,
    data: { restrictions: value.restriction_info },
  });
}

async function handleDisabled(ctx: EventContext): Promise<void> {
  const { ban_info: ban } = parseValue(banSchema, ctx.change);
  // A ban does not disconnect the WABA from us; staff act on it.
  await setWaba(ctx, { banState: ban.waba_ban_state });
  if (ban.waba_ban_state === 'REINSTATE') return;
  await addAttention(ctx.tx, ctx.change, {
    wabaId: ctx.metaWabaId,
    kind: 'account_disabled',
    message:
      ban.waba_ban_state === 'SCHEDULE_FOR_DISABLE'
        ? `WABA ${ctx.metaWabaId} is scheduled to be disabled${ban.waba_ban_date ? ` on ${ban.waba_ban_date}` : ''}.`
        : `WABA ${ctx.metaWabaId} was disabled (${ban.waba_ban_state}).`,
    data: { banState: ban.waba_ban_state, banDate: ban.waba_ban_date ?? null },
  });
}

// Partner-led business verification (docs/meta/business-verification.md): the decision and the
// "verification needed" notice are kept per customer portfolio by lib/verification/webhooks.ts,
// whose attention items open the verification workspace.
async function handleCertification(ctx: EventContext): Promise<void> {
  const info = parseValue(certificationSchema, ctx.change).partner_client_certification_info;
  const status = certificationStatuses[info.status.toUpperCase()] ?? info.status.toLowerCase();
  const businessRowId = info.client_business_id ? await upsertBusiness(ctx.tx, info.client_business_id) : ctx.waba?.businessId;
  if (businessRowId) {
    await ctx.tx.update(businesses).set({ verificationStatus: status, updatedAt: new Date() }).where(eq(businesses.id, businessRowId));
  }
  await setWaba(ctx, { businessVerificationStatus: status });
  const clientBusinessId = info.client_business_id ?? (await metaBusinessIdOf(ctx));
  if (!clientBusinessId) return;
  await recordCertificationDecision(ctx.tx, ctx.change, {
    clientBusinessId,
    status: info.status,
    rejectionReasons: info.rejection_reasons,
    at: ctx.at,
    metaWabaId: ctx.metaWabaId,
  });
}

async function handleCertificationNeeded(ctx: EventContext): Promise<void> {
  const info = parseValue(certificationNeededSchema, ctx.change).partner_client_certification_needed_info;
  const clientBusinessId = info?.client_business_id ?? (await metaBusinessIdOf(ctx));
  if (!clientBusinessId) return;
  await upsertBusiness(ctx.tx, clientBusinessId);
  await recordCertificationNeeded(ctx.tx, ctx.change, { clientBusinessId, at: ctx.at, metaWabaId: ctx.metaWabaId });
}

/** The customer portfolio of the WABA, when the payload does not name it. */
async function metaBusinessIdOf(ctx: EventContext): Promise<string | undefined> {
  if (!ctx.waba?.businessId) return undefined;
  const [row] = await ctx.tx.select({ id: businesses.metaBusinessId }).from(businesses).where(eq(businesses.id, ctx.waba.businessId));
  return row?.id;
}

async function handleCountry(ctx: EventContext): Promise<void> {
  const { country } = parseValue(countrySchema, ctx.change);
  if (country) await setWaba(ctx, { country });
}

const eventHandlers: Record<string, (ctx: EventContext) => Promise<void>> = {
  ACCOUNT_VIOLATION: handleViolation,
  ACCOUNT_RESTRICTION: handleRestriction,
  DISABLED_UPDATE: handleDisabled,
  PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE: handleCertification,
  PARTNER_CLIENT_CERTIFICATION_NEEDED: handleCertificationNeeded,
  BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE: handleCountry,
};

export const handleAccountUpdate: ChangeHandler = async (change, tx): Promise<HandlerOutcome> => {
  const { event } = parseValue(accountUpdateSchema, change);
  const at = changeTime(change);
  switch (event) {
    case 'PARTNER_ADDED':
    case 'PARTNER_APP_INSTALLED':
      return handlePartnerAdded(change, tx, parseValue(connectionValueSchema, change), at);
    case 'PARTNER_APP_UNINSTALLED':
    case 'PARTNER_REMOVED':
      return handlePartnerRemoved(change, tx, parseValue(connectionValueSchema, change), at);
    case 'ACCOUNT_OFFBOARDED':
    case 'ACCOUNT_RECONNECTED':
    case 'ACCOUNT_DELETED':
      return handleConnectionChange(change, tx, parseValue(connectionValueSchema, change), at);
  }
  // Other events: AUTH_INTL_PRICE_ELIGIBILITY_UPDATE, VOLUME_BASED_PRICING_TIER_UPDATE, MM_LITE_TERMS_SIGNED,
  // AD_ACCOUNT_LINKED, VERIFIED_ACCOUNT and anything new are kept as flags only.
  const waba = await lockWaba(tx, change.wabaId);
  if (waba && !(await recordFlag(tx, waba, event, at, withoutEvent(change.value)))) return 'processed';
  await eventHandlers[event]?.({ change, tx, waba, at, metaWabaId: waba?.metaWabaId ?? change.wabaId });
  return 'processed';
};
