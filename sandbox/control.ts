import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  createWabaRequest,
  decideDisplayName,
  decidePlbv,
  decideSolutionAsOtherParty,
  decideWabaRequest,
  decideWabaReview,
  isDecisionError,
  removePartner,
  revokeTokens,
  solutionDecisions,
} from './decisions';
import { inboundSchema, listMessages, messagingControlRoutes, postInbound, postStatus, type Reply, statusSchema, templateAction } from './control-messaging';
import { addFault, faultInputSchema } from './faults';
import { corsHeaders, readBody, sendJson } from './http';
import { partnerTypes } from './options';
import { buildScenario, isScenarioName, scenarioDescriptions, scenarioNames, type ScenarioName } from './scenarios';
import {
  authResponseFor,
  businessInputSchema,
  cancelMessage,
  chooseApps,
  chooseBusiness,
  chooseLogin,
  choosePhone,
  chooseWaba,
  clearSessions,
  confirmSignup,
  isEsError,
  isEsInputError,
  loginInputSchema,
  phoneInputSchema,
  profileInputSchema,
  setProfile,
  startSession,
  verifyPhone,
  wabaInputSchema,
} from './signup';
import { createRandoms, graphTime, type Sandbox } from './state';
import { resetUsage } from './graph/usage';
import { buildTrigger, fieldVariants, webhookFields } from './webhook-payloads';
import { emitChange, flushWebhooks, verifyCallback, verifyAppCallback, webhooksIdle } from './webhooks';

// The sandbox's own control API (not Meta's): scenarios, clock, Meta's decisions, faults, webhooks,
// pixel events, codes, and a browserless Embedded Signup for tests and benchmarks.

const CODE_TTL_MS = 30_000;

/** Replaces all state with a named scenario, re-seeding every random stream. */
export function loadScenario(sb: Sandbox, name: ScenarioName): void {
  sb.clock.clear();
  clearSessions(sb);
  const rt = sb.webhookRuntime;
  rt.queue = [];
  rt.flushScheduled = false;
  if (rt.flushTimer) clearTimeout(rt.flushTimer);
  sb.rng = createRandoms(sb.options.seed);
  sb.usedIds.clear();
  const { state, partnerType } = buildScenario(sb, name);
  sb.state = state;
  sb.config.partnerType = sb.options.partnerType ?? partnerType;
  // The app is subscribed to every field by default, so a partner sees everything until it narrows the list.
  sb.state.appSubscriptions[sb.options.appId] = { object: 'whatsapp_business_account', fields: [...webhookFields], active: true };
  resetUsage(sb);
  if (sb.config.partnerType !== 'solution_partner') delete sb.state.creditLines[sb.options.creditLineId];
}

function redactToken(value: string): string {
  return value.length > 12 ? `${value.slice(0, 4)}…${value.slice(-4)}` : '…';
}

/** The whole state, tokens shortened (codes are listed separately by /_sandbox/codes). */
export function stateSnapshot(sb: Sandbox) {
  const s = sb.state;
  return {
    scenario: s.scenario,
    now: sb.clock.now(),
    partnerType: sb.config.partnerType,
    apps: Object.values(s.apps).map(({ secret: _secret, ...rest }) => rest),
    configs: Object.values(s.configs),
    persons: Object.values(s.persons),
    businesses: Object.values(s.businesses),
    systemUsers: Object.values(s.systemUsers),
    wabas: Object.values(s.wabas),
    phoneNumbers: Object.values(s.phoneNumbers).map(({ pin, pendingCode, ...rest }) => ({
      ...rest,
      pinSet: pin !== undefined,
      codePending: pendingCode !== undefined,
    })),
    creditLines: Object.values(s.creditLines),
    allocations: Object.values(s.allocations),
    solutions: Object.values(s.solutions),
    integrationUsers: Object.values(s.integrationUsers),
    tokens: Object.values(s.tokens).map(({ value, ...rest }) => ({ ...rest, token: redactToken(value) })),
    signups: s.signups,
    submissions: Object.values(s.submissions),
    wabaRequests: Object.values(s.wabaRequests),
    migrationIntents: Object.values(s.migrationIntents),
    faults: s.faults,
    templates: Object.values(s.templates),
    messages: s.messages.length,
    inbound: s.inbound.length,
    appSubscriptions: s.appSubscriptions,
    deliveries: s.deliveries.length,
    pixelEvents: s.pixelEvents.length,
  };
}

function publicConfig(sb: Sandbox) {
  const c = sb.config;
  return {
    appId: sb.options.appId,
    appName: sb.state.apps[sb.options.appId]?.name,
    partnerBusinessId: sb.options.partnerBusinessId,
    systemUserId: sb.options.systemUserId,
    creditLineId: sb.options.creditLineId,
    configId: sb.options.configId,
    measurementConfigId: sb.options.measurementConfigId,
    partnerType: c.partnerType,
    webhookUrl: c.webhookUrl ?? null,
    webhookVerified: c.webhookVerified,
    requireAppsecretProof: c.requireAppsecretProof,
    latency: c.latency,
    businessTokenExpiry: c.businessTokenExpiry,
    webhooks: c.webhooks,
    autoDecisions: c.autoDecisions,
    rateLimits: c.rateLimits,
    messaging: c.messaging,
    seed: sb.options.seed,
  };
}

const configPatchSchema = z.object({
  webhookUrl: z.string().url().nullable().optional(),
  webhookVerifyToken: z.string().min(1).optional(),
  force: z.boolean().optional(),
  partnerType: z.enum(partnerTypes).optional(),
  requireAppsecretProof: z.boolean().optional(),
  latency: z.union([z.enum(['realistic', 'none']), z.number().int().min(0)]).optional(),
  businessTokenExpiry: z.union([z.literal('never'), z.number().int().min(1)]).optional(),
  webhooks: z
    .object({
      batchSize: z.number().int().min(1).max(1000),
      batchWindowMs: z.number().int().min(0),
      retryDelaysMs: z.array(z.number().int().min(0)),
      duplicateRate: z.number().min(0).max(1),
      reorder: z.boolean(),
      timeoutMs: z.number().int().min(1),
      maxPayloadBytes: z.number().int().min(1024),
      legacySignature: z.boolean(),
    })
    .partial()
    .optional(),
  messaging: z
    .object({ deliverAfterSeconds: z.number().min(0).nullable(), readAfterSeconds: z.number().min(0).nullable() })
    .partial()
    .optional(),
  rateLimits: z
    .object({
      profile: z.enum(['off', 'realistic']),
      wabaCallsPerHour: z.number().int().min(1),
      activeWabaCallsPerHour: z.number().int().min(1),
      appCallsPerHour: z.number().int().min(1),
      endpointCallsPerMinute: z.number().int().min(1),
    })
    .partial()
    .optional(),
  autoDecisions: z
    .object({
      wabaReviewSeconds: z.number().min(0).nullable(),
      displayNameSeconds: z.number().min(0).nullable(),
      businessVerificationSeconds: z.number().min(0).nullable(),
      templateReviewSeconds: z.number().min(0).nullable(),
    })
    .partial()
    .optional(),
});

const signupRequestSchema = z.object({
  appId: z.string().optional(),
  configId: z.string().optional(),
  extras: z.unknown().optional(),
  person: loginInputSchema.optional(),
  business: businessInputSchema.optional(),
  waba: wabaInputSchema.optional(),
  phone: phoneInputSchema.optional(),
  profile: profileInputSchema.optional(),
  shareHistory: z.boolean().optional(),
});

/** Embedded Signup without a browser: the popup's steps driven in order with the given (or default) choices. */
export function runSignup(sb: Sandbox, input: z.infer<typeof signupRequestSchema>) {
  const s = startSession(sb, {
    appId: input.appId ?? sb.options.appId,
    configId: input.configId ?? sb.options.configId,
    extras: input.extras ?? {},
    origin: 'http://sandbox.invalid',
  });
  const n = sb.state.signups.length + 1;
  try {
    if (s.step === 'error') throw Object.assign(new Error(s.error?.message ?? 'error'), { esError: s.error });
    chooseLogin(sb, s, input.person ?? { name: `Sandbox Customer ${n}`, email: `customer${n}@example.com` });
    chooseBusiness(
      sb,
      s,
      input.business ?? { name: `Customer Business ${n}`, email: `owner${n}@example.com`, website: `https://customer${n}.example`, country: 'US' },
    );
    const business = s.businessId ? sb.state.businesses[s.businessId] : undefined;
    chooseWaba(sb, s, input.waba ?? { name: business?.name ?? `Customer Business ${n}` });
    if (s.step === 'phone') {
      let phone = input.phone;
      if (!phone) {
        if (s.flow === 'coexistence') phone = { bizApp: 0 };
        else {
          let number = '';
          do number = `555${sb.rng.ids.digits(7)}`;
          while (Object.values(sb.state.phoneNumbers).some((p) => p.cc === '1' && p.number === number));
          phone = { cc: '1', number };
        }
      }
      choosePhone(sb, s, phone);
    }
    if (s.step === 'verify') {
      const p = s.phone;
      const code = p?.kind === 'new' ? p.code : p?.kind === 'bizapp' ? p.confirmCode : '';
      verifyPhone(sb, s, { code, ...(input.shareHistory !== undefined ? { shareHistory: input.shareHistory } : {}) });
    }
    if (s.step === 'profile') {
      setProfile(sb, s, input.profile ?? { displayName: business?.name ?? `Customer Business ${n}`, category: 'OTHER', description: '' });
    }
    const { code, message, signup } = confirmSignup(sb, s);
    return {
      status: 201,
      body: {
        code,
        session_id: s.id,
        message,
        auth_response: authResponseFor(sb, s),
        signup: {
          id: signup.id,
          event: signup.event,
          business_id: signup.businessId,
          waba_id: signup.wabaId,
          phone_number_id: signup.phoneNumberId ?? null,
          solution_id: signup.solutionId ?? null,
        },
      },
    };
  } catch (error) {
    if (isEsError(error) || s.error) {
      return { status: 422, body: { error: { code: s.error?.code, message: s.error?.message, step: s.step }, message: cancelMessage(sb, s) } };
    }
    if (isEsInputError(error)) return { status: 400, body: { error: { message: error.message, step: s.step } } };
    throw error;
  }
}

/** The embedded MPS creation login (`FB.login` with `scope: 'manage_app_solution'`) without a browser. */
export function runSolutionLogin(sb: Sandbox, input: { personId: string; appIds?: string[] }) {
  const s = startSession(sb, { appId: sb.options.appId, origin: 'http://sandbox.invalid', scope: 'manage_app_solution' });
  const person = sb.state.persons[input.personId];
  if (!person) throw httpError(400, `Unknown person ${input.personId}`);
  try {
    chooseLogin(sb, s, { personId: person.id });
    chooseApps(sb, s, input.appIds ?? person.developerAppIds);
  } catch (error) {
    if (isEsInputError(error)) throw httpError(400, error.message);
    throw error;
  }
  return { accessToken: s.result?.accessToken, appIds: s.chosenAppIds ?? [] };
}

function httpError(status: number, message: string) {
  return Object.assign(new Error(message), { status });
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw httpError(400, 'Body must be JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw httpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

export const controlRoutes = [
  'GET  /_sandbox/state',
  'POST /_sandbox/reset {scenario?}',
  'GET  /_sandbox/scenarios',
  'POST /_sandbox/scenario {name}',
  'GET  /_sandbox/config | PATCH /_sandbox/config {...}',
  'GET  /_sandbox/clock | POST /_sandbox/clock/advance {seconds}',
  'POST /_sandbox/signups {person?, business?, waba?, phone?, profile?, extras?, configId?}',
  'GET  /_sandbox/signups',
  'POST /_sandbox/solution-logins {personId, appIds?}: the manage_app_solution login without a browser; answers {accessToken, appIds}',
  'GET  /_sandbox/codes',
  'GET  /_sandbox/sms',
  'GET  /_sandbox/faults | POST /_sandbox/faults {...} | DELETE /_sandbox/faults[/{id}]',
  'GET  /_sandbox/webhooks/fields',
  'POST /_sandbox/webhooks/trigger {field, variant?, wabaId?, phoneNumberId?, solutionId?, value?, count?}',
  'POST /_sandbox/webhooks/flush',
  'GET  /_sandbox/webhooks/deliveries | DELETE /_sandbox/webhooks/deliveries',
  'POST /_sandbox/webhooks/verify',
  'GET  /_sandbox/pixel-events | DELETE /_sandbox/pixel-events',
  'GET  /_sandbox/graph-writes | DELETE /_sandbox/graph-writes: every Graph POST and DELETE with its answer status',
  'POST /_sandbox/phone-numbers/{id}/display-name-decision {decision, rejection_reason?}',
  'POST /_sandbox/wabas/{id}/review-decision {decision}',
  'POST /_sandbox/wabas/{id}/remove-partner',
  'POST /_sandbox/business-verification/{submission-id}/decision {status, rejection_reasons?}',
  'POST /_sandbox/solutions/{id}/decision {decision}',
  'POST /_sandbox/waba-requests {clientBusinessId, wabaName?, tasks?} | GET /_sandbox/waba-requests',
  'POST /_sandbox/waba-requests/{id}/decision {decision, phone?}',
  'POST /_sandbox/tokens/revoke {token? | businessId?}',
  ...messagingControlRoutes,
];

async function route(sb: Sandbox, req: IncomingMessage, segments: string[]): Promise<{ status?: number; body: unknown }> {
  const method = (req.method ?? 'GET').toUpperCase();
  const [a, b, c] = segments;
  const key = `${method} ${a ?? ''}`;
  const s = sb.state;

  if (!a && method === 'GET') return { body: { routes: controlRoutes } };
  if (key === 'GET state') return { body: stateSnapshot(sb) };
  if (key === 'POST reset' || key === 'POST scenario' || (key === 'POST scenarios' && b)) {
    const body = (await jsonBody(req)) as { scenario?: string; name?: string };
    const name = b ?? body.name ?? body.scenario ?? s.scenario;
    if (!isScenarioName(name)) throw httpError(400, `Unknown scenario "${name}". Known: ${scenarioNames.join(', ')}`);
    loadScenario(sb, name);
    return { body: { ok: true, scenario: name, partnerType: sb.config.partnerType } };
  }
  if (key === 'GET scenarios')
    return { body: { current: s.scenario, scenarios: scenarioNames.map((name) => ({ name, description: scenarioDescriptions[name] })) } };
  if (key === 'GET config') return { body: publicConfig(sb) };
  if (key === 'PATCH config' || key === 'POST config') {
    const patch = parse(configPatchSchema, await jsonBody(req));
    const cfg = sb.config;
    if (patch.webhookVerifyToken !== undefined) cfg.webhookVerifyToken = patch.webhookVerifyToken;
    if (patch.webhookUrl !== undefined) {
      if (patch.webhookUrl === null) {
        cfg.webhookUrl = undefined;
        cfg.webhookVerified = 'unknown';
      } else {
        // Meta refuses to save a callback URL that fails the GET handshake (Meta: Create a webhook endpoint).
        const result = await verifyCallback(sb, patch.webhookUrl, cfg.webhookVerifyToken);
        if (!result.ok && !patch.force) {
          throw httpError(400, `Callback verification failed (${result.status ?? result.error ?? 'no response'}); pass "force": true to save it anyway.`);
        }
        cfg.webhookUrl = patch.webhookUrl;
        cfg.webhookVerified = result.ok ? 'verified' : 'failed';
      }
    }
    if (patch.partnerType) cfg.partnerType = patch.partnerType;
    if (patch.requireAppsecretProof !== undefined) cfg.requireAppsecretProof = patch.requireAppsecretProof;
    if (patch.latency !== undefined) cfg.latency = patch.latency;
    if (patch.businessTokenExpiry !== undefined) cfg.businessTokenExpiry = patch.businessTokenExpiry;
    if (patch.webhooks) cfg.webhooks = { ...cfg.webhooks, ...Object.fromEntries(Object.entries(patch.webhooks).filter(([, v]) => v !== undefined)) };
    if (patch.messaging) cfg.messaging = { ...cfg.messaging, ...Object.fromEntries(Object.entries(patch.messaging).filter(([, v]) => v !== undefined)) };
    if (patch.rateLimits) cfg.rateLimits = { ...cfg.rateLimits, ...Object.fromEntries(Object.entries(patch.rateLimits).filter(([, v]) => v !== undefined)) };
    if (patch.autoDecisions)
      cfg.autoDecisions = { ...cfg.autoDecisions, ...Object.fromEntries(Object.entries(patch.autoDecisions).filter(([, v]) => v !== undefined)) };
    return { body: publicConfig(sb) };
  }
  if (key === 'GET clock') return { body: { now: sb.clock.now(), iso: new Date(sb.clock.now()).toISOString(), offsetSeconds: sb.clock.offsetMs() / 1000 } };
  if (key === 'POST clock' && b === 'advance') {
    const { seconds } = parse(z.object({ seconds: z.number().min(0) }), await jsonBody(req));
    sb.clock.advance(seconds * 1000);
    return { body: { now: sb.clock.now(), iso: new Date(sb.clock.now()).toISOString(), offsetSeconds: sb.clock.offsetMs() / 1000 } };
  }
  if (key === 'POST signups') {
    const result = runSignup(sb, parse(signupRequestSchema, await jsonBody(req)));
    return { status: result.status, body: result.body };
  }
  if (key === 'GET signups') return { body: { data: s.signups } };
  if (key === 'POST solution-logins') {
    const body = parse(z.object({ personId: z.string(), appIds: z.array(z.string()).optional() }), await jsonBody(req));
    return { status: 201, body: runSolutionLogin(sb, body) };
  }
  if (key === 'GET codes') {
    const now = sb.clock.now();
    return {
      body: {
        data: Object.values(s.codes).map((code) => ({
          code: code.code,
          app_id: code.appId,
          signup_id: code.signupId,
          issued_at: graphTime(code.issuedAt),
          status: code.usedAt !== undefined ? 'used' : now - code.issuedAt > CODE_TTL_MS ? 'expired' : 'valid',
        })),
      },
    };
  }
  if (key === 'GET sms') return { body: { data: s.sms } };
  if (a === 'faults') {
    if (method === 'GET') return { body: { data: s.faults } };
    if (method === 'POST') {
      try {
        return { status: 201, body: addFault(sb, parse(faultInputSchema, await jsonBody(req))) };
      } catch (e) {
        if (e instanceof Error && !('status' in e)) throw httpError(400, e.message);
        throw e;
      }
    }
    if (method === 'DELETE') {
      s.faults = b ? s.faults.filter((f) => f.id !== b) : [];
      return { body: { ok: true } };
    }
  }
  if (a === 'webhooks') {
    if (method === 'GET' && b === 'fields') return { body: { fields: webhookFields.map((field) => ({ field, variants: fieldVariants[field] })) } };
    if (method === 'POST' && b === 'trigger') {
      const input = parse(
        z.object({
          field: z.enum(webhookFields),
          variant: z.string().optional(),
          wabaId: z.string().optional(),
          phoneNumberId: z.string().optional(),
          solutionId: z.string().optional(),
          value: z.record(z.string(), z.unknown()).optional(),
          count: z.number().int().min(1).max(5000).default(1),
        }),
        await jsonBody(req),
      );
      const before = s.deliveries.length;
      try {
        for (let i = 0; i < input.count; i++) emitChange(sb, buildTrigger(sb, { ...input, ...(input.value ? { value: { ...input.value } } : {}) }));
      } catch (e) {
        throw httpError(400, e instanceof Error ? e.message : String(e));
      }
      const notSent = s.deliveries.slice(before).filter((d) => d.state === 'not_sent');
      return { status: 202, body: { queued: input.count - notSent.length, not_sent: notSent.map((d) => d.reason) } };
    }
    if (method === 'POST' && b === 'flush') {
      flushWebhooks(sb);
      await webhooksIdle(sb);
      return { body: { ok: true } };
    }
    if (method === 'POST' && b === 'verify') {
      verifyAppCallback(sb, 0);
      await webhooksIdle(sb);
      return { body: { webhookVerified: sb.config.webhookVerified } };
    }
    if (b === 'deliveries') {
      if (method === 'DELETE') {
        s.deliveries = [];
        return { body: { ok: true } };
      }
      if (method === 'GET') return { body: { data: s.deliveries.map((dl) => ({ ...dl, body: JSON.parse(dl.body || 'null') as unknown })) } };
    }
  }
  if (a === 'graph-writes') {
    if (method === 'DELETE') {
      s.graphWrites = [];
      return { body: { ok: true } };
    }
    return { body: { data: s.graphWrites } };
  }
  if (a === 'pixel-events') {
    if (method === 'DELETE') {
      s.pixelEvents = [];
      return { body: { ok: true } };
    }
    return { body: { data: s.pixelEvents } };
  }
  if (method === 'POST' && a === 'phone-numbers' && b && c === 'display-name-decision') {
    const body = parse(z.object({ decision: z.enum(['APPROVED', 'REJECTED', 'DEFERRED']), rejection_reason: z.string().optional() }), await jsonBody(req));
    decideDisplayName(sb, b, body.decision, body.rejection_reason);
    return { body: { ok: true } };
  }
  if (method === 'POST' && a === 'wabas' && b && c === 'review-decision') {
    const body = parse(z.object({ decision: z.enum(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']) }), await jsonBody(req));
    decideWabaReview(sb, b, body.decision);
    return { body: { ok: true } };
  }
  if (method === 'POST' && a === 'wabas' && b && c === 'remove-partner') {
    removePartner(sb, b);
    return { body: { ok: true } };
  }
  if (method === 'POST' && a === 'business-verification' && b && c === 'decision') {
    const body = parse(z.object({ status: z.enum(['APPROVED', 'FAILED']), rejection_reasons: z.array(z.string()).optional() }), await jsonBody(req));
    return { body: decidePlbv(sb, b, body.status, body.rejection_reasons) };
  }
  if (method === 'POST' && a === 'solutions' && b && c === 'decision') {
    const body = parse(z.object({ decision: z.enum(solutionDecisions) }), await jsonBody(req));
    return { body: decideSolutionAsOtherParty(sb, b, body.decision) };
  }
  if (a === 'waba-requests') {
    if (method === 'GET' && !b) return { body: { data: Object.values(s.wabaRequests) } };
    if (method === 'POST' && !b) {
      const body = parse(
        z.object({ clientBusinessId: z.string(), wabaName: z.string().optional(), tasks: z.array(z.string()).optional() }),
        await jsonBody(req),
      );
      return { status: 201, body: createWabaRequest(sb, body) };
    }
    if (method === 'POST' && b && c === 'decision') {
      const body = parse(
        z.object({
          decision: z.enum(['accept', 'decline', 'cancel']),
          phone: z.object({ cc: z.string(), number: z.string(), displayName: z.string().optional() }).optional(),
        }),
        await jsonBody(req),
      );
      return { body: decideWabaRequest(sb, b, body.decision, body.phone) };
    }
  }
  const messaging = await routeMessaging(sb, req, method, a, b, c);
  if (messaging) return messaging;
  if (method === 'POST' && a === 'tokens' && b === 'revoke') {
    const body = parse(z.object({ token: z.string().optional(), businessId: z.string().optional() }), await jsonBody(req));
    if (!body.token && !body.businessId) throw httpError(400, 'token or businessId is required');
    return { body: { revoked: revokeTokens(sb, body) } };
  }
  throw httpError(404, `No control route ${method} /_sandbox/${segments.join('/')}. GET /_sandbox lists them.`);
}

async function routeMessaging(
  sb: Sandbox,
  req: IncomingMessage,
  method: string,
  a?: string,
  b?: string,
  c?: string,
): Promise<{ status?: number; body: unknown } | undefined> {
  let reply: Reply;
  if (method === 'POST' && a === 'phone-numbers' && b && c === 'inbound') reply = postInbound(sb, b, parse(inboundSchema, await jsonBody(req)));
  else if (method === 'GET' && a === 'messages' && !b) reply = listMessages(sb);
  else if (method === 'POST' && a === 'messages' && b && c === 'status') reply = postStatus(sb, b, parse(statusSchema, await jsonBody(req)));
  else if (method === 'GET' && a === 'templates' && !b) reply = { body: { data: Object.values(sb.state.templates) } };
  else if (method === 'POST' && a === 'templates' && b && (c === 'decision' || c === 'quality' || c === 'category')) {
    const body = await jsonBody(req);
    try {
      reply = templateAction(sb, b, c, body);
    } catch (e) {
      if (e instanceof z.ZodError) throw httpError(400, e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      throw e;
    }
  } else return undefined;
  if ('problem' in reply) throw httpError(reply.status, reply.problem);
  return reply;
}

export async function handleControl(sb: Sandbox, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const segments = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  try {
    const { status, body } = await route(sb, req, segments);
    sendJson(res, status ?? 200, body, corsHeaders);
  } catch (error) {
    if (isDecisionError(error)) {
      sendJson(res, 409, { error: error.message }, corsHeaders);
      return;
    }
    const status = error instanceof Error && 'status' in error && typeof error.status === 'number' ? error.status : 500;
    sendJson(res, status, { error: error instanceof Error ? error.message : String(error) }, corsHeaders);
  }
}
