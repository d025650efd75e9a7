import { z } from 'zod';
import { defaultRateLimits, type RateLimitSettings } from './graph/usage';

export const partnerTypes = ['solution_partner', 'tech_provider', 'tech_partner', 'measurement_partner'] as const;
export type PartnerType = (typeof partnerTypes)[number];

export type Latency = 'realistic' | 'none' | number;

export type WebhookSettings = {
  /** Most changes Meta puts in one POST (Meta: up to 1000). */
  batchSize: number;
  /** How long changes are collected before a POST; 0 = only changes made in the same tick. */
  batchWindowMs: number;
  /** Delay before each retry after a non-200; the list's length is the number of retries. */
  retryDelaysMs: number[];
  /** Probability that a delivered batch is delivered again (Meta: "duplicates happen"). */
  duplicateRate: number;
  /** Shuffle changes and batches before sending (Meta: "no ordering guarantee"). */
  reorder: boolean;
  /** How long the sandbox waits for the receiver before counting the attempt as failed. */
  timeoutMs: number;
  /** Largest POST body Meta sends (Meta: payloads up to 3 MB); bigger batches are split. */
  maxPayloadBytes?: number;
  /** Also send the legacy `X-Hub-Signature: sha1=...` header next to the sha256 one. */
  legacySignature?: boolean;
};

export type AutoDecisions = {
  /** Seconds (sandbox clock) after which Meta decides on its own; null = only the control API decides. */
  wabaReviewSeconds: number | null;
  displayNameSeconds: number | null;
  businessVerificationSeconds: number | null;
  /** Seconds until a new message template is approved; null = only the control API decides. */
  templateReviewSeconds?: number | null;
};

export type SandboxOptions = {
  host: string;
  port: number;
  appId: string;
  appSecret: string;
  appName: string;
  systemToken: string;
  partnerBusinessId: string;
  systemUserId: string;
  creditLineId: string;
  configId: string;
  measurementConfigId: string;
  webhookUrl: string | undefined;
  webhookVerifyToken: string;
  requireAppsecretProof: boolean;
  latency: Latency;
  seed: number;
  scenario: string;
  /** Overrides the scenario's partner type. */
  partnerType: PartnerType | undefined;
  /** "never" or a number of days: lifetime of business tokens issued by the code exchange. */
  businessTokenExpiry: 'never' | number;
  webhooks: WebhookSettings;
  autoDecisions: AutoDecisions;
  rateLimits: RateLimitSettings;
  /** One line per notable event; never receives tokens or codes. */
  log: (line: string) => void;
};

const DAY = 24 * 3600 * 1000;

// Meta retries "immediately, then with decreasing frequency for up to 7 days" (Meta: Webhooks overview).
export const realisticRetryDelaysMs = [1_000, 10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000, DAY, DAY, DAY, DAY, DAY, DAY];

export const defaultOptions: SandboxOptions = {
  host: '127.0.0.1',
  port: 4010,
  appId: '1000000000000001',
  appSecret: 'sandbox-app-secret',
  appName: 'Onramp Sandbox App',
  systemToken: 'sandbox-system-token',
  partnerBusinessId: '2000000000000001',
  systemUserId: '3000000000000001',
  creditLineId: '4000000000000001',
  configId: '5000000000000001',
  measurementConfigId: '5000000000000002',
  webhookUrl: undefined,
  webhookVerifyToken: 'sandbox-verify-token',
  requireAppsecretProof: false,
  latency: 'realistic',
  seed: 1,
  scenario: 'demo',
  partnerType: undefined,
  businessTokenExpiry: 60,
  webhooks: {
    batchSize: 100,
    batchWindowMs: 0,
    retryDelaysMs: realisticRetryDelaysMs,
    duplicateRate: 0,
    reorder: false,
    timeoutMs: 10_000,
    maxPayloadBytes: 3 * 1024 * 1024,
    legacySignature: false,
  },
  rateLimits: defaultRateLimits,
  autoDecisions: { wabaReviewSeconds: 60, displayNameSeconds: 300, businessVerificationSeconds: 300, templateReviewSeconds: 60 },
  log: (line) => console.log(line),
};

export function resolveOptions(partial: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    ...defaultOptions,
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
    webhooks: { ...defaultOptions.webhooks, ...(partial.webhooks ?? {}) },
    autoDecisions: { ...defaultOptions.autoDecisions, ...(partial.autoDecisions ?? {}) },
    rateLimits: { ...defaultOptions.rateLimits, ...(partial.rateLimits ?? {}) },
  };
}

const flagSchema = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');
const digitsSchema = z.string().regex(/^\d+$/);

const envSchema = z.object({
  SANDBOX_HOST: z.string().min(1).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SANDBOX_APP_ID: digitsSchema.optional(),
  SANDBOX_APP_SECRET: z.string().min(1).optional(),
  SANDBOX_APP_NAME: z.string().min(1).optional(),
  SANDBOX_SYSTEM_TOKEN: z.string().min(1).optional(),
  SANDBOX_PARTNER_BUSINESS_ID: digitsSchema.optional(),
  SANDBOX_SYSTEM_USER_ID: digitsSchema.optional(),
  SANDBOX_CREDIT_LINE_ID: digitsSchema.optional(),
  SANDBOX_CONFIG_ID: digitsSchema.optional(),
  SANDBOX_MEASUREMENT_CONFIG_ID: digitsSchema.optional(),
  SANDBOX_WEBHOOK_URL: z.string().url().optional(),
  SANDBOX_WEBHOOK_VERIFY_TOKEN: z.string().min(1).optional(),
  SANDBOX_REQUIRE_APPSECRET_PROOF: flagSchema.optional(),
  SANDBOX_LATENCY: z.union([z.enum(['realistic', 'none']), z.coerce.number().int().min(0)]).optional(),
  SANDBOX_SEED: z.coerce.number().int().optional(),
  SANDBOX_SCENARIO: z.string().min(1).optional(),
  SANDBOX_PARTNER_TYPE: z.enum(partnerTypes).optional(),
  SANDBOX_RATE_LIMITS: z.enum(['off', 'realistic']).optional(),
});

/** Options from SANDBOX_* variables (sandbox/README.md lists them); empty strings count as unset. */
export function optionsFromEnv(source: NodeJS.ProcessEnv): Partial<SandboxOptions> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('SANDBOX_') && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid sandbox configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.SANDBOX_HOST,
    port: e.SANDBOX_PORT,
    appId: e.SANDBOX_APP_ID,
    appSecret: e.SANDBOX_APP_SECRET,
    appName: e.SANDBOX_APP_NAME,
    systemToken: e.SANDBOX_SYSTEM_TOKEN,
    partnerBusinessId: e.SANDBOX_PARTNER_BUSINESS_ID,
    systemUserId: e.SANDBOX_SYSTEM_USER_ID,
    creditLineId: e.SANDBOX_CREDIT_LINE_ID,
    configId: e.SANDBOX_CONFIG_ID,
    measurementConfigId: e.SANDBOX_MEASUREMENT_CONFIG_ID,
    webhookUrl: e.SANDBOX_WEBHOOK_URL,
    webhookVerifyToken: e.SANDBOX_WEBHOOK_VERIFY_TOKEN,
    requireAppsecretProof: e.SANDBOX_REQUIRE_APPSECRET_PROOF,
    latency: e.SANDBOX_LATENCY,
    seed: e.SANDBOX_SEED,
    scenario: e.SANDBOX_SCENARIO,
    partnerType: e.SANDBOX_PARTNER_TYPE,
    rateLimits: e.SANDBOX_RATE_LIMITS ? { ...defaultRateLimits, profile: e.SANDBOX_RATE_LIMITS } : undefined,
  };
}
