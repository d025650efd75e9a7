import type { Clock } from './clock';
import type { RateLimitSettings } from './graph/usage';
import type { AutoDecisions, Latency, PartnerType, SandboxOptions, WebhookSettings } from './options';
import { createRandom, type Random } from './random';

// Everything the sandbox knows, in memory. Meta's ids are strings of digits, never numbers.

export type App = { id: string; name: string; secret: string; businessId: string; link: string };

export type LoginConfig = { id: string; appId: string; kind: 'embedded_signup' | 'measurement_partner' };

export type BizAppContact = { fullName: string; firstName: string; phone: string };
export type BizAppMessage = { from: string; to: string; text: string; at: number };

/** A WhatsApp Business app (phone app) account, candidate for coexistence onboarding. */
export type BizAppAccount = {
  cc: string;
  number: string;
  displayName: string;
  contacts: BizAppContact[];
  messages: BizAppMessage[];
  phoneNumberId?: string;
};

export type Person = { id: string; name: string; email: string; businessIds: string[]; developerAppIds: string[] };

export type BusinessVerificationStatus =
  | 'not_verified'
  | 'pending'
  | 'pending_need_more_info'
  | 'pending_submission'
  | 'verified'
  | 'rejected'
  | 'failed'
  | 'expired'
  | 'ineligible'
  | 'revoked';

export type Business = {
  id: string;
  name: string;
  email?: string;
  website?: string;
  country?: string;
  timezone?: string;
  verificationStatus: BusinessVerificationStatus;
  adminPersonIds: string[];
  bizApps: BizAppAccount[];
  createdAt: number;
};

export type SystemUser = { id: string; name: string; role: 'ADMIN' | 'EMPLOYEE'; businessId: string; appId: string };

export type WabaPartner = {
  appId: string;
  businessId: string;
  via: 'embedded_signup' | 'partner_initiated' | 'owned' | 'other';
  solutionId?: string;
  messaging: boolean;
  readOnly: boolean;
  addedAt: number;
};

export type WabaSubscription = { appId: string; overrideUri?: string; verifyToken?: string; at: number };

export type Waba = {
  id: string;
  name: string;
  ownerBusinessId: string;
  currency: string;
  timezoneId: string;
  namespace: string;
  accountReviewStatus: 'PENDING' | 'APPROVED' | 'REJECTED';
  ownershipType: 'CLIENT_OWNED' | 'ON_BEHALF_OF' | 'SELF';
  status: 'ACTIVE' | 'DISABLED';
  country: string;
  createdAt: number;
  messagingLimit: string;
  primaryFundingId?: string;
  allocationConfigId?: string;
  partners: WabaPartner[];
  subscriptions: WabaSubscription[];
  assignedUsers: { userId: string; tasks: string[] }[];
  solutionIds: string[];
};

export type PhoneNumber = {
  id: string;
  wabaId: string;
  cc: string;
  number: string;
  verifiedName: string;
  codeVerificationStatus: 'VERIFIED' | 'NOT_VERIFIED' | 'EXPIRED';
  pendingCode?: { code: string; sentAt: number; method: 'SMS' | 'VOICE' };
  status: 'CONNECTED' | 'PENDING' | 'DISCONNECTED' | 'FLAGGED' | 'RESTRICTED' | 'BANNED' | 'DELETED' | 'MIGRATED';
  nameStatus: 'APPROVED' | 'AVAILABLE_WITHOUT_REVIEW' | 'DECLINED' | 'EXPIRED' | 'PENDING_REVIEW' | 'NONE';
  newNameStatus: 'APPROVED' | 'DECLINED' | 'PENDING_REVIEW' | 'NONE';
  requestedName?: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'NA' | 'UNKNOWN';
  platformType: 'CLOUD_API' | 'ON_PREMISE' | 'NOT_APPLICABLE';
  throughputLevel: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE';
  accountMode: 'SANDBOX' | 'LIVE';
  isOnBizApp: boolean;
  isOfficialBusinessAccount: boolean;
  pin?: string;
  registeredAt?: number;
  registerCalls: number[];
  lastOnboardedTime?: number;
  createdAt: number;
  dataLocalizationRegion?: string;
  webhookOverride?: { uri: string; verifyToken: string };
  coexistence?: { onboardedAt: number; historyShared: boolean; syncs: Partial<Record<'smb_app_state_sync' | 'history', string>> };
};

export type CreditLine = { id: string; businessId: string; legalEntityName: string };

export type AllocationConfig = {
  id: string;
  creditLineId: string;
  receivingBusinessId: string;
  fundingId: string;
  status: 'ACTIVE' | 'DELETED';
  createdAt: number;
};

export type SolutionStatus = 'DRAFT' | 'INITIATED' | 'ACTIVE' | 'REJECTED' | 'DEACTIVATED';

export type Solution = {
  id: string;
  name: string;
  ownerAppId: string;
  partnerAppId: string;
  /** Only MESSAGING is configurable (Meta: Multi-Partner Solutions). */
  ownerMessaging: boolean;
  partnerMessaging: boolean;
  status: SolutionStatus;
  pendingRequest: 'PENDING_ACTIVATION' | 'PENDING_DEACTIVATION' | 'NONE';
  deactivationRequestedBy?: string;
  partnerStatus: 'NOTIFICATION_SENT' | 'ACCEPTED' | 'REJECTED';
  partnerRecordId: string;
  createdAt: number;
  onboardings: { businessId: string; wabaId: string; at: number; newToPlatform: boolean }[];
};

export type Grant = { wabaId: string; scopes: string[]; at: number };

/** The "business integration system user" Meta creates per (app, customer business). */
export type IntegrationUser = { id: string; appId: string; businessId: string; grants: Grant[]; readOnly: boolean };

export type TokenKind = 'system' | 'business' | 'user' | 'app';

export type Token = {
  value: string;
  kind: TokenKind;
  appId: string;
  userId: string;
  businessId?: string;
  issuedAt: number;
  expiresAt: number;
  scopes: string[];
  /** User tokens from the manage_app_solution login: the apps the person chose. */
  appIds?: string[];
  revoked?: { at: number; subcode: number };
};

export type AuthCode = {
  code: string;
  appId: string;
  integrationUserId: string;
  signupId: string;
  issuedAt: number;
  usedAt?: number;
};

export type SessionEvent = 'FINISH' | 'FINISH_ONLY_WABA' | 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING' | 'FINISH_OBO_MIGRATION' | 'FINISH_GRANT_ONLY_API_ACCESS';

export type Signup = {
  id: string;
  sessionId: string;
  appId: string;
  configId: string;
  personId: string;
  businessId: string;
  wabaId: string;
  phoneNumberId?: string;
  solutionId?: string;
  event: SessionEvent;
  at: number;
};

export type PlbvSubmission = {
  id: string;
  partnerBusinessId: string;
  clientBusinessId: string;
  status: 'PENDING' | 'APPROVED' | 'FAILED' | 'DISCARDED' | 'REVOKED';
  rejectionReasons: string[];
  submittedInfo: Record<string, string>;
  documents: { name: string; type: string; size: number }[];
  submittedAt: number;
  updatedAt: number;
};

export type WabaRequest = {
  id: string;
  partnerBusinessId: string;
  appId: string;
  clientBusinessId: string;
  wabaName: string;
  tasks: string[];
  status: 'INITIATED' | 'ACCEPTED' | 'DECLINED' | 'CANCELED' | 'EXPIRED';
  createdAt: number;
  decidedAt?: number;
  wabaId?: string;
};

export type VerificationMessage = { phoneNumberId: string; to: string; method: 'SMS' | 'VOICE'; text: string; at: number };

export type PixelEvent = {
  at: number;
  source: 'pixel' | 'sdk';
  method: string;
  pixelId?: string;
  event?: string;
  params: unknown;
  page?: string;
};

export type DeliveryAttempt = { at: number; status: number | null; error?: string; durationMs: number };

export type Delivery = {
  id: string;
  kind: 'notification' | 'verification';
  url: string | null;
  appId: string;
  fields: string[];
  entryIds: string[];
  changeCount: number;
  body: string;
  state: 'pending' | 'delivered' | 'retrying' | 'dropped' | 'not_sent';
  reason?: string;
  duplicateOf?: string;
  createdAt: number;
  nextAttemptAt?: number;
  attempts: DeliveryAttempt[];
};

export type Fault = {
  id: string;
  method: string | undefined;
  /** Glob over the normalised Graph path, ids replaced by {id}: e.g. "/{id}/register", "/oauth/*". */
  path: string;
  kind: 'error' | 'http5xx' | 'timeout' | 'latency';
  error?: { code: number; subcode?: number; message?: string; type?: string; httpStatus?: number; isTransient?: boolean };
  httpStatus?: number;
  latencyMs?: number;
  rate: number;
  remaining: number | null;
  hits: number;
};

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'LIMIT_EXCEEDED' | 'ARCHIVED' | 'PENDING_DELETION';
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export type MessageTemplate = {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  /** The category asked for at creation, when Meta changed it. */
  previousCategory?: TemplateCategory;
  components: Record<string, unknown>[];
  parameterFormat: 'POSITIONAL' | 'NAMED';
  status: TemplateStatus;
  rejectedReason: string;
  qualityScore: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  createdAt: number;
};

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service';

/** A message our app sent through POST /{phone-number-id}/messages. */
export type SentMessage = {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  to: string;
  type: string;
  templateId?: string;
  category: PricingCategory;
  pricingType: 'regular' | 'free_customer_service';
  billable: boolean;
  status: MessageStatus;
  sentAt: number;
  deliveredAt?: number;
  readAt?: number;
  error?: { code: number; title: string; details: string };
  bizOpaqueCallbackData?: string;
};

/** A message a customer sent to one of the numbers (through the control API). */
export type InboundMessage = { id: string; phoneNumberId: string; from: string; name: string; type: string; text?: string; at: number; readAt?: number };

export type BusinessProfile = {
  about: string;
  address: string;
  description: string;
  email: string;
  vertical: string;
  websites: string[];
  profilePictureUrl?: string;
};

/** The app's webhook configuration for one object type (App Dashboard > Webhooks, or POST /{app-id}/subscriptions). */
export type AppSubscription = { object: 'whatsapp_business_account'; fields: string[]; active: boolean };

export type MessagingSettings = {
  /** Sandbox seconds from send to the `delivered` status; null = only the control API moves it. */
  deliverAfterSeconds: number | null;
  /** ...and from delivery to `read`; null = the customer never reads unless told to. */
  readAfterSeconds: number | null;
};

export type AppConfig = {
  partnerType: PartnerType;
  webhookUrl: string | undefined;
  webhookVerifyToken: string;
  webhookVerified: 'unknown' | 'verified' | 'failed';
  requireAppsecretProof: boolean;
  latency: Latency;
  businessTokenExpiry: 'never' | number;
  webhooks: WebhookSettings;
  autoDecisions: AutoDecisions;
  rateLimits: RateLimitSettings;
  messaging: MessagingSettings;
};

/** A Graph call that may change something (POST or DELETE) and its answer; injected faults never reach it. */
export type GraphWrite = { method: 'POST' | 'DELETE'; path: string; status: number; at: number };

export type State = {
  scenario: string;
  apps: Record<string, App>;
  configs: Record<string, LoginConfig>;
  persons: Record<string, Person>;
  businesses: Record<string, Business>;
  systemUsers: Record<string, SystemUser>;
  wabas: Record<string, Waba>;
  phoneNumbers: Record<string, PhoneNumber>;
  creditLines: Record<string, CreditLine>;
  allocations: Record<string, AllocationConfig>;
  solutions: Record<string, Solution>;
  integrationUsers: Record<string, IntegrationUser>;
  tokens: Record<string, Token>;
  codes: Record<string, AuthCode>;
  signups: Signup[];
  submissions: Record<string, PlbvSubmission>;
  wabaRequests: Record<string, WabaRequest>;
  migrationIntents: Record<string, { id: string; wabaId: string; solutionId?: string; appId?: string; at: number }>;
  sms: VerificationMessage[];
  pixelEvents: PixelEvent[];
  deliveries: Delivery[];
  faults: Fault[];
  templates: Record<string, MessageTemplate>;
  messages: SentMessage[];
  inbound: InboundMessage[];
  businessProfiles: Record<string, BusinessProfile>;
  /** Per app id. */
  appSubscriptions: Record<string, AppSubscription>;
  graphWrites: GraphWrite[];
};

export type QueuedChange = { url: string; appId: string; entryId: string; time: number; field: string; value: unknown };

export type WebhookRuntime = {
  queue: QueuedChange[];
  flushTimer: NodeJS.Timeout | undefined;
  flushScheduled: boolean;
  chains: Map<string, Promise<void>>;
  inFlight: Set<Promise<void>>;
  closed: boolean;
};

export type Sandbox = {
  options: SandboxOptions;
  webhookRuntime: WebhookRuntime;
  config: AppConfig;
  state: State;
  clock: Clock;
  rng: { ids: Random; faults: Random; webhooks: Random; latency: Random };
  usedIds: Set<string>;
};

export function emptyState(scenario: string): State {
  return {
    scenario,
    apps: {},
    configs: {},
    persons: {},
    businesses: {},
    systemUsers: {},
    wabas: {},
    phoneNumbers: {},
    creditLines: {},
    allocations: {},
    solutions: {},
    integrationUsers: {},
    tokens: {},
    codes: {},
    signups: [],
    submissions: {},
    wabaRequests: {},
    migrationIntents: {},
    sms: [],
    pixelEvents: [],
    deliveries: [],
    faults: [],
    templates: {},
    messages: [],
    inbound: [],
    businessProfiles: {},
    appSubscriptions: {},
    graphWrites: [],
  };
}

export function createRandoms(seed: number): Sandbox['rng'] {
  return {
    ids: createRandom(seed),
    faults: createRandom(seed * 7 + 1),
    webhooks: createRandom(seed * 13 + 2),
    latency: createRandom(seed * 31 + 3),
  };
}

/** A fresh 15-digit Graph id, unique in this sandbox. */
export function newId(sb: Sandbox): string {
  for (;;) {
    const id = sb.rng.ids.digits(15);
    if (!sb.usedIds.has(id)) {
      sb.usedIds.add(id);
      return id;
    }
  }
}

export function reserveId(sb: Sandbox, id: string): string {
  sb.usedIds.add(id);
  return id;
}

/** Meta's access tokens start with "EAA" and are long opaque strings. */
export function newTokenValue(sb: Sandbox): string {
  return `EAAG${sb.rng.ids.alnum(180)}`;
}

export function ourApp(sb: Sandbox): App {
  const app = sb.state.apps[sb.options.appId];
  if (!app) throw new Error('sandbox: the partner app is missing from state');
  return app;
}

export function displayPhoneNumber(cc: string, number: string): string {
  if (cc === '1' && number.length === 10) return `+1 ${number.slice(0, 3)}-${number.slice(3, 6)}-${number.slice(6)}`;
  return `+${cc} ${number.replace(/(\d{2,4})(?=(\d{3,4})+$)/g, '$1 ')}`;
}

export function e164Digits(phone: PhoneNumber): string {
  return `${phone.cc}${phone.number}`;
}

export function phonesOfWaba(sb: Sandbox, wabaId: string): PhoneNumber[] {
  return Object.values(sb.state.phoneNumbers).filter((p) => p.wabaId === wabaId && p.status !== 'DELETED');
}

export function wabaPartnerFor(waba: Waba, appId: string): WabaPartner | undefined {
  return waba.partners.find((p) => p.appId === appId);
}

/** Graph's datetime format, e.g. "2026-01-01T00:00:00+0000". */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
