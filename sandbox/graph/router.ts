import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseLatency, drawFaults } from '../faults';
import { corsHeaders, parseBody, searchParamsToObject, sendJson } from '../http';
import type { Sandbox } from '../state';
import { authenticate, loadPhone, loadWaba, requireKind } from './auth';
import { requestSmbSync } from './coexistence';
import type { GraphContext, GraphMethod } from './context';
import {
  attachCredit,
  deleteAllocation,
  listExtendedCredits,
  owningAllocations,
  readAllocation,
  shareAndAttach,
  shareCredit,
} from './credit-lines';
import { readBusiness, listSubmissions, submitVerification } from './business-verification';
import { envelope, graphError, isGraphError, objectNotFound, unknownPath } from './errors';
import { selectFields } from './fields';
import { debugToken, exchangeCode } from './oauth';
import {
  createPhoneNumber,
  deregisterPhone,
  listPhoneNumbers,
  readPhone,
  registerPhone,
  requestCode,
  updatePhone,
  verifyCode,
} from './phone-numbers';
import {
  applicationDetails,
  createSolution,
  listSolutionPartners,
  listSolutions,
  readSolution,
  solutionAccessToken,
  solutionTransition,
} from './solutions';
import { listSubscribedApps, subscribeApp, unsubscribeApp } from './subscribed-apps';
import { assignUser, listAssignedUsers, listSystemUsers, removeAssignedUser } from './system-users';
import { listBusinessWabas, readWaba, setMigrationIntent, wabaSolutions } from './wabas';

type EdgeHandler = (ctx: GraphContext, id: string) => unknown;

const edges: Record<string, Partial<Record<GraphMethod, EdgeHandler>>> = {
  client_whatsapp_business_accounts: { GET: (c, id) => listBusinessWabas(c, id, 'client') },
  owned_whatsapp_business_accounts: { GET: (c, id) => listBusinessWabas(c, id, 'owned') },
  extendedcredits: { GET: listExtendedCredits },
  system_users: { GET: listSystemUsers },
  self_certify_whatsapp_business: { POST: submitVerification },
  self_certified_whatsapp_business_submissions: { GET: listSubmissions },
  subscribed_apps: { GET: listSubscribedApps, POST: subscribeApp, DELETE: unsubscribeApp },
  phone_numbers: { GET: listPhoneNumbers, POST: createPhoneNumber },
  request_code: { POST: requestCode },
  verify_code: { POST: verifyCode },
  register: { POST: registerPhone },
  deregister: { POST: deregisterPhone },
  smb_app_data: { POST: requestSmbSync },
  whatsapp_credit_sharing_and_attach: { POST: shareAndAttach },
  whatsapp_credit_sharing: { POST: shareCredit },
  whatsapp_credit_attach: { POST: attachCredit },
  owning_credit_allocation_configs: { GET: owningAllocations },
  assigned_users: { GET: listAssignedUsers, POST: assignUser, DELETE: removeAssignedUser },
  whatsapp_business_solution: { POST: createSolution },
  whatsapp_business_solutions: { GET: listSolutions },
  partners: { GET: listSolutionPartners },
  access_token: { GET: solutionAccessToken },
  solutions: { GET: wabaSolutions },
  set_solution_migration_intent: { POST: setMigrationIntent },
  accept: { POST: (c, id) => solutionTransition(c, id, 'accept') },
  reject: { POST: (c, id) => solutionTransition(c, id, 'reject') },
  send_deactivation_request: { POST: (c, id) => solutionTransition(c, id, 'send_deactivation_request') },
  accept_deactivation_request: { POST: (c, id) => solutionTransition(c, id, 'accept_deactivation_request') },
  reject_deactivation_request: { POST: (c, id) => solutionTransition(c, id, 'reject_deactivation_request') },
};

function readNode(ctx: GraphContext, id: string): unknown {
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (id === 'me') {
    if (token.kind === 'app') throw graphError({ message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });
    const person = sb.state.persons[token.userId];
    const system = sb.state.systemUsers[token.userId];
    return selectFields(ctx, 'User', { id: () => token.userId, name: () => person?.name ?? system?.name ?? 'Business Integration System User' }, ['id', 'name']);
  }
  if (sb.state.wabas[id]) return readWaba(ctx, loadWaba(ctx, token, id, 'read'));
  if (sb.state.phoneNumbers[id]) {
    const { phone, waba } = loadPhone(ctx, token, id, 'read');
    return readPhone(ctx, phone, waba);
  }
  const business = sb.state.businesses[id];
  if (business) return readBusiness(ctx, token, business);
  if (sb.state.solutions[id]) return readSolution(ctx, token, id);
  const allocation = sb.state.allocations[id];
  if (allocation) {
    const line = sb.state.creditLines[allocation.creditLineId];
    const system = sb.state.systemUsers[token.userId];
    if (token.kind === 'system' && line && system?.businessId !== line.businessId) throw objectNotFound(id, 'get');
    return readAllocation(ctx, token, allocation);
  }
  const line = sb.state.creditLines[id];
  if (line) {
    requireKind(token, ['system'], 'Reading a credit line');
    return selectFields(ctx, 'ExtendedCredit', { id: () => line.id, legal_entity_name: () => line.legalEntityName }, ['id']);
  }
  const app = sb.state.apps[id];
  if (app) return selectFields(ctx, 'Application', { id: () => app.id, name: () => app.name, link: () => app.link }, ['id', 'name', 'link']);
  const systemUser = sb.state.systemUsers[id];
  if (systemUser && token.kind === 'system') return selectFields(ctx, 'SystemUser', { id: () => systemUser.id, name: () => systemUser.name, role: () => systemUser.role }, ['id', 'name']);
  throw objectNotFound(id, 'get');
}

function dispatch(ctx: GraphContext): unknown {
  const [first, second, ...rest] = ctx.segments;
  if (!first) throw unknownPath('/');
  if (first === 'oauth' && second === 'access_token' && rest.length === 0) return exchangeCode(ctx);
  if (first === 'debug_token' && !second) return debugToken(ctx);
  if (first === 'me' && second === 'application_details' && rest.length === 0 && ctx.method === 'GET') return applicationDetails(ctx);
  if (rest.length > 0) throw unknownPath(`/${rest.join('/')}`);
  if (!second) {
    if (ctx.method === 'GET') return readNode(ctx, first);
    if (ctx.method === 'POST' && ctx.sb.state.phoneNumbers[first]) return updatePhone(ctx, first);
    if (ctx.method === 'DELETE' && ctx.sb.state.allocations[first]) {
      const token = authenticate(ctx);
      const allocation = ctx.sb.state.allocations[first];
      if (!allocation) throw objectNotFound(first, 'delete');
      return deleteAllocation(ctx, token, allocation);
    }
    authenticate(ctx);
    throw objectNotFound(first, ctx.method === 'POST' ? 'post' : 'delete');
  }
  const edge = edges[second];
  if (!edge) {
    authenticate(ctx);
    throw unknownPath(`/${second}`);
  }
  const handler = edge[ctx.method];
  if (!handler) {
    authenticate(ctx);
    throw objectNotFound(`${first}/${second}`, ctx.method.toLowerCase() as 'get');
  }
  return handler(ctx, first);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Serves /{version}/... like graph.facebook.com: faults, latency, Meta's error envelope. */
export async function handleGraph(sb: Sandbox, req: IncomingMessage, res: ServerResponse, url: URL, version: string, path: string): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = { ...corsHeaders, 'x-fb-trace-id': 'sandbox' };
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
    sendJson(res, 400, envelope(sb, { message: `Unsupported method ${method}`, type: 'OAuthException', code: 100 }), headers);
    return;
  }
  const { latencyMs, fault } = drawFaults(sb, method, path);
  const delay = baseLatency(sb) + latencyMs;
  if (fault?.kind === 'timeout') {
    // The request is held and the connection dropped without a response, like a timed-out call.
    await sleep(fault.latencyMs ?? 30_000);
    req.socket.destroy();
    return;
  }
  let body;
  try {
    body = await parseBody(req);
  } catch {
    sendJson(res, 400, envelope(sb, { message: '(#100) Invalid request body', type: 'OAuthException', code: 100 }), headers);
    return;
  }
  if (delay > 0) await sleep(delay);
  if (fault?.kind === 'http5xx') {
    const status = fault.httpStatus ?? 500;
    sendJson(res, status, envelope(sb, { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true }), headers);
    return;
  }
  if (fault?.kind === 'error' && fault.error) {
    const e = fault.error;
    const status = e.httpStatus ?? (e.code === 1 || e.code === 2 ? 500 : e.code === 190 ? 400 : e.code >= 200 && e.code < 300 ? 403 : 400);
    sendJson(
      res,
      status,
      envelope(sb, {
        message: e.message ?? `(#${e.code}) Injected error`,
        type: e.type ?? 'OAuthException',
        code: e.code,
        ...(e.subcode ? { error_subcode: e.subcode } : {}),
        ...(e.code >= 100000 ? { error_data: { messaging_product: 'whatsapp', details: e.message ?? 'Injected by the sandbox fault API' } } : {}),
        is_transient: e.isTransient ?? (e.code === 1 || e.code === 2 || e.code === 4 || e.code === 17 || e.code === 80007 || e.code === 130429),
      }),
      headers,
    );
    return;
  }
  const query = url.searchParams;
  const ctx: GraphContext = {
    sb,
    method,
    version,
    path,
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: { ...searchParamsToObject(query), ...body.params },
    files: body.files,
    headers: req.headers,
    origin: `http://${req.headers.host ?? `${sb.options.host}:${sb.options.port}`}`,
    query,
  };
  try {
    const result = await dispatch(ctx);
    sendJson(res, 200, result, headers);
  } catch (error) {
    if (isGraphError(error)) {
      const extra: Record<string, string> = error.graph.code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${error.graph.message.replace(/"/g, "'")}"` } : {};
      sendJson(res, error.httpStatus, envelope(sb, error.graph), { ...headers, ...extra });
      return;
    }
    sb.options.log(`sandbox: internal error on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    sendJson(res, 500, envelope(sb, { message: 'An unknown error occurred', type: 'OAuthException', code: 1, is_transient: true }), headers);
  }
}
