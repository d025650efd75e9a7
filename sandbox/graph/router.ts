import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseLatency, drawFaults } from '../faults';
import { corsHeaders, parseBody, searchParamsToObject, sendJson, type Params, type UploadedFile } from '../http';
import type { Sandbox } from '../state';
import { authenticate, loadPhone, loadWaba, lookupToken, rawToken, requireKind } from './auth';
import { runBatch } from './batch';
import { requestSmbSync } from './coexistence';
import type { GraphContext, GraphMethod } from './context';
import {
  attachCredit,
  creditLineGetters,
  deleteAllocation,
  listExtendedCredits,
  owningAllocations,
  readAllocation,
  shareAndAttach,
  shareCredit,
} from './credit-lines';
import { readBusiness, listSubmissions, submitVerification } from './business-verification';
import { envelope, fbtraceId, graphError, isGraphError, objectNotFound, unknownPath, type GraphError } from './errors';
import { formatFields, notAnEdge, selectFields, type FieldSelection } from './fields';
import { debugToken, exchangeCode } from './oauth';
import { createPhoneNumber, deregisterPhone, listPhoneNumbers, readPhone, registerPhone, requestCode, updatePhone, verifyCode } from './phone-numbers';
import { applicationDetails, createSolution, listSolutionPartners, listSolutions, readSolution, solutionAccessToken, solutionTransition } from './solutions';
import { listSubscribedApps, subscribeApp, unsubscribeApp } from './subscribed-apps';
import { assignUser, listAssignedUsers, listAssignedWabas, listSystemUsers, removeAssignedUser, systemUserDefaults, systemUserGetters } from './system-users';
import { listBusinessWabas, readWaba, setMigrationIntent, wabaSolutions } from './wabas';
import { conversationAnalyticsEdge, pricingAnalyticsEdge } from './analytics';
import { createAppSubscription, deleteAppSubscription, listAppSubscriptions } from './app-subscriptions';
import { readBusinessProfile, updateBusinessProfile } from './business-profile';
import { sendMessage } from './messaging';
import { createTemplate, deleteTemplate, listTemplates, readTemplate } from './templates';
import { countCall } from './usage';
import { resolveVersion } from './versions';

type EdgeHandler = (ctx: GraphContext, id: string) => unknown;

const edges: Record<string, Partial<Record<GraphMethod, EdgeHandler>>> = {
  client_whatsapp_business_accounts: { GET: (c, id) => listBusinessWabas(c, id, 'client') },
  owned_whatsapp_business_accounts: { GET: (c, id) => listBusinessWabas(c, id, 'owned') },
  extendedcredits: { GET: listExtendedCredits },
  system_users: { GET: listSystemUsers },
  assigned_whatsapp_business_accounts: { GET: listAssignedWabas },
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
  messages: { POST: sendMessage },
  message_templates: { GET: listTemplates, POST: createTemplate, DELETE: deleteTemplate },
  whatsapp_business_profile: { GET: readBusinessProfile, POST: updateBusinessProfile },
  subscriptions: { GET: listAppSubscriptions, POST: createAppSubscription, DELETE: deleteAppSubscription },
  conversation_analytics: { GET: conversationAnalyticsEdge },
  pricing_analytics: { GET: pricingAnalyticsEdge },
};

/** `fields=phone_numbers{id}.limit(2)` on a node: the edge's own handler, with the nested selection as its fields. */
function expandEdge(ctx: GraphContext, nodeId: string, selection: FieldSelection): unknown {
  const handler = edges[selection.name]?.GET;
  if (!handler) return notAnEdge;
  const params: Params = {};
  for (const key of ['access_token', 'appsecret_proof']) if (ctx.params[key] !== undefined) params[key] = ctx.params[key];
  for (const [key, value] of Object.entries(selection.modifiers)) params[key] = value;
  if (selection.sub) params.fields = formatFields(selection.sub);
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) query.set(key, String(value));
  const sub: GraphContext = { ...ctx, method: 'GET', path: `/${nodeId}/${selection.name}`, segments: [nodeId, selection.name], params, files: [], query };
  delete sub.expand;
  const result = handler(sub, nodeId);
  if (result instanceof Promise) throw new Error(`edge ${selection.name} cannot be expanded`);
  return result;
}

function readNode(parent: GraphContext, id: string): unknown {
  const ctx: GraphContext = { ...parent, expand: (selection) => expandEdge(parent, id, selection) };
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (id === 'me') {
    if (token.kind === 'app')
      throw graphError({ message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });
    const person = sb.state.persons[token.userId];
    const system = sb.state.systemUsers[token.userId];
    return selectFields(ctx, 'User', { id: () => token.userId, name: () => person?.name ?? system?.name ?? 'Business Integration System User' }, [
      'id',
      'name',
    ]);
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
    return selectFields(ctx, 'ExtendedCredit', creditLineGetters(ctx, line), ['id']);
  }
  const template = sb.state.templates[id];
  if (template) return readTemplate(ctx, token, template);
  const app = sb.state.apps[id];
  if (app)
    return selectFields(ctx, 'Application', { id: () => app.id, name: () => app.name, link: () => app.link, category: () => 'Business' }, [
      'id',
      'name',
      'link',
    ]);
  const systemUser = sb.state.systemUsers[id];
  if (systemUser && token.kind === 'system') return selectFields(ctx, 'SystemUser', systemUserGetters(systemUser), systemUserDefaults);
  throw objectNotFound(id, 'get');
}

/** GET /?ids=a,b&fields=...: one object keyed by id (Meta: Graph API, Multiple ID read requests). */
function readIds(ctx: GraphContext): Record<string, unknown> {
  const raw = ctx.params.ids;
  const ids = (Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (ids.length === 0) throw graphError({ message: '(#100) The parameter ids is required', type: 'OAuthException', code: 100 });
  if (ids.length > 50)
    throw graphError({ message: '(#100) Too many IDs. Maximum: 50. Provided: ' + String(ids.length) + '.', type: 'OAuthException', code: 100 });
  authenticate(ctx);
  const missing = ids.filter((id) => id !== 'me' && !knownObject(ctx.sb, id));
  if (missing.length > 0)
    throw graphError({ message: `(#803) Some of the aliases you requested do not exist: ${missing.join(',')}`, type: 'OAuthException', code: 803 });
  const out: Record<string, unknown> = {};
  for (const id of ids) out[id] = readNode({ ...ctx, segments: [id], path: `/${id}` }, id);
  return out;
}

function knownObject(sb: Sandbox, id: string): boolean {
  const s = sb.state;
  return Boolean(
    s.wabas[id] ||
      s.phoneNumbers[id] ||
      s.businesses[id] ||
      s.solutions[id] ||
      s.allocations[id] ||
      s.creditLines[id] ||
      s.apps[id] ||
      s.systemUsers[id] ||
      s.templates[id],
  );
}

function dispatch(ctx: GraphContext): unknown {
  const [first, second, ...rest] = ctx.segments;
  if (!first) {
    if (ctx.method === 'POST' && ctx.params.batch !== undefined) return runBatch(ctx, executeCall);
    if (ctx.method === 'GET' && ctx.params.ids !== undefined) return readIds(ctx);
    throw unknownPath('/');
  }
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

/** One Graph call, as the HTTP server and the batch endpoint both make it. */
export type GraphCall = {
  method: string;
  /** The /vNN.N the caller used, or undefined for an unversioned call. */
  version: string | undefined;
  path: string;
  query: URLSearchParams;
  params: Params;
  files: UploadedFile[];
  headers: Record<string, string | string[] | undefined>;
  origin: string;
};

export type GraphReply = { status: number; body: unknown; headers: Record<string, string> };

/** Which WABA or business portfolio a call is about, for the Business Use Case headers. */
function usageObject(sb: Sandbox, segments: string[]): string | undefined {
  const [first] = segments;
  if (!first) return undefined;
  if (sb.state.wabas[first] || sb.state.businesses[first]) return first;
  const phone = sb.state.phoneNumbers[first];
  if (phone) return phone.wabaId;
  return sb.state.templates[first]?.wabaId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function renderError(sb: Sandbox, error: GraphError, traceId: string, headers: Record<string, string>): GraphReply {
  const extra: Record<string, string> =
    error.graph.code === 190 ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${error.graph.message.replace(/"/g, "'")}"` } : {};
  return { status: error.httpStatus, body: envelope(sb, error.graph, traceId), headers: { ...headers, ...extra } };
}

export async function executeCall(sb: Sandbox, call: GraphCall): Promise<GraphReply> {
  const traceId = fbtraceId(sb);
  const resolved = resolveVersion(sb, call.version);
  const version = 'version' in resolved ? resolved.version : (call.version ?? 'v25.0');
  const headers: Record<string, string> = {
    'x-fb-trace-id': traceId,
    'x-fb-rev': String(1000000000 + (sb.clock.nowSeconds() % 100000000)),
    'facebook-api-version': version,
  };
  const method = call.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
    return renderError(sb, graphError({ message: `(#100) Unsupported method ${method}`, type: 'OAuthException', code: 100 }), traceId, headers);
  }
  const segments = call.path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const ctx: GraphContext = {
    sb,
    method,
    version,
    path: call.path,
    segments,
    params: call.params,
    files: call.files,
    headers: call.headers,
    origin: call.origin,
    query: call.query,
  };
  const token = rawToken(ctx);
  if (token) ctx.token = token;
  const found = token ? lookupToken(ctx, token) : undefined;
  const usage = countCall(sb, {
    appId: found && !('error' in found) ? found.appId : undefined,
    bucId: usageObject(sb, segments) ?? (found && !('error' in found) ? (found.businessId ?? sb.state.systemUsers[found.userId]?.businessId) : undefined),
    bucType: segments[1] === 'messages' ? 'whatsapp_business_messaging' : 'whatsapp_business_management',
    endpointKey: `${method} ${segments.length > 1 ? `{id}/${segments.slice(1).join('/')}` : segments[0] && /^\d+$/.test(segments[0]) ? '{id}' : (segments[0] ?? '')}`,
  });
  Object.assign(headers, usage.headers);
  if ('error' in resolved) return renderError(sb, resolved.error, traceId, headers);
  if (usage.error) return renderError(sb, usage.error, traceId, headers);
  const reply = await answer(ctx, traceId, headers);
  if (ctx.method !== 'GET') sb.state.graphWrites.push({ method: ctx.method, path: `/${segments.join('/')}`, status: reply.status, at: sb.clock.now() });
  return reply;
}

async function answer(ctx: GraphContext, traceId: string, headers: Record<string, string>): Promise<GraphReply> {
  const { sb } = ctx;
  try {
    const body = await dispatch(ctx);
    return { status: 200, body, headers };
  } catch (error) {
    if (isGraphError(error)) return renderError(sb, error, traceId, headers);
    sb.options.log(`sandbox: internal error on ${ctx.method} ${ctx.path}: ${error instanceof Error ? error.message : String(error)}`);
    return renderError(sb, graphError({ message: 'An unknown error occurred', type: 'OAuthException', code: 1, is_transient: true }, 500), traceId, headers);
  }
}

const exposed = 'x-fb-trace-id, x-fb-rev, facebook-api-version, x-app-usage, x-business-use-case-usage, www-authenticate';

/** Serves /{version}/... (and unversioned Graph paths) like graph.facebook.com: faults, latency, Meta's error envelope. */
export async function handleGraph(sb: Sandbox, req: IncomingMessage, res: ServerResponse, url: URL, version: string | undefined, path: string): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const base = { ...corsHeaders, 'access-control-expose-headers': exposed };
  const traceHeaders = () => ({ ...base, 'x-fb-trace-id': fbtraceId(sb), 'facebook-api-version': version ?? 'v25.0' });
  const { latencyMs, fault } = drawFaults(sb, method, path);
  const delay = baseLatency(sb) + latencyMs;
  if (fault?.kind === 'timeout') {
    // The request is held and the connection dropped without a response, like a timed-out call.
    await sleep(fault.latencyMs ?? 30_000);
    req.socket.destroy();
    return;
  }
  let body: Awaited<ReturnType<typeof parseBody>>;
  try {
    body = await parseBody(req);
  } catch {
    const h = traceHeaders();
    sendJson(res, 400, envelope(sb, { message: '(#100) Invalid request body', type: 'OAuthException', code: 100 }, h['x-fb-trace-id']), h);
    return;
  }
  if (delay > 0) await sleep(delay);
  if (fault?.kind === 'http5xx') {
    const status = fault.httpStatus ?? 500;
    const h = traceHeaders();
    sendJson(
      res,
      status,
      envelope(
        sb,
        { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true },
        h['x-fb-trace-id'],
      ),
      h,
    );
    return;
  }
  if (fault?.kind === 'error' && fault.error) {
    const e = fault.error;
    const status = e.httpStatus ?? (e.code === 1 || e.code === 2 ? 500 : e.code === 190 ? 400 : e.code >= 200 && e.code < 300 ? 403 : 400);
    const h = traceHeaders();
    sendJson(
      res,
      status,
      envelope(
        sb,
        {
          message: e.message ?? `(#${e.code}) Injected error`,
          type: e.type ?? 'OAuthException',
          code: e.code,
          ...(e.subcode ? { error_subcode: e.subcode } : {}),
          ...(e.code >= 100000 ? { error_data: { messaging_product: 'whatsapp' as const, details: e.message ?? 'Injected by the sandbox fault API' } } : {}),
          is_transient: e.isTransient ?? (e.code === 1 || e.code === 2 || e.code === 4 || e.code === 17 || e.code === 80007 || e.code === 130429),
        },
        h['x-fb-trace-id'],
      ),
      h,
    );
    return;
  }
  const reply = await executeCall(sb, {
    method,
    version,
    path,
    query: url.searchParams,
    params: { ...searchParamsToObject(url.searchParams), ...body.params },
    files: body.files,
    headers: req.headers,
    origin: `http://${req.headers.host ?? `${sb.options.host}:${sb.options.port}`}`,
  });
  sendJson(res, reply.status, reply.body, { ...base, ...reply.headers });
}
