import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphRequest, successSchema } from '@/lib/meta/graph';
import { getWaba } from '@/lib/meta/wabas';

// Solution Partner credit lines (docs/meta/credit-lines.md). Sharing uses the partner system token, except
// the attach call of the alternate method and the WABA reads, which use the business token.

export const wabaCurrencies = ['AUD', 'EUR', 'GBP', 'IDR', 'INR', 'USD'] as const;
export type WabaCurrency = (typeof wabaCurrencies)[number];

export type CreditShare = { allocationConfigId: string; wabaId: string };

/**
 * Shares the credit line with the WABA's owner and attaches it (docs/meta/credit-lines.md). A line cannot
 * be changed once attached: after a timeout, call `verifyCreditLine` before trying again.
 */
export async function shareAndAttachCreditLine(
  creditLineId: string,
  input: { wabaId: string; currency: WabaCurrency },
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<CreditShare> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${creditLineId}/whatsapp_credit_sharing_and_attach`,
    query: { waba_id: input.wabaId, waba_currency: input.currency },
    token: systemToken,
    audit,
    schema: z.looseObject({ allocation_config_id: graphIdSchema, waba_id: graphIdSchema.optional() }),
  });
  return { allocationConfigId: result.allocation_config_id, wabaId: result.waba_id ?? input.wabaId };
}

/** Alternate method, call 2 (docs/meta/credit-lines.md): share with the customer's portfolio (system token). */
export async function shareCreditLine(
  creditLineId: string,
  receivingBusinessId: string,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<{ allocationConfigId?: string }> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${creditLineId}/whatsapp_credit_sharing`,
    query: { receiving_business_id: receivingBusinessId },
    token: systemToken,
    audit,
    schema: successSchema.extend({ allocation_config_id: graphIdSchema.optional() }),
  });
  return { allocationConfigId: result.allocation_config_id };
}

/** Alternate method, call 3 (docs/meta/credit-lines.md): attach the shared line to the WABA (business token). */
async function attachCreditLine(
  creditLineId: string,
  input: { wabaId: string; currency: WabaCurrency },
  businessToken: GraphToken,
  audit: AuditContext = {},
): Promise<{ allocationConfigId?: string; wabaId: string }> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${creditLineId}/whatsapp_credit_attach`,
    query: { waba_currency: input.currency, waba_id: input.wabaId },
    token: businessToken,
    audit,
    schema: successSchema.extend({ allocation_config_id: graphIdSchema.optional(), waba_id: graphIdSchema.optional() }),
  });
  return { allocationConfigId: result.allocation_config_id, wabaId: result.waba_id ?? input.wabaId };
}

/**
 * The alternate method end to end, once the owner business is known (from `getWabaOwner`, call 1):
 * share with the portfolio, then attach to the WABA.
 */
export async function shareAndAttachInTwoCalls(
  creditLineId: string,
  input: { wabaId: string; ownerBusinessId: string; currency: WabaCurrency },
  tokens: { system: GraphToken; business: GraphToken },
  audit: AuditContext = {},
): Promise<{ allocationConfigId?: string; wabaId: string }> {
  const shared = await shareCreditLine(creditLineId, input.ownerBusinessId, tokens.system, audit);
  const attached = await attachCreditLine(creditLineId, { wabaId: input.wabaId, currency: input.currency }, tokens.business, audit);
  return { allocationConfigId: attached.allocationConfigId ?? shared.allocationConfigId, wabaId: attached.wabaId };
}

const idRefSchema = z.union([graphIdSchema, z.looseObject({ id: graphIdSchema })]).transform((v) => (typeof v === 'string' ? v : v.id));

const allocationConfigSchema = z.looseObject({
  id: graphIdSchema,
  receiving_credential: idRefSchema.optional(),
  receiving_business: z.looseObject({ id: graphIdSchema, name: z.string().optional() }).optional(),
  request_status: z.string().optional(),
});

export type AllocationConfig = {
  id: string;
  receivingCredentialId?: string;
  receivingBusinessId?: string;
  /** `DELETED` after a revoke. */
  requestStatus?: string;
};

function toAllocation(a: z.output<typeof allocationConfigSchema>): AllocationConfig {
  return {
    id: a.id,
    receivingCredentialId: a.receiving_credential,
    receivingBusinessId: a.receiving_business?.id,
    requestStatus: a.request_status,
  };
}

export async function getAllocationConfig(allocationConfigId: string, systemToken: GraphToken, audit: AuditContext = {}): Promise<AllocationConfig> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${allocationConfigId}`,
    // Older docs spell it `receiving_credential{id}`; both return `{ id }` (docs/meta/credit-lines.md).
    query: { fields: 'id,receiving_credential{id},receiving_business,request_status' },
    token: systemToken,
    audit,
    schema: allocationConfigSchema,
  });
  return toAllocation(result);
}

export type CreditLineCheck = { shared: boolean; receivingCredentialId?: string; primaryFundingId?: string };

/**
 * Shared correctly iff the allocation's `receiving_credential.id` equals the WABA's
 * `primary_funding_id` (docs/meta/credit-lines.md). Use it before sharing, so a retry never shares twice.
 */
export async function verifyCreditLine(
  input: { allocationConfigId: string; wabaId: string },
  tokens: { system: GraphToken; business: GraphToken },
  audit: AuditContext = {},
): Promise<CreditLineCheck> {
  const [allocation, waba] = await Promise.all([
    getAllocationConfig(input.allocationConfigId, tokens.system, audit),
    getWaba(input.wabaId, tokens.business, audit, ['primary_funding_id']),
  ]);
  const receivingCredentialId = allocation.receivingCredentialId;
  const primaryFundingId = waba.primary_funding_id;
  return {
    shared: allocation.requestStatus !== 'DELETED' && !!receivingCredentialId && receivingCredentialId === primaryFundingId,
    receivingCredentialId,
    primaryFundingId,
  };
}

/** The allocations of a credit line for one customer portfolio (docs/meta/credit-lines.md step 3). */
export async function listAllocationConfigs(
  creditLineId: string,
  receivingBusinessId: string,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<AllocationConfig[]> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${creditLineId}/owning_credit_allocation_configs`,
    query: { receiving_business_id: receivingBusinessId, fields: 'id,receiving_business,request_status' },
    token: systemToken,
    audit,
    // Meta's example is a single object; an edge normally answers `{ data: [...] }` (docs/meta/uncertain.md#allocation-list-shape).
    schema: z.union([z.looseObject({ data: z.array(allocationConfigSchema) }), allocationConfigSchema]),
  });
  const list = 'data' in result && Array.isArray(result.data) ? result.data : [result as z.output<typeof allocationConfigSchema>];
  return list.map(toAllocation).filter((a) => a.receivingBusinessId === undefined || a.receivingBusinessId === receivingBusinessId);
}

async function deleteAllocationConfig(allocationConfigId: string, systemToken: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({ method: 'DELETE', path: `/${allocationConfigId}`, token: systemToken, audit, schema: successSchema });
}

/**
 * Revokes the credit line from a customer portfolio: every WABA of that portfolio loses it
 * (docs/meta/credit-lines.md). Returns the allocation ids deleted; already-deleted ones are skipped.
 */
export async function revokeCreditLine(
  creditLineId: string,
  receivingBusinessId: string,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<string[]> {
  const configs = await listAllocationConfigs(creditLineId, receivingBusinessId, systemToken, audit);
  const active = configs.filter((c) => c.requestStatus !== 'DELETED');
  for (const config of active) await deleteAllocationConfig(config.id, systemToken, audit);
  return active.map((c) => c.id);
}
