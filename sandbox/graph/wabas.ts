import { newId, phonesOfWaba, type PhoneNumber, type Sandbox, type Token, type Waba } from '../state';
import { authenticate, loadWaba, requireKind } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { invalidParameter, objectNotFound } from './errors';
import { analyticsGetters } from './analytics';
import { pageOf, selectFields, type FieldGetters } from './fields';

type Entity = Record<string, unknown> & { can_send_message: 'AVAILABLE' | 'LIMITED' | 'BLOCKED' };

const rank = { AVAILABLE: 0, LIMITED: 1, BLOCKED: 2 } as const;

function phoneEntity(phone: PhoneNumber): Entity {
  if (phone.platformType !== 'CLOUD_API' || phone.status !== 'CONNECTED') {
    return {
      entity_type: 'PHONE_NUMBER',
      id: phone.id,
      can_send_message: 'BLOCKED',
      errors: [
        {
          error_code: 141010,
          error_description: 'The phone number is not registered on the Cloud API.',
          possible_solution: 'Register the number with POST /{phone-number-id}/register.',
        },
      ],
    };
  }
  if (phone.nameStatus !== 'APPROVED' && phone.nameStatus !== 'AVAILABLE_WITHOUT_REVIEW') {
    return {
      entity_type: 'PHONE_NUMBER',
      id: phone.id,
      can_send_message: 'LIMITED',
      can_receive_call_sip: 'AVAILABLE',
      additional_info: ['Your display name has not been approved yet. Your message limit will be increased after the display name is approved.'],
    };
  }
  return { entity_type: 'PHONE_NUMBER', id: phone.id, can_send_message: 'AVAILABLE', can_receive_call_sip: 'AVAILABLE' };
}

/** health_status for a WABA or one of its numbers (Meta: Health status): overall = worst entity. */
export function healthStatus(sb: Sandbox, waba: Waba, onlyPhone?: PhoneNumber) {
  const entities: Entity[] = [];
  for (const phone of onlyPhone ? [onlyPhone] : phonesOfWaba(sb, waba.id)) entities.push(phoneEntity(phone));
  const needsCredit = sb.config.partnerType === 'solution_partner' && waba.partners.some((p) => p.appId === sb.options.appId && p.via !== 'owned');
  if (waba.accountReviewStatus === 'REJECTED') {
    entities.push({
      entity_type: 'WABA',
      id: waba.id,
      can_send_message: 'BLOCKED',
      errors: [
        {
          error_code: 141001,
          error_description: 'The WhatsApp Business Account was rejected in review.',
          possible_solution: 'Request a review in WhatsApp Manager.',
        },
      ],
    });
  } else if (needsCredit && !waba.primaryFundingId) {
    entities.push({
      entity_type: 'WABA',
      id: waba.id,
      can_send_message: 'BLOCKED',
      errors: [
        {
          error_code: 141006,
          error_description: 'There is no valid payment method on this WhatsApp Business Account.',
          possible_solution: "Share your credit line with the customer's WhatsApp Business Account.",
        },
      ],
    });
  } else if (waba.accountReviewStatus === 'PENDING') {
    entities.push({ entity_type: 'WABA', id: waba.id, can_send_message: 'LIMITED', additional_info: ['Your WhatsApp Business Account is being reviewed.'] });
  } else {
    entities.push({ entity_type: 'WABA', id: waba.id, can_send_message: 'AVAILABLE' });
  }
  entities.push({ entity_type: 'BUSINESS', id: waba.ownerBusinessId, can_send_message: 'AVAILABLE' });
  entities.push({ entity_type: 'APP', id: sb.options.appId, can_send_message: 'AVAILABLE' });
  const worst = entities.reduce<Entity['can_send_message']>((acc, e) => (rank[e.can_send_message] > rank[acc] ? e.can_send_message : acc), 'AVAILABLE');
  return { can_send_message: worst, entities };
}

export function wabaFieldGetters(sb: Sandbox, waba: Waba): FieldGetters {
  const owner = sb.state.businesses[waba.ownerBusinessId];
  return {
    id: () => waba.id,
    name: () => waba.name,
    currency: () => waba.currency,
    timezone_id: () => waba.timezoneId,
    message_template_namespace: () => waba.namespace,
    account_review_status: () => waba.accountReviewStatus,
    business_verification_status: () => owner?.verificationStatus ?? 'not_verified',
    owner_business_info: () => ({ name: owner?.name ?? '', id: waba.ownerBusinessId }),
    owner_business: () => ({ id: waba.ownerBusinessId, name: owner?.name ?? '' }),
    ...analyticsGetters(sb, waba),
    on_behalf_of_business_info: () =>
      waba.ownershipType === 'ON_BEHALF_OF' ? { name: owner?.name ?? '', id: waba.ownerBusinessId, status: 'APPROVED', type: 'SELF' } : undefined,
    primary_funding_id: () => waba.primaryFundingId,
    health_status: () => healthStatus(sb, waba),
    ownership_type: () => waba.ownershipType,
    status: () => waba.status,
    country: () => waba.country,
    creation_time: () => Math.floor(waba.createdAt / 1000),
    is_enabled_for_insights: () => true,
    is_shared_with_partners: () => waba.partners.length > 0,
    primary_business_location: () => waba.country,
    purchase_order_number: () => undefined,
    auth_international_rate_eligibility: () => ({ exception_countries: [], start_time: Math.floor(waba.createdAt / 1000) }),
    marketing_messages_onboarding_status: () => 'ELIGIBLE',
    whatsapp_business_manager_messaging_limit: () => waba.messagingLimit,
    business_type: () => (waba.solutionIds.length > 0 ? 'ent' : undefined),
  };
}

/** Default fields of a WABA, the same on the node and on every list that returns WABAs. */
export const wabaDefaultFields = ['id', 'name'];

export function readWaba(ctx: GraphContext, waba: Waba) {
  return selectFields(ctx, 'WhatsAppBusinessAccount', wabaFieldGetters(ctx.sb, waba), wabaDefaultFields);
}

type Filter = { field: string; operator: string; value: unknown };

function parseFiltering(ctx: GraphContext): Filter[] {
  const raw = ctx.params.filtering;
  if (raw === undefined) return [];
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw.replace(/'/g, '"'));
    } catch {
      throw invalidParameter('filtering must be a JSON array of {field, operator, value}', '(#100) param filtering must be an array.');
    }
  }
  if (!Array.isArray(parsed)) throw invalidParameter('filtering must be a JSON array', '(#100) param filtering must be an array.');
  return parsed.map((f) => {
    const obj = f as Record<string, unknown>;
    if (typeof obj.field !== 'string' || typeof obj.operator !== 'string') throw invalidParameter('each filter needs field and operator');
    return { field: obj.field, operator: obj.operator, value: obj.value };
  });
}

function partnerBusinessFor(ctx: GraphContext, token: Token, id: string): string {
  const business = ctx.sb.state.businesses[id];
  if (!business) throw objectNotFound(id, 'get');
  requireKind(token, ['system'], 'Listing WhatsApp Business Accounts of a business portfolio');
  const system = ctx.sb.state.systemUsers[token.userId];
  if (!system || system.businessId !== id) throw objectNotFound(id, 'get');
  return id;
}

/** GET /{business-id}/client_whatsapp_business_accounts and /owned_whatsapp_business_accounts (Meta: Manage accounts). */
export function listBusinessWabas(ctx: GraphContext, id: string, kind: 'client' | 'owned') {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const businessId = partnerBusinessFor(ctx, token, id);
  let wabas = Object.values(sb.state.wabas).filter((w) =>
    kind === 'owned' ? w.ownerBusinessId === businessId : w.ownerBusinessId !== businessId && w.partners.some((p) => p.businessId === businessId),
  );
  for (const f of parseFiltering(ctx)) {
    if (f.field === 'creation_time') {
      const value = Number(f.value);
      if (f.operator === 'GREATER_THAN') wabas = wabas.filter((w) => w.createdAt / 1000 > value);
      else if (f.operator === 'LESS_THAN') wabas = wabas.filter((w) => w.createdAt / 1000 < value);
      else throw invalidParameter(`operator ${f.operator} is not supported for creation_time`);
    } else if (f.field === 'partners') {
      const wanted = Array.isArray(f.value) ? f.value.map(String) : [String(f.value)];
      wabas = wabas.filter((w) => wanted.every((b) => w.partners.some((p) => p.businessId === b)));
    } else if (f.field === 'marketing_messages_onboarding_status') {
      const wanted = Array.isArray(f.value) ? f.value.map(String) : [String(f.value)];
      wabas = wabas.filter(() => wanted.includes('ELIGIBLE'));
    } else {
      throw invalidParameter(`filtering on ${f.field} is not supported`);
    }
  }
  const sort = stringParam(ctx, 'sort') ?? 'creation_time_descending';
  if (sort !== 'creation_time_ascending' && sort !== 'creation_time_descending')
    throw invalidParameter(`sort must be creation_time_ascending or creation_time_descending`);
  wabas.sort((a, b) => (sort === 'creation_time_ascending' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt) || a.id.localeCompare(b.id));
  return pageOf(ctx, 'WhatsAppBusinessAccount', wabas, (w) => wabaFieldGetters(sb, w), wabaDefaultFields);
}

/** GET /{waba-id}/solutions (Meta: Multi-Partner Solutions). */
export function wabaSolutions(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, id, 'read');
  const list = waba.solutionIds.map((sid) => ctx.sb.state.solutions[sid]).filter((s) => s !== undefined);
  return pageOf(
    ctx,
    'WhatsAppBusinessSolution',
    list,
    (s) => ({ id: () => s.id, name: () => s.name, status: () => s.status, status_for_pending_request: () => s.pendingRequest }),
    ['id', 'name', 'status', 'status_for_pending_request'],
  );
}

/** POST /{waba-id}/set_solution_migration_intent (Meta: Migrating customers between solutions). */
export function setMigrationIntent(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['business'], 'set_solution_migration_intent');
  const waba = loadWaba(ctx, token, id, 'manage');
  const solutionId = stringParam(ctx, 'solution_id');
  const appId = stringParam(ctx, 'app_id');
  if (!solutionId && !appId) throw invalidParameter('solution_id (or app_id when leaving a solution) is required');
  if (solutionId) {
    const solution = sb.state.solutions[solutionId];
    if (solution?.status !== 'ACTIVE') throw invalidParameter('The destination solution must exist and be ACTIVE.');
  }
  if (appId && !sb.state.apps[appId]) throw invalidParameter(`Unknown app ${appId}`);
  const intent = { id: newId(sb), wabaId: waba.id, ...(solutionId ? { solutionId } : {}), ...(appId ? { appId } : {}), at: sb.clock.now() };
  sb.state.migrationIntents[intent.id] = intent;
  return { id: intent.id };
}
