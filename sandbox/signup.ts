import { z } from 'zod';
import { scheduleAutoDecisions } from './decisions';
import {
  displayPhoneNumber,
  newId,
  newTokenValue,
  phonesOfWaba,
  type BizAppAccount,
  type Business,
  type IntegrationUser,
  type PhoneNumber,
  type Sandbox,
  type SessionEvent,
  type Signup,
  type Solution,
  type Waba,
} from './state';
import { emitChange } from './webhooks';
import { partnerEventEntryId, wabaInfo } from './webhook-payloads';

// Embedded Signup, the server side of the popup: one session per popup, one step function per screen,
// in Meta's order. POST /_sandbox/signups drives the same functions without a browser.

export const esSteps = ['login', 'business', 'waba', 'phone', 'verify', 'profile', 'permissions', 'success', 'error', 'apps'] as const;
export type EsStep = (typeof esSteps)[number];

/** The `current_step` Meta reports when the person closes the popup on a screen (Meta: Embedded Signup implementation). */
export const currentStepByScreen: Partial<Record<EsStep, string>> = {
  business: 'BUSINESS_ACCOUNT_SELECTION',
  waba: 'WABA_PHONE_PROFILE_PICKER',
  phone: 'PHONE_NUMBER_SETUP',
  verify: 'PHONE_NUMBER_VERIFICATION',
  profile: 'WHATSAPP_BUSINESS_PROFILE_SETUP',
  permissions: 'PERMISSIONS',
};

export type EsFlow = 'default' | 'only_waba' | 'coexistence' | 'app_only' | 'measurement' | 'manage_app_solution';

export const extrasSchema = z
  .object({
    setup: z
      .object({
        solutionID: z.union([z.string(), z.number()]).optional(),
        business: z.record(z.string(), z.unknown()).optional(),
        phone: z.object({ displayName: z.string().optional(), category: z.string().optional(), description: z.string().optional() }).passthrough().optional(),
        preVerifiedPhone: z
          .object({ ids: z.array(z.string()) })
          .partial()
          .optional(),
        whatsAppBusinessAccount: z
          .object({ ids: z.union([z.string(), z.array(z.string())]).optional(), id: z.union([z.string(), z.array(z.string())]).optional() })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    featureType: z.string().optional(),
    features: z.array(z.object({ name: z.string() }).passthrough()).optional(),
    sessionInfoVersion: z.union([z.string(), z.number()]).optional(),
    version: z.string().optional(),
  })
  .passthrough();
export type Extras = z.infer<typeof extrasSchema>;

export type EsError = { code: string; message: string; fatal: boolean };

export type EsSession = {
  id: string;
  appId: string;
  configId: string;
  origin: string;
  flow: EsFlow;
  extras: Extras;
  solutionId?: string;
  step: EsStep;
  error?: EsError;
  notice?: string;
  createdAt: number;
  personId?: string;
  newPerson?: { name: string; email: string };
  businessId?: string;
  newBusiness?: { name: string; email?: string; website?: string; country?: string };
  wabaId?: string;
  newWaba?: { name: string };
  phone?:
    | { kind: 'existing'; id: string }
    | { kind: 'new'; cc: string; number: string; code: string; verified: boolean }
    | { kind: 'bizapp'; index: number; confirmCode: string; verified: boolean };
  shareHistory: boolean;
  profile?: { displayName: string; category: string; description: string };
  /** What the person last typed on the profile screen, shown again after an in-flow error. */
  typedProfile?: { displayName: string; category: string; description: string };
  chosenAppIds?: string[];
  result?: { code?: string; accessToken?: string; message?: Record<string, unknown>; signupId?: string };
  /** The closing message went out through the SDK's fallback frame. */
  reported?: boolean;
};

export const sessions = new WeakMap<Sandbox, Map<string, EsSession>>();

function sessionMap(sb: Sandbox): Map<string, EsSession> {
  let map = sessions.get(sb);
  if (!map) {
    map = new Map();
    sessions.set(sb, map);
  }
  return map;
}

export function getSession(sb: Sandbox, id: string): EsSession | undefined {
  return sessionMap(sb).get(id);
}

export function clearSessions(sb: Sandbox): void {
  sessionMap(sb).clear();
}

function flowFor(extras: Extras, configKind: string | undefined): EsFlow {
  if (configKind === 'measurement_partner') return 'measurement';
  if (extras.featureType === 'whatsapp_business_app_onboarding') return 'coexistence';
  if (extras.featureType === 'only_waba_sharing') return 'only_waba';
  if (extras.features?.some((f) => f.name === 'app_only_install')) return 'app_only';
  return 'default';
}

function fail(step: string, message: string): never {
  throw Object.assign(new Error(message), { esInput: true, step });
}

function esError(s: EsSession, code: string, message: string, fatal = false): never {
  s.error = { code, message, fatal };
  throw Object.assign(new Error(message), { esError: s.error });
}

export function isEsError(error: unknown): error is Error & { esError: EsError } {
  return error instanceof Error && 'esError' in error;
}

export function isEsInputError(error: unknown): error is Error & { esInput: true } {
  return error instanceof Error && 'esInput' in error;
}

// Sandbox-chosen ids for in-flow errors Meta documents only in prose (see sandbox/README.md).
export const SOLUTION_NOT_ACTIVE_CODE = '2494099';
export const INVALID_CONFIG_CODE = '2494090';

export function startSession(sb: Sandbox, input: { appId: string; configId?: string; extras?: unknown; origin: string; scope?: string }): EsSession {
  const extrasParsed = extrasSchema.safeParse(input.extras ?? {});
  const extras: Extras = extrasParsed.success ? extrasParsed.data : {};
  const config = input.configId ? sb.state.configs[input.configId] : undefined;
  const manageSolutions = !input.configId && (input.scope ?? '').split(/[ ,]+/).includes('manage_app_solution');
  const s: EsSession = {
    id: sb.rng.ids.hex(15),
    appId: input.appId,
    configId: input.configId ?? '',
    origin: input.origin,
    flow: manageSolutions ? 'manage_app_solution' : flowFor(extras, config?.kind),
    extras,
    step: 'login',
    createdAt: sb.clock.now(),
    shareHistory: true,
  };
  sessionMap(sb).set(s.id, s);
  const app = sb.state.apps[input.appId];
  const fatal = (code: string, message: string) => {
    s.step = 'error';
    s.error = { code, message, fatal: true };
  };
  if (!app) {
    fatal(INVALID_CONFIG_CODE, `Invalid App ID: ${input.appId}`);
    return s;
  }
  if (manageSolutions) return s;
  if (!config || config.appId !== app.id) {
    fatal(INVALID_CONFIG_CODE, 'This configuration ID is invalid or belongs to another app. Check config_id in FB.login.');
    return s;
  }
  const solutionId = extras.setup?.solutionID !== undefined ? String(extras.setup.solutionID) : undefined;
  if (solutionId) {
    s.solutionId = solutionId;
    const solution = sb.state.solutions[solutionId];
    const member = solution && (solution.ownerAppId === app.id || solution.partnerAppId === app.id);
    // Meta: solutions that are not Active "cannot be used for onboarding at this time" (seed, Solution States).
    if (!solution || !member || solution.status !== 'ACTIVE') {
      fatal(SOLUTION_NOT_ACTIVE_CODE, 'This partner solution cannot be used for onboarding at this time. Please contact the business that sent you this link.');
    }
  }
  return s;
}

/** What the popup needs to draw the current screen. */
export function sessionView(sb: Sandbox, s: EsSession) {
  const app = sb.state.apps[s.appId];
  const solution = s.solutionId ? sb.state.solutions[s.solutionId] : undefined;
  const partners = solution
    ? [solution.ownerAppId, solution.partnerAppId].map((id) => {
        const a = sb.state.apps[id];
        return { appName: a?.name ?? id, businessName: (a && sb.state.businesses[a.businessId]?.name) ?? '' };
      })
    : [{ appName: app?.name ?? s.appId, businessName: (app && sb.state.businesses[app.businessId]?.name) ?? '' }];
  const person = s.personId ? sb.state.persons[s.personId] : undefined;
  const business = s.businessId ? sb.state.businesses[s.businessId] : undefined;
  const setup = s.extras.setup;
  const prefillBusiness = setup?.business;
  const address = prefillBusiness?.address as Record<string, unknown> | undefined;
  // The new-portfolio prefill only applies when name, email, website and address.country are all present (Meta: Pre-filled data).
  const prefillNew =
    prefillBusiness && typeof prefillBusiness.name === 'string' && prefillBusiness.email && prefillBusiness.website && address?.country
      ? {
          name: String(prefillBusiness.name).slice(0, 100),
          email: String(prefillBusiness.email),
          website: String(prefillBusiness.website),
          country: String(address.country),
        }
      : undefined;
  const prefillWabaRaw = setup?.whatsAppBusinessAccount;
  const prefillWabaIds = [prefillWabaRaw?.ids, prefillWabaRaw?.id].flat().filter((v): v is string => typeof v === 'string');
  return {
    sessionId: s.id,
    step: s.step,
    flow: s.flow,
    error: s.error ? { code: s.error.code, message: s.error.message, fatal: s.error.fatal } : null,
    notice: s.notice ?? null,
    cancelMessage: cancelMessage(sb, s),
    partners,
    persons: s.step === 'login' ? Object.values(sb.state.persons).map((p) => ({ id: p.id, name: p.name, email: p.email })) : [],
    person: person ? { id: person.id, name: person.name } : (s.newPerson ?? null),
    businesses:
      s.step === 'business'
        ? (person?.businessIds ?? [])
            .map((id) => sb.state.businesses[id])
            .filter((b): b is Business => Boolean(b))
            .map((b) => ({ id: b.id, name: b.name }))
        : [],
    prefill: {
      businessId: typeof prefillBusiness?.id === 'string' ? prefillBusiness.id : undefined,
      newBusiness: prefillNew,
      wabaIds: prefillWabaIds,
      phone: setup?.phone ?? undefined,
    },
    typedProfile: s.typedProfile ?? null,
    businessName: business?.name ?? s.newBusiness?.name ?? null,
    wabas:
      s.step === 'waba' && business
        ? Object.values(sb.state.wabas)
            .filter((w) => w.ownerBusinessId === business.id)
            .map((w) => ({ id: w.id, name: w.name }))
        : [],
    canCreateWaba: s.flow !== 'measurement' && s.flow !== 'app_only',
    phones:
      s.step === 'phone' && s.wabaId && s.flow !== 'coexistence'
        ? phonesOfWaba(sb, s.wabaId).map((p) => ({ id: p.id, display: displayPhoneNumber(p.cc, p.number), name: p.verifiedName }))
        : [],
    bizApps:
      s.step === 'phone' && s.flow === 'coexistence'
        ? (business?.bizApps ?? []).map((b, index) => ({
            index,
            display: displayPhoneNumber(b.cc, b.number),
            name: b.displayName,
            onboarded: Boolean(b.phoneNumberId),
          }))
        : [],
    sms: s.step === 'verify' && s.phone?.kind === 'new' ? `WhatsApp code ${s.phone.code.slice(0, 3)}-${s.phone.code.slice(3)}` : null,
    appConfirmCode: s.step === 'verify' && s.phone?.kind === 'bizapp' ? s.phone.confirmCode : null,
    permissions: permissionsFor(sb, s),
    apps:
      s.step === 'apps' && person
        ? person.developerAppIds
            .map((id) => sb.state.apps[id])
            .filter((a) => a !== undefined)
            .map((a) => ({ id: a.id, name: a.name }))
        : [],
    result: s.step === 'success' ? { message: s.result?.message ?? null, authResponse: authResponseFor(sb, s) } : null,
  };
}

/** What FB.login's callback receives in authResponse (code mode: accessToken null, Meta: Embedded Signup implementation). */
export function authResponseFor(sb: Sandbox, s: EsSession): Record<string, unknown> | null {
  if (s.result?.accessToken) {
    return {
      accessToken: s.result.accessToken,
      expiresIn: 7200,
      reauthorize_required_in: 7776000,
      signedRequest: `${sb.rng.ids.alnum(43)}.${Buffer.from(JSON.stringify({ user_id: s.personId, algorithm: 'HMAC-SHA256' })).toString('base64url')}`,
      userID: s.personId ?? null,
      graphDomain: 'facebook',
      data_access_expiration_time: sb.clock.nowSeconds() + 90 * 86400,
    };
  }
  if (s.result?.code) {
    return {
      accessToken: null,
      code: s.result.code,
      expiresIn: null,
      userID: null,
      signedRequest: null,
      graphDomain: 'facebook',
      data_access_expiration_time: null,
    };
  }
  return null;
}

function solutionAppNames(sb: Sandbox, solutionId: string): string {
  const solution = sb.state.solutions[solutionId];
  return solution ? [solution.ownerAppId, solution.partnerAppId].map((id) => sb.state.apps[id]?.name ?? id).join(' and ') : '';
}

function permissionsFor(sb: Sandbox, s: EsSession): string[] {
  if (s.flow === 'manage_app_solution') return ['manage_app_solution: manage Multi-Partner Solutions for the apps you choose'];
  if (s.flow === 'measurement') return ['whatsapp_business_management (read-only): view phone numbers, templates and insights'];
  const list = ['whatsapp_business_management: manage your WhatsApp accounts and templates', 'whatsapp_business_messaging: send and receive messages'];
  if (s.solutionId) list.push(`Access is granted to both partners of the solution: ${solutionAppNames(sb, s.solutionId)}`);
  return list;
}

/** The session-info message the popup posts if the person closes it now (undefined on the login screen). */
export function cancelMessage(sb: Sandbox, s: EsSession): Record<string, unknown> | undefined {
  if (s.step === 'success') return undefined;
  if (s.error) {
    return {
      type: 'WA_EMBEDDED_SIGNUP',
      event: 'CANCEL',
      data: { error_message: s.error.message, error_code: s.error.code, session_id: s.id, timestamp: String(sb.clock.nowSeconds()) },
    };
  }
  const step = currentStepByScreen[s.step];
  if (!step || s.flow === 'manage_app_solution') return undefined;
  return { type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data: { current_step: step } };
}

function requireStep(s: EsSession, step: EsStep) {
  if (s.step !== step) fail(step, `This screen is not active (the session is on "${s.step}").`);
  if (s.error?.fatal) fail(step, s.error.message);
}

export const loginInputSchema = z.union([z.object({ personId: z.string() }), z.object({ name: z.string().min(1).max(100), email: z.string().email() })]);

export function chooseLogin(sb: Sandbox, s: EsSession, input: z.infer<typeof loginInputSchema>): void {
  requireStep(s, 'login');
  if ('personId' in input) {
    if (!sb.state.persons[input.personId]) fail('login', 'Unknown person');
    s.personId = input.personId;
  } else {
    const id = newId(sb);
    sb.state.persons[id] = { id, name: input.name, email: input.email, businessIds: [], developerAppIds: [] };
    s.personId = id;
  }
  s.step = s.flow === 'manage_app_solution' ? 'apps' : 'business';
}

export const businessInputSchema = z.union([
  z.object({ businessId: z.string() }),
  z.object({
    name: z.string().trim().min(1).max(100),
    email: z.string().email().optional(),
    website: z.string().optional(),
    country: z.string().length(2).optional(),
  }),
]);

export function chooseBusiness(sb: Sandbox, s: EsSession, input: z.infer<typeof businessInputSchema>): void {
  requireStep(s, 'business');
  const person = s.personId ? sb.state.persons[s.personId] : undefined;
  if (!person) fail('business', 'Log in first');
  delete s.error;
  if ('businessId' in input) {
    if (!person.businessIds.includes(input.businessId)) fail('business', 'You are not an admin of this business portfolio.');
    s.businessId = input.businessId;
    delete s.newBusiness;
  } else {
    if (s.flow === 'measurement' || s.flow === 'app_only')
      fail('business', 'This flow needs a business portfolio that already has a WhatsApp Business Account.');
    const id = newId(sb);
    sb.state.businesses[id] = {
      id,
      name: input.name,
      ...(input.email ? { email: input.email } : {}),
      ...(input.website ? { website: input.website } : {}),
      country: (input.country ?? 'US').toUpperCase(),
      verificationStatus: 'not_verified',
      adminPersonIds: [person.id],
      bizApps: [],
      createdAt: sb.clock.now(),
    };
    person.businessIds.push(id);
    s.businessId = id;
    s.newBusiness = { name: input.name, ...(input.website ? { website: input.website } : {}) };
  }
  s.step = 'waba';
}

export const wabaInputSchema = z.union([z.object({ wabaId: z.string() }), z.object({ name: z.string().trim().min(1).max(512) })]);

export function chooseWaba(sb: Sandbox, s: EsSession, input: z.infer<typeof wabaInputSchema>): void {
  requireStep(s, 'waba');
  delete s.error;
  const business = s.businessId ? sb.state.businesses[s.businessId] : undefined;
  if (!business) fail('waba', 'Choose a business portfolio first');
  if ('wabaId' in input) {
    const waba = sb.state.wabas[input.wabaId];
    if (!waba || waba.ownerBusinessId !== business.id) fail('waba', 'This WhatsApp Business Account is not in the chosen portfolio.');
    const solution = s.solutionId ? sb.state.solutions[s.solutionId] : undefined;
    const allowed = new Set([s.appId, ...(solution ? [solution.ownerAppId, solution.partnerAppId] : [])]);
    const sharedElsewhere = waba.partners.some((p) => !allowed.has(p.appId) && p.via !== 'owned');
    if (sharedElsewhere && s.flow !== 'measurement') {
      // Meta: Embedded Signup implementation: 2655049 "WABA already shared with another partner".
      esError(s, '2655049', 'This WhatsApp Business Account is already shared with another Solution Partner. Choose another account or create a new one.');
    }
    s.wabaId = waba.id;
    delete s.newWaba;
  } else {
    if (s.flow === 'measurement' || s.flow === 'app_only') fail('waba', 'This flow shares an existing WhatsApp Business Account.');
    s.newWaba = { name: input.name };
    delete s.wabaId;
  }
  s.step = s.flow === 'only_waba' || s.flow === 'app_only' || s.flow === 'measurement' ? 'permissions' : 'phone';
}

export const phoneInputSchema = z.union([
  z.object({ phoneNumberId: z.string() }),
  z.object({ cc: z.string(), number: z.string(), method: z.enum(['SMS', 'VOICE']).optional() }),
  z.object({ bizApp: z.number().int().min(0) }),
]);

export function choosePhone(sb: Sandbox, s: EsSession, input: z.infer<typeof phoneInputSchema>): void {
  requireStep(s, 'phone');
  delete s.error;
  const business = s.businessId ? sb.state.businesses[s.businessId] : undefined;
  if (!business) fail('phone', 'Choose a business portfolio first');
  if ('bizApp' in input) {
    if (s.flow !== 'coexistence') fail('phone', 'WhatsApp Business app numbers are onboarded with featureType whatsapp_business_app_onboarding.');
    const account = business.bizApps[input.bizApp];
    if (!account) fail('phone', 'Unknown WhatsApp Business app account');
    if (account.phoneNumberId && sb.state.phoneNumbers[account.phoneNumberId]?.status !== 'DELETED') {
      esError(s, '3441051', 'This WhatsApp Business app number is already connected to the platform.');
    }
    s.phone = { kind: 'bizapp', index: input.bizApp, confirmCode: sb.rng.ids.digits(6), verified: false };
    s.step = 'verify';
    return;
  }
  if (s.flow === 'coexistence') fail('phone', 'Choose the WhatsApp Business app number to connect.');
  if ('phoneNumberId' in input) {
    const phone = sb.state.phoneNumbers[input.phoneNumberId];
    if (!phone || !s.wabaId || phone.wabaId !== s.wabaId) fail('phone', 'This number is not on the chosen WhatsApp Business Account.');
    s.phone = { kind: 'existing', id: phone.id };
    s.step = 'permissions';
    return;
  }
  const cc = input.cc.replace(/\D/g, '');
  let number = input.number.replace(/\D/g, '');
  if (number.startsWith(cc) && number.length > 10) number = number.slice(cc.length);
  if (!/^\d{1,3}$/.test(cc) || !/^\d{6,14}$/.test(number)) {
    esError(s, '3441051', 'The phone number is invalid. Enter a valid phone number with its country code.');
  }
  const inUse = Object.values(sb.state.phoneNumbers).some((p) => p.cc === cc && p.number === number && p.status !== 'DELETED');
  const onBizApp = Object.values(sb.state.businesses).some((b) => b.bizApps.some((a) => a.cc === cc && a.number === number));
  if (inUse || onBizApp)
    esError(s, '3441051', 'This phone number is already registered with WhatsApp. Use another number or connect your WhatsApp Business app.');
  const code = sb.rng.ids.digits(6);
  s.phone = { kind: 'new', cc, number, code, verified: false };
  sb.state.sms.push({
    phoneNumberId: '',
    to: `+${cc}${number}`,
    method: input.method ?? 'SMS',
    text: `WhatsApp code ${code.slice(0, 3)}-${code.slice(3)}`,
    at: sb.clock.now(),
  });
  s.step = 'verify';
}

export function verifyPhone(_sb: Sandbox, s: EsSession, input: { code: string; shareHistory?: boolean }): void {
  requireStep(s, 'verify');
  const phone = s.phone;
  if (!phone || phone.kind === 'existing') fail('verify', 'Nothing to verify');
  const given = input.code.replace(/\D/g, '');
  const expected = phone.kind === 'new' ? phone.code : phone.confirmCode;
  if (given !== expected) {
    s.notice = 'That code is not right. Check the code and try again.';
    fail('verify', s.notice);
  }
  delete s.notice;
  phone.verified = true;
  if (phone.kind === 'bizapp') {
    s.shareHistory = input.shareHistory ?? true;
    s.step = 'permissions';
  } else {
    s.step = 'profile';
  }
}

export const profileInputSchema = z.object({
  displayName: z.string().trim().min(1),
  category: z.string().trim().min(1).default('OTHER'),
  description: z.string().max(512).default(''),
});

/** Sandbox stand-in for WhatsApp's display name guidelines: returns the broken rule, if any. */
export function displayNameViolation(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed.length < 3) return 'too short';
  if (trimmed.length > 75) return 'too long';
  if (/whats\s*app|facebook|\bmeta\b/i.test(trimmed)) return 'uses a Meta brand';
  if (/https?:|www\.|\.(com|net|org|io|co)\b/i.test(trimmed)) return 'contains a URL';
  if (/[^\p{L}\p{N} &'.,\-()+!?@]/u.test(trimmed)) return 'contains emoji or symbols';
  if (/\b[A-Z]{6,}\b/.test(trimmed)) return 'uses all capital letters';
  return undefined;
}

export function setProfile(_sb: Sandbox, s: EsSession, input: z.infer<typeof profileInputSchema>): void {
  requireStep(s, 'profile');
  delete s.error;
  s.typedProfile = { displayName: input.displayName, category: input.category, description: input.description };
  if (displayNameViolation(input.displayName)) {
    // Meta: Embedded Signup implementation: the user-reported error example (524126).
    esError(s, '524126', 'Your verified name violates WhatsApp guidelines. Please edit your verified name and try again.');
  }
  s.profile = { displayName: input.displayName.trim(), category: input.category, description: input.description };
  s.step = 'permissions';
}

export function chooseApps(sb: Sandbox, s: EsSession, appIds: string[]): void {
  requireStep(s, 'apps');
  const person = s.personId ? sb.state.persons[s.personId] : undefined;
  if (!person) fail('apps', 'Log in first');
  const chosen = appIds.filter((id) => person.developerAppIds.includes(id));
  if (chosen.length === 0) fail('apps', 'Choose at least one of your apps.');
  const token = newTokenValue(sb);
  const now = sb.clock.nowSeconds();
  sb.state.tokens[token] = {
    value: token,
    kind: 'user',
    appId: s.appId,
    userId: person.id,
    issuedAt: now,
    expiresAt: now + 2 * 3600,
    scopes: ['manage_app_solution', 'public_profile'],
    appIds: chosen,
  };
  s.chosenAppIds = chosen;
  s.result = { accessToken: token };
  s.step = 'success';
}

function integrationUserFor(sb: Sandbox, appId: string, businessId: string, readOnly: boolean): IntegrationUser {
  const existing = Object.values(sb.state.integrationUsers).find((u) => u.appId === appId && u.businessId === businessId);
  if (existing) {
    existing.readOnly = existing.readOnly && readOnly;
    return existing;
  }
  const id = newId(sb);
  const user: IntegrationUser = { id, appId, businessId, grants: [], readOnly };
  sb.state.integrationUsers[id] = user;
  return user;
}

function createWaba(sb: Sandbox, business: Business, name: string): Waba {
  const id = newId(sb);
  const waba: Waba = {
    id,
    name,
    ownerBusinessId: business.id,
    currency: 'USD',
    timezoneId: '1',
    namespace: `${sb.rng.ids.hex(8)}_${sb.rng.ids.hex(4)}_${sb.rng.ids.hex(4)}`,
    accountReviewStatus: 'PENDING',
    ownershipType: 'CLIENT_OWNED',
    status: 'ACTIVE',
    country: business.country ?? 'US',
    createdAt: sb.clock.now(),
    messagingLimit: 'TIER_250',
    partners: [],
    subscriptions: [],
    assignedUsers: [],
    solutionIds: [],
  };
  sb.state.wabas[id] = waba;
  return waba;
}

export function newPhoneNumber(sb: Sandbox, wabaId: string, cc: string, number: string, verifiedName: string, extra: Partial<PhoneNumber> = {}): PhoneNumber {
  const id = newId(sb);
  const phone: PhoneNumber = {
    id,
    wabaId,
    cc,
    number,
    verifiedName,
    codeVerificationStatus: 'NOT_VERIFIED',
    status: 'PENDING',
    nameStatus: 'PENDING_REVIEW',
    newNameStatus: 'NONE',
    qualityRating: 'UNKNOWN',
    platformType: 'NOT_APPLICABLE',
    throughputLevel: 'STANDARD',
    accountMode: 'LIVE',
    isOnBizApp: false,
    isOfficialBusinessAccount: false,
    registerCalls: [],
    createdAt: sb.clock.now(),
    ...extra,
  };
  sb.state.phoneNumbers[id] = phone;
  return phone;
}

let codeSerial = 0;

/** Completes the flow on the permissions screen: assets, grants, code, webhooks, session-info message. */
export function confirmSignup(sb: Sandbox, s: EsSession): { code: string; message: Record<string, unknown>; signup: Signup } {
  requireStep(s, 'permissions');
  const person = s.personId ? sb.state.persons[s.personId] : undefined;
  const business = s.businessId ? sb.state.businesses[s.businessId] : undefined;
  if (!person || !business) fail('permissions', 'The flow is incomplete');
  const solution: Solution | undefined = s.solutionId ? sb.state.solutions[s.solutionId] : undefined;
  if (s.solutionId && solution?.status !== 'ACTIVE') fail('permissions', 'This partner solution cannot be used for onboarding at this time.');
  const now = sb.clock.now();

  const newWaba = !s.wabaId;
  const waba = s.wabaId ? sb.state.wabas[s.wabaId] : createWaba(sb, business, s.newWaba?.name ?? business.name);
  if (!waba) fail('permissions', 'Unknown WABA');
  let event: SessionEvent = 'FINISH';
  let phone: PhoneNumber | undefined;
  const p = s.phone;
  if (p?.kind === 'new') {
    if (!p.verified) fail('permissions', 'The phone number is not verified');
    phone = newPhoneNumber(sb, waba.id, p.cc, p.number, s.profile?.displayName ?? business.name, {
      codeVerificationStatus: 'VERIFIED',
      lastOnboardedTime: now,
    });
  } else if (p?.kind === 'existing') {
    phone = sb.state.phoneNumbers[p.id];
    if (phone) phone.lastOnboardedTime = now;
  } else if (p?.kind === 'bizapp') {
    const account: BizAppAccount | undefined = business.bizApps[p.index];
    if (!account || !p.verified) fail('permissions', 'The WhatsApp Business app number is not confirmed');
    phone = newPhoneNumber(sb, waba.id, account.cc, account.number, account.displayName, {
      codeVerificationStatus: 'VERIFIED',
      status: 'CONNECTED',
      nameStatus: 'APPROVED',
      qualityRating: 'GREEN',
      platformType: 'CLOUD_API',
      isOnBizApp: true,
      registeredAt: now,
      lastOnboardedTime: now,
      coexistence: { onboardedAt: now, historyShared: s.shareHistory, syncs: {} },
    });
    account.phoneNumberId = phone.id;
  }
  if (s.flow === 'only_waba') event = 'FINISH_ONLY_WABA';
  if (s.flow === 'coexistence') event = 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING';
  if (s.flow === 'app_only' || s.flow === 'measurement') event = 'FINISH_GRANT_ONLY_API_ACCESS';
  if (waba.ownershipType === 'ON_BEHALF_OF') {
    waba.ownershipType = 'CLIENT_OWNED';
    event = 'FINISH_OBO_MIGRATION';
  }

  const readOnly = s.flow === 'measurement';
  const apps = solution ? [solution.ownerAppId, solution.partnerAppId] : [s.appId];
  let ourUser: IntegrationUser | undefined;
  for (const appId of apps) {
    const app = sb.state.apps[appId];
    if (!app) continue;
    const messaging = solution ? (appId === solution.ownerAppId ? solution.ownerMessaging : solution.partnerMessaging) : !readOnly;
    const existing = waba.partners.find((x) => x.appId === appId);
    if (existing) {
      existing.messaging = existing.messaging || messaging;
      existing.readOnly = existing.readOnly && readOnly;
    } else {
      waba.partners.push({
        appId,
        businessId: app.businessId,
        via: 'embedded_signup',
        ...(solution ? { solutionId: solution.id } : {}),
        messaging,
        readOnly,
        addedAt: now,
      });
    }
    const user = integrationUserFor(sb, appId, business.id, readOnly);
    user.grants = user.grants.filter((g) => g.wabaId !== waba.id);
    // Newest first, so granular_scopes target_ids[0] is the WABA just onboarded (Meta: Manage accounts).
    user.grants.unshift({
      wabaId: waba.id,
      scopes: messaging ? ['whatsapp_business_management', 'whatsapp_business_messaging'] : ['whatsapp_business_management'],
      at: now,
    });
    if (appId === s.appId) ourUser = user;
  }
  if (solution) {
    if (!waba.solutionIds.includes(solution.id)) waba.solutionIds.push(solution.id);
    solution.onboardings.push({ businessId: business.id, wabaId: waba.id, at: now, newToPlatform: newWaba });
  }
  if (!ourUser) fail('permissions', 'The app is not part of this flow');

  const signup: Signup = {
    id: newId(sb),
    sessionId: s.id,
    appId: s.appId,
    configId: s.configId,
    personId: person.id,
    businessId: business.id,
    wabaId: waba.id,
    ...(phone ? { phoneNumberId: phone.id } : {}),
    ...(solution ? { solutionId: solution.id } : {}),
    event,
    at: now,
  };
  sb.state.signups.push(signup);
  // Meta never issues a code twice: the serial, which survives resets, keeps seeded codes unique.
  const code = `AQ${(++codeSerial).toString(36)}${sb.rng.ids.alnum(120)}`;
  sb.state.codes[code] = { code, appId: s.appId, integrationUserId: ourUser.id, signupId: signup.id, issuedAt: now };

  const data: Record<string, unknown> =
    event === 'FINISH_ONLY_WABA' || event === 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING'
      ? { waba_id: waba.id }
      : event === 'FINISH_GRANT_ONLY_API_ACCESS'
        ? { waba_id: waba.id, business_id: business.id }
        : { phone_number_id: phone?.id ?? '', waba_id: waba.id, business_id: business.id };
  // The bypass and coexistence examples carry a top-level version 3; the v4 FINISH example does not (Meta: Embedded Signup implementation).
  const message: Record<string, unknown> =
    event === 'FINISH_ONLY_WABA' || event === 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING'
      ? { data, type: 'WA_EMBEDDED_SIGNUP', event, version: 3 }
      : { data, type: 'WA_EMBEDDED_SIGNUP', event };

  const entryId = partnerEventEntryId(sb, waba);
  if (!readOnly) emitChange(sb, { field: 'account_update', entryId, wabaId: waba.id, value: { event: 'PARTNER_ADDED', waba_info: wabaInfo(sb, waba) } });
  emitChange(sb, {
    field: 'account_update',
    entryId,
    wabaId: waba.id,
    value: { event: 'PARTNER_APP_INSTALLED', waba_info: wabaInfo(sb, waba, { appId: s.appId }) },
  });
  if (newWaba) {
    emitChange(sb, {
      field: 'business_capability_update',
      entryId: waba.id,
      wabaId: waba.id,
      value:
        business.verificationStatus === 'verified'
          ? { max_daily_conversations_per_business: 'TIER_2K', max_phone_numbers_per_waba: 25 }
          : { max_daily_conversations_per_business: 'TIER_250', max_phone_numbers_per_business: 2 },
    });
  }
  if (s.newBusiness && !s.newBusiness.website && sb.config.partnerType === 'solution_partner') {
    // Website-optional ES (PLBV partners): the client must be verified before messaging (Meta: Partner-led business verification).
    emitChange(sb, {
      field: 'account_update',
      entryId: waba.id,
      wabaId: waba.id,
      value: { event: 'PARTNER_CLIENT_CERTIFICATION_NEEDED', partner_client_certification_needed_info: { client_business_id: business.id } },
    });
  }
  scheduleAutoDecisions(sb, {
    ...(newWaba ? { wabaId: waba.id } : {}),
    ...(phone && phone.nameStatus === 'PENDING_REVIEW' ? { phoneNumberId: phone.id } : {}),
  });
  s.result = { code, message, signupId: signup.id };
  s.step = 'success';
  sb.options.log(`sandbox: signup completed (${event}) business=${business.id} waba=${waba.id}${phone ? ` phone=${phone.id}` : ''}`);
  return { code, message, signup };
}
