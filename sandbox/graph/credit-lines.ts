import { newId, type AllocationConfig, type CreditLine, type Sandbox, type Token, type Waba } from '../state';
import { authenticate, loadWaba, requireKind } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { invalidParameter, missingParameter, objectNotFound, permissionError } from './errors';
import { pageOf, selectFields, type FieldGetters } from './fields';

// Credit lines (Meta: Share and revoke credit lines): the partner's system token, except step 3 of the alternate method.

const currencies = ['AUD', 'EUR', 'GBP', 'IDR', 'INR', 'USD'];

function systemBusiness(ctx: GraphContext, token: Token): string {
  const system = ctx.sb.state.systemUsers[token.userId];
  if (!system) throw permissionError('Unknown system user');
  return system.businessId;
}

function loadCreditLine(ctx: GraphContext, token: Token, id: string): CreditLine {
  const line = ctx.sb.state.creditLines[id];
  if (!line) throw objectNotFound(id, ctx.method.toLowerCase() as 'get');
  requireKind(token, ['system'], 'Credit line operations');
  if (token.kind === 'system' && systemBusiness(ctx, token) !== line.businessId) throw objectNotFound(id, 'get');
  return line;
}

function partnerWaba(ctx: GraphContext, token: Token, wabaId: string): Waba {
  const waba = loadWaba(ctx, token, wabaId, 'read');
  const business = systemBusiness(ctx, token);
  if (!waba.partners.some((p) => p.businessId === business))
    throw permissionError('This WhatsApp Business Account is not shared with your business portfolio.');
  return waba;
}

/** Meta requires the system user on the WABA first (Meta: Onboarding customers as a Solution Partner); MANAGE_BILLING when MESSAGING was not granted. */
function requireBillingTask(_ctx: GraphContext, token: Token, waba: Waba) {
  const assigned = waba.assignedUsers.find((u) => u.userId === token.userId);
  if (!assigned?.tasks.some((t) => t === 'MANAGE' || t === 'MANAGE_BILLING')) {
    throw permissionError(
      'Add your system user to the WhatsApp Business Account with MANAGE (or MANAGE_BILLING under a Multi-Partner Solution) before sharing your credit line: POST /{waba-id}/assigned_users.',
    );
  }
}

function alreadyAttached(waba: Waba) {
  if (waba.primaryFundingId) {
    // A credit line cannot be changed once attached (Meta: Share and revoke credit lines); a retry after success lands here.
    throw invalidParameter(`A credit line is already attached to WhatsApp Business Account ${waba.id} and cannot be changed.`, '(#100) Invalid parameter');
  }
}

function allocationFor(sb: Sandbox, line: CreditLine, receivingBusinessId: string): AllocationConfig {
  const existing = Object.values(sb.state.allocations).find(
    (a) => a.creditLineId === line.id && a.receivingBusinessId === receivingBusinessId && a.status === 'ACTIVE',
  );
  if (existing) return existing;
  const allocation: AllocationConfig = {
    id: newId(sb),
    creditLineId: line.id,
    receivingBusinessId,
    fundingId: newId(sb),
    status: 'ACTIVE',
    createdAt: sb.clock.now(),
  };
  sb.state.allocations[allocation.id] = allocation;
  return allocation;
}

function currencyParam(ctx: GraphContext): string {
  const currency = stringParam(ctx, 'waba_currency');
  if (!currency) throw missingParameter('waba_currency');
  if (!currencies.includes(currency)) throw invalidParameter(`waba_currency must be one of ${currencies.join(', ')}`);
  return currency;
}

/** GET /{business-id}/extendedcredits */
export function listExtendedCredits(ctx: GraphContext, businessId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (!sb.state.businesses[businessId]) throw objectNotFound(businessId, 'get');
  requireKind(token, ['system'], 'Reading credit lines');
  if (systemBusiness(ctx, token) !== businessId) throw objectNotFound(businessId, 'get');
  const lines = Object.values(sb.state.creditLines).filter((l) => l.businessId === businessId);
  return pageOf(ctx, 'ExtendedCredit', lines, (l) => creditLineGetters(ctx, l), ['id']);
}

export function creditLineGetters(ctx: GraphContext, l: CreditLine): FieldGetters {
  const owner = ctx.sb.state.businesses[l.businessId];
  return {
    id: () => l.id,
    legal_entity_name: () => l.legalEntityName,
    owner_business: () => ({ id: l.businessId, name: owner?.name ?? '' }),
    owner_business_name: () => owner?.name,
    credit_type: () => 'WHATSAPP',
    is_access_revoked: () => false,
  };
}

/** POST /{credit-line-id}/whatsapp_credit_sharing_and_attach (Meta: Share and revoke credit lines). */
export function shareAndAttach(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const line = loadCreditLine(ctx, token, id);
  const wabaId = stringParam(ctx, 'waba_id');
  if (!wabaId) throw missingParameter('waba_id');
  const currency = currencyParam(ctx);
  const waba = partnerWaba(ctx, token, wabaId);
  requireBillingTask(ctx, token, waba);
  alreadyAttached(waba);
  const allocation = allocationFor(sb, line, waba.ownerBusinessId);
  waba.primaryFundingId = allocation.fundingId;
  waba.allocationConfigId = allocation.id;
  waba.currency = currency;
  return { allocation_config_id: allocation.id, waba_id: waba.id };
}

/** Alternate method step 2: POST /{credit-line-id}/whatsapp_credit_sharing (Meta: Share and revoke credit lines). */
export function shareCredit(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const line = loadCreditLine(ctx, token, id);
  const receiving = stringParam(ctx, 'receiving_business_id');
  if (!receiving) throw missingParameter('receiving_business_id');
  const business = sb.state.businesses[receiving];
  const partner = systemBusiness(ctx, token);
  const isClient = Object.values(sb.state.wabas).some((w) => w.ownerBusinessId === receiving && w.partners.some((p) => p.businessId === partner));
  if (!business || !isClient) throw invalidParameter('receiving_business_id must be the portfolio of a customer whose WABA is shared with you.');
  const allocation = allocationFor(sb, line, receiving);
  return { success: true, allocation_config_id: allocation.id };
}

/** Alternate method step 3: POST /{credit-line-id}/whatsapp_credit_attach with the business token. */
export function attachCredit(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const line = sb.state.creditLines[id];
  if (!line) throw objectNotFound(id, 'post');
  requireKind(token, ['business'], 'whatsapp_credit_attach');
  const wabaId = stringParam(ctx, 'waba_id');
  if (!wabaId) throw missingParameter('waba_id');
  const currency = currencyParam(ctx);
  const waba = loadWaba(ctx, token, wabaId, 'manage');
  alreadyAttached(waba);
  const allocation = Object.values(sb.state.allocations).find(
    (a) => a.creditLineId === line.id && a.receivingBusinessId === waba.ownerBusinessId && a.status === 'ACTIVE',
  );
  if (!allocation) throw invalidParameter('The credit line is not shared with this business yet: call whatsapp_credit_sharing first.');
  waba.primaryFundingId = allocation.fundingId;
  waba.allocationConfigId = allocation.id;
  waba.currency = currency;
  return { success: true, waba_id: waba.id, allocation_config_id: allocation.id };
}

/**
 * GET /{credit-line-id}/owning_credit_allocation_configs?receiving_business_id=: an edge, so the
 * usual {data:[...]} list even when filtered (Meta's page shows a single object for the filtered call).
 */
export function owningAllocations(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const line = loadCreditLine(ctx, token, id);
  const receiving = stringParam(ctx, 'receiving_business_id');
  const matches = Object.values(sb.state.allocations).filter(
    (a) => a.creditLineId === line.id && a.status === 'ACTIVE' && (!receiving || a.receivingBusinessId === receiving),
  );
  return pageOf(ctx, 'ExtendedCreditAllocationConfig', matches, (a) => allocationGetters(ctx, a), allocationDefaults);
}

const allocationDefaults = ['id'];

function allocationGetters(ctx: GraphContext, a: AllocationConfig): FieldGetters {
  const business = ctx.sb.state.businesses[a.receivingBusinessId];
  const line = ctx.sb.state.creditLines[a.creditLineId];
  const owner = line ? ctx.sb.state.businesses[line.businessId] : undefined;
  return {
    id: () => a.id,
    receiving_business: () => ({ name: business?.name ?? '', id: a.receivingBusinessId }),
    receiving_credential: () => ({ id: a.fundingId }),
    request_status: () => (a.status === 'ACTIVE' ? 'APPROVED' : 'DELETED'),
    credential_id: () => a.fundingId,
    liability_type: () => 'Primary',
    partition_type: () => 'FIXED',
    owning_business: () => (line ? { id: line.businessId, name: owner?.name ?? '' } : undefined),
    owning_credential: () => (line ? { id: line.id } : undefined),
  };
}

export function readAllocation(ctx: GraphContext, token: Token, a: AllocationConfig) {
  requireKind(token, ['system'], 'Reading a credit allocation');
  return selectFields(ctx, 'ExtendedCreditAllocationConfig', allocationGetters(ctx, a), allocationDefaults);
}

/** DELETE /{allocation-config-id}: revokes the line for every WABA of that customer (Meta: Share and revoke credit lines). */
export function deleteAllocation(ctx: GraphContext, token: Token, a: AllocationConfig) {
  requireKind(token, ['system'], 'Revoking a credit line');
  if (a.status === 'DELETED') throw invalidParameter('This credit allocation is already revoked.');
  a.status = 'DELETED';
  for (const waba of Object.values(ctx.sb.state.wabas)) {
    if (waba.allocationConfigId === a.id) {
      delete waba.primaryFundingId;
      delete waba.allocationConfigId;
    }
  }
  return { success: true };
}
