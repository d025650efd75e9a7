import { emitSolutionWebhook, transitionSolution, type SolutionDecision } from '../decisions';
import { newId, newTokenValue, type Solution, type Token } from '../state';
import { authenticate, requireKind } from './auth';
import type { GraphContext } from './context';
import { listParam, stringParam } from './context';
import { graphError, invalidParameter, missingParameter, objectNotFound, permissionError } from './errors';
import { pageOf, selectFields } from './fields';

const solutionDefaults = ['id', 'name', 'status', 'status_for_pending_request'];

// Multi-Partner Solutions (Meta: Multi-Partner Solutions).

const defaultPermissions = [
  'MANAGE',
  'DEVELOP',
  'MANAGE_TEMPLATES',
  'MANAGE_PHONE',
  'VIEW_COST',
  'MANAGE_EXTENSIONS',
  'VIEW_PHONE_ASSETS',
  'MANAGE_PHONE_ASSETS',
  'VIEW_TEMPLATES',
  'VIEW_INSIGHTS',
];

function permissions(messaging: boolean): string[] {
  return messaging ? [...defaultPermissions, 'MESSAGING'] : defaultPermissions;
}

function tokenActsFor(token: Token, appId: string): boolean {
  if (token.kind === 'user') return token.appIds?.includes(appId) ?? false;
  return (token.kind === 'system' || token.kind === 'app') && token.appId === appId;
}

function loadSolution(ctx: GraphContext, token: Token, id: string): Solution {
  const solution = ctx.sb.state.solutions[id];
  const method = ctx.method.toLowerCase() as 'get' | 'post';
  if (!solution) throw objectNotFound(id, method);
  if (!tokenActsFor(token, solution.ownerAppId) && !tokenActsFor(token, solution.partnerAppId)) throw objectNotFound(id, method);
  return solution;
}

function pendingStatus(s: Solution) {
  return s.pendingRequest;
}

function partnerRecord(ctx: GraphContext, s: Solution) {
  const app = ctx.sb.state.apps[s.partnerAppId];
  return {
    partner_app: { id: s.partnerAppId, name: app?.name ?? '', link: app?.link ?? '' },
    partner_permissions: permissions(s.partnerMessaging),
    status: s.partnerStatus === 'REJECTED' ? 'NOTIFICATION_SENT' : s.partnerStatus,
    id: s.partnerRecordId,
  };
}

function solutionGetters(ctx: GraphContext, s: Solution): Record<string, () => unknown> {
  const owner = ctx.sb.state.apps[s.ownerAppId];
  return {
    id: () => s.id,
    name: () => s.name,
    status: () => s.status,
    status_for_pending_request: () => pendingStatus(s),
    owner_app: () => ({ id: s.ownerAppId, name: owner?.name ?? '', link: owner?.link ?? '' }),
    owner_permissions: () => permissions(s.ownerMessaging),
    partners: () => ({
      data: [partnerRecord(ctx, s)],
      paging: { cursors: { before: Buffer.from('sandbox:0').toString('base64url'), after: Buffer.from('sandbox:0').toString('base64url') } },
    }),
  };
}

/** POST /{owner-app-id}/whatsapp_business_solution (Meta: Multi-Partner Solutions). */
export function createSolution(ctx: GraphContext, appId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (!sb.state.apps[appId]) throw objectNotFound(appId, 'post');
  requireKind(token, ['system', 'user'], 'Creating a Multi-Partner Solution');
  if (!tokenActsFor(token, appId))
    throw permissionError('The token must belong to the owner app (a system user token of that app, or the user token from the manage_app_solution login).');
  if (token.kind === 'system' && !token.scopes.includes('manage_app_solution') && !token.scopes.includes('whatsapp_business_management')) {
    throw permissionError('Requires manage_app_solution');
  }
  const name = stringParam(ctx, 'solution_name');
  const partnerAppId = stringParam(ctx, 'partner_app_id');
  const ownerPermissions = listParam(ctx, 'owner_permissions');
  const partnerPermissions = listParam(ctx, 'partner_permissions');
  if (!name) throw missingParameter('solution_name');
  if (!partnerAppId) throw missingParameter('partner_app_id');
  if (!ownerPermissions) throw missingParameter('owner_permissions');
  if (!partnerPermissions) throw missingParameter('partner_permissions');
  const bad = [...ownerPermissions, ...partnerPermissions].filter((p) => p !== 'MESSAGING');
  if (bad.length > 0) throw invalidParameter(`Only MESSAGING is configurable; got ${bad.join(', ')}`);
  const ownerMessaging = ownerPermissions.includes('MESSAGING');
  const partnerMessaging = partnerPermissions.includes('MESSAGING');
  if (ownerMessaging === partnerMessaging) {
    // Exactly one of the two apps may have MESSAGING (Meta: Multi-Partner Solutions; the embedded-creation sample sets both).
    throw graphError({ message: '(#100) Exactly one of owner_permissions and partner_permissions must contain MESSAGING', type: 'OAuthException', code: 100 });
  }
  if (!sb.state.apps[partnerAppId] || partnerAppId === appId) throw invalidParameter(`partner_app_id ${partnerAppId} is not a valid partner app`);
  const solution: Solution = {
    id: newId(sb),
    name,
    ownerAppId: appId,
    partnerAppId,
    ownerMessaging,
    partnerMessaging,
    status: 'INITIATED',
    pendingRequest: 'PENDING_ACTIVATION',
    partnerStatus: 'NOTIFICATION_SENT',
    partnerRecordId: newId(sb),
    createdAt: sb.clock.now(),
    onboardings: [],
  };
  sb.state.solutions[solution.id] = solution;
  emitSolutionWebhook(sb, solution, 'SOLUTION_CREATED');
  return { solution_id: solution.id };
}

/** GET /{app-id}/whatsapp_business_solutions?role=OWNER|PARTNER (Meta: Multi-Partner Solutions). */
export function listSolutions(ctx: GraphContext, appId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (!sb.state.apps[appId]) throw objectNotFound(appId, 'get');
  if (!tokenActsFor(token, appId)) throw permissionError('Only tokens of this app can list its solutions.');
  const role = stringParam(ctx, 'role');
  if (role !== undefined && role !== 'OWNER' && role !== 'PARTNER') throw invalidParameter('role must be OWNER or PARTNER');
  const list = Object.values(sb.state.solutions)
    .filter((s) =>
      role === 'OWNER' ? s.ownerAppId === appId : role === 'PARTNER' ? s.partnerAppId === appId : s.ownerAppId === appId || s.partnerAppId === appId,
    )
    .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  return pageOf(ctx, 'WhatsAppBusinessSolution', list, (s) => solutionGetters(ctx, s), solutionDefaults, 25, 100);
}

export function readSolution(ctx: GraphContext, token: Token, id: string) {
  const solution = loadSolution(ctx, token, id);
  return selectFields(ctx, 'WhatsAppBusinessSolution', solutionGetters(ctx, solution), solutionDefaults);
}

export function listSolutionPartners(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  const solution = loadSolution(ctx, token, id);
  return pageOf(
    ctx,
    'WhatsAppBusinessSolutionPartner',
    [partnerRecord(ctx, solution)],
    (p) => ({ id: () => p.id, partner_app: () => p.partner_app, partner_permissions: () => p.partner_permissions, status: () => p.status }),
    ['partner_app', 'partner_permissions', 'status', 'id'],
  );
}

/** POST /{solution-id}/accept | reject | send_deactivation_request | accept_… | reject_… (Meta: Multi-Partner Solutions). */
export function solutionTransition(ctx: GraphContext, id: string, decision: SolutionDecision) {
  const token = authenticate(ctx);
  requireKind(token, ['system', 'user'], 'Changing a solution');
  const solution = loadSolution(ctx, token, id);
  const actor =
    tokenActsFor(token, solution.partnerAppId) && (decision === 'accept' || decision === 'reject')
      ? solution.partnerAppId
      : tokenActsFor(token, solution.ownerAppId)
        ? solution.ownerAppId
        : solution.partnerAppId;
  const problem = transitionSolution(ctx.sb, solution, actor, decision);
  if (problem) throw invalidParameter(problem, '(#100) Invalid parameter');
  return { success: true };
}

/** GET /{solution-id}/access_token?business_id= (Meta: Multi-Partner Solutions). */
export function solutionAccessToken(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['system'], 'Getting a solution access token');
  const solution = loadSolution(ctx, token, id);
  const businessId = stringParam(ctx, 'business_id');
  if (!businessId) throw missingParameter('business_id');
  if (!solution.onboardings.some((o) => o.businessId === businessId)) throw invalidParameter(`Business ${businessId} was not onboarded through this solution.`);
  const user = Object.values(sb.state.integrationUsers).find((u) => u.appId === token.appId && u.businessId === businessId);
  if (!user) throw invalidParameter(`No integration for business ${businessId}.`);
  const issuedAt = sb.clock.nowSeconds();
  const expiry = sb.config.businessTokenExpiry;
  const value = newTokenValue(sb);
  sb.state.tokens[value] = {
    value,
    kind: 'business',
    appId: token.appId,
    userId: user.id,
    businessId,
    issuedAt,
    expiresAt: expiry === 'never' ? 0 : issuedAt + expiry * 86400,
    scopes: [...new Set(user.grants.flatMap((g) => g.scopes)), 'public_profile'],
  };
  return { data: [{ access_token: value }] };
}

/** GET /me/application_details with the manage_app_solution user token (Meta: Multi-Partner Solution embedded creation; Meta's prose calls it the Assigned Applications API). */
export function applicationDetails(ctx: GraphContext) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['user'], 'application_details');
  return { data: (token.appIds ?? []).map((id) => ({ link: sb.state.apps[id]?.link ?? '', name: sb.state.apps[id]?.name ?? '', id })) };
}
