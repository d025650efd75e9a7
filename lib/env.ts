import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// The one reader of process.env. Every variable has a documented default (README, "Configuration"),
// so a fresh checkout starts with no configuration at all.

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  ONRAMP_PRODUCTION: flag,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  TRUST_PROXY: flag,
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.string().url().optional(),
  AUTH_SECRET: z.string().min(32).optional(),
  VAULT_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS_IN_PROCESS: z
    .enum(['1', '0', 'true', 'false', ''])
    .optional()
    .transform((v) => v === undefined || v === '' || v === '1' || v === 'true'),
  PARTNER_TYPE: z.enum(['solution_partner', 'tech_provider', 'tech_partner', 'measurement_partner']).default('solution_partner'),
  META_APP_ID: z.string().regex(/^\d+$/).optional(),
  META_APP_SECRET: z.string().min(1).optional(),
  META_APP_SECRET_PREVIOUS: z.string().min(1).optional(),
  META_CONFIG_ID: z.string().optional(),
  META_MEASUREMENT_CONFIG_ID: z.string().optional(),
  META_SYSTEM_TOKEN: z.string().optional(),
  META_BUSINESS_ID: z.string().regex(/^\d+$/).optional(),
  META_SYSTEM_USER_ID: z.string().regex(/^\d+$/).optional(),
  META_CREDIT_LINE_ID: z.string().regex(/^\d+$/).optional(),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v25.0'),
  META_GRAPH_URL: z.string().url().optional(),
  META_SDK_URL: z.string().url().optional(),
  META_PIXEL_ID: z.string().optional(),
  META_PIXEL_URL: z.string().url().optional(),
  META_WEBHOOK_VERIFY_TOKEN: z.string().min(1).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
});

export type Env = z.infer<typeof envSchema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable (`FOO=`) means "not set", so that its default applies.
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(given);
  let message: string | undefined;
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    message = `onramp: invalid configuration: ${lines.join('; ')}`;
  } else if (parsed.data.META_APP_SECRET && !parsed.data.META_APP_ID) {
    // Without an app id the sandbox stands in for Meta with its own secret: a secret given alone
    // would be ignored, and webhooks signed with it refused.
    message =
      'onramp: META_APP_SECRET is set but META_APP_ID is not: set META_APP_ID to use your Meta app, or unset META_APP_SECRET to run against the built-in sandbox.';
  }
  if (message) {
    if (process.env.VITEST === 'true') throw new Error(message);
    console.error(message);
    process.exit(1);
  }
  return parsed.data!;
}

export const env: Env = parseEnv(process.env);

export const nodeVersion = process.version;
export const isNextBuild = process.env.NEXT_PHASE === 'phase-production-build';
/** Next.js's development server (`npm run dev`). */
export const isDevelopment = process.env.NODE_ENV === 'development';
export const isTest = process.env.VITEST === 'true';
export const dataDir = path.resolve(env.DATA_DIR);
export const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;

/** Sandbox mode: no Meta app configured, so the local stand-in for Meta plays its part. */
export const sandboxMode = env.META_APP_ID === undefined;

// Defaults that match the sandbox's own documented defaults (sandbox/README.md): a contract, not shared code.
const sandboxUrl = `http://127.0.0.1:${env.SANDBOX_PORT}`;

export type MetaConfig = {
  mode: 'meta' | 'sandbox';
  appId: string;
  appSecret: string;
  previousAppSecret?: string;
  configId: string;
  measurementConfigId?: string;
  systemToken?: string;
  businessId?: string;
  systemUserId?: string;
  creditLineId?: string;
  graphVersion: string;
  graphUrl: string;
  sdkUrl: string;
  pixelId?: string;
  pixelUrl: string;
  /** Exact origins allowed to post Embedded Signup messages besides facebook.com and its subdomains. */
  extraMessageOrigins: string[];
  webhookVerifyToken: string;
};

export function metaConfig(): MetaConfig {
  if (sandboxMode) {
    return {
      mode: 'sandbox',
      appId: '1000000000000001',
      appSecret: 'sandbox-app-secret',
      previousAppSecret: env.META_APP_SECRET_PREVIOUS,
      configId: '5000000000000001',
      measurementConfigId: '5000000000000002',
      systemToken: 'sandbox-system-token',
      businessId: '2000000000000001',
      systemUserId: '3000000000000001',
      creditLineId: '4000000000000001',
      graphVersion: env.META_GRAPH_VERSION,
      graphUrl: sandboxUrl,
      sdkUrl: `${sandboxUrl}/sdk.js`,
      pixelId: env.META_PIXEL_ID ?? '6000000000000001',
      pixelUrl: `${sandboxUrl}/fbevents.js`,
      extraMessageOrigins: [sandboxUrl],
      webhookVerifyToken: env.META_WEBHOOK_VERIFY_TOKEN ?? 'sandbox-verify-token',
    };
  }
  return {
    mode: 'meta',
    appId: env.META_APP_ID!,
    appSecret: env.META_APP_SECRET ?? '',
    previousAppSecret: env.META_APP_SECRET_PREVIOUS,
    configId: env.META_CONFIG_ID ?? '',
    measurementConfigId: env.META_MEASUREMENT_CONFIG_ID,
    systemToken: env.META_SYSTEM_TOKEN,
    businessId: env.META_BUSINESS_ID,
    systemUserId: env.META_SYSTEM_USER_ID,
    creditLineId: env.META_CREDIT_LINE_ID,
    graphVersion: env.META_GRAPH_VERSION,
    graphUrl: env.META_GRAPH_URL ?? 'https://graph.facebook.com',
    sdkUrl: env.META_SDK_URL ?? 'https://connect.facebook.net/en_US/sdk.js',
    pixelId: env.META_PIXEL_ID,
    pixelUrl: env.META_PIXEL_URL ?? 'https://connect.facebook.net/en_US/fbevents.js',
    extraMessageOrigins: [],
    webhookVerifyToken: env.META_WEBHOOK_VERIFY_TOKEN ?? '',
  };
}

/** The environment a child process (the sandbox) is started with; the only hand-over of process.env. */
export function childProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

export type VaultKey = { id: string; key: Buffer };
export type PortalSecrets = { authSecret: string; vaultKeys: VaultKey[] };

const secretsFileSchema = z.object({
  authSecret: z.string().min(32),
  vaultKeys: z.array(z.object({ id: z.string().regex(/^[\w-]+$/), key: z.string() })).min(1),
});

/** `VAULT_KEYS="k1:<base64 32 bytes>,k2:<base64 32 bytes>"`; the last one encrypts. */
export function parseVaultKeys(value: string): VaultKey[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, encoded] = part.split(':');
      if (!id || !encoded || !/^[\w-]+$/.test(id)) throw new Error('VAULT_KEYS: expected "id:base64key,..."');
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) throw new Error(`VAULT_KEYS: key "${id}" must be 32 bytes (base64)`);
      return { id, key };
    });
}

let cachedSecrets: PortalSecrets | undefined;

/**
 * The portal's own secrets: from the environment when given; otherwise generated once into
 * DATA_DIR/secrets.json (mode 0600). Production (ONRAMP_PRODUCTION=1) refuses to generate.
 */
export function portalSecrets(log: (message: string) => void = () => {}): PortalSecrets {
  if (cachedSecrets) return cachedSecrets;
  const missing = [!env.AUTH_SECRET && 'AUTH_SECRET', !env.VAULT_KEYS && 'VAULT_KEYS'].filter((name): name is string => Boolean(name));
  if (missing.length > 0 && env.ONRAMP_PRODUCTION) {
    throw new Error(`ONRAMP_PRODUCTION is set but these secrets are missing: ${missing.join(', ')}`);
  }
  const file = path.join(dataDir, 'secrets.json');
  let stored: z.infer<typeof secretsFileSchema> | undefined;
  if (missing.length > 0) {
    if (existsSync(file)) {
      stored = secretsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } else {
      stored = {
        authSecret: randomBytes(32).toString('base64url'),
        vaultKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }],
      };
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
      log(`Generated ${missing.join(' and ')} into ${file} (mode 0600); set them explicitly in production.`);
    }
  }
  cachedSecrets = {
    authSecret: env.AUTH_SECRET ?? stored!.authSecret,
    vaultKeys: env.VAULT_KEYS ? parseVaultKeys(env.VAULT_KEYS) : stored!.vaultKeys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
  };
  return cachedSecrets;
}

/** Production refuses to start on development defaults; this lists what is missing. */
export function productionProblems(): string[] {
  if (!env.ONRAMP_PRODUCTION) return [];
  const required: Array<[string, unknown]> = [
    ['AUTH_SECRET', env.AUTH_SECRET],
    ['VAULT_KEYS', env.VAULT_KEYS],
    ['META_APP_ID', env.META_APP_ID],
    ['META_APP_SECRET', env.META_APP_SECRET],
    ['META_CONFIG_ID', env.META_CONFIG_ID],
    ['META_WEBHOOK_VERIFY_TOKEN', env.META_WEBHOOK_VERIFY_TOKEN],
    ['PUBLIC_URL', env.PUBLIC_URL],
  ];
  return required.filter(([, value]) => !value).map(([name]) => name);
}
