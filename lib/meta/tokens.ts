import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphRequest, graphSettings, noToken } from '@/lib/meta/graph';

const exchangeSchema = z.looseObject({
  access_token: z.string().min(1),
  // docs/meta/tokens.md / docs/meta/uncertain.md#exchange-response-and-lifetime: Meta documents only the token.
  token_type: z.string().optional(),
  expires_in: z.coerce.number().optional(),
});

export type ExchangedToken = { accessToken: string; tokenType?: string; expiresIn?: number };

/**
 * Exchanges an Embedded Signup code for a business token (docs/meta/tokens.md). The code lives 30
 * seconds and works once: call this inside the completion request and never retry it.
 */
export async function exchangeCode(code: string, audit: AuditContext = {}): Promise<ExchangedToken> {
  const { appId, appSecret } = graphSettings();
  const result = await graphRequest({
    method: 'GET',
    path: '/oauth/access_token',
    query: { client_id: appId, client_secret: appSecret, code },
    token: noToken,
    audit,
    secrets: [code],
    schema: exchangeSchema,
  });
  return { accessToken: result.access_token, tokenType: result.token_type, expiresIn: result.expires_in };
}

const debugTokenSchema = z.looseObject({
  data: z.looseObject({
    app_id: graphIdSchema.optional(),
    application: z.string().optional(),
    type: z.string().optional(),
    is_valid: z.boolean(),
    issued_at: z.number().optional(),
    expires_at: z.number().optional(),
    data_access_expires_at: z.number().optional(),
    scopes: z.array(z.string()).optional(),
    granular_scopes: z.array(z.looseObject({ scope: z.string(), target_ids: z.array(graphIdSchema).optional() })).optional(),
    user_id: graphIdSchema.optional(),
    error: z.looseObject({ code: z.number().optional(), message: z.string().optional(), subcode: z.number().optional() }).optional(),
  }),
});

export type TokenInfo = {
  isValid: boolean;
  appId?: string;
  /** `SYSTEM_USER` or `USER`; don't branch on it (docs/meta/tokens.md, docs/meta/uncertain.md#debug-token-type). */
  type?: string;
  userId?: string;
  scopes: string[];
  granularScopes: { scope: string; targetIds?: string[] }[];
  /** WABAs under `whatsapp_business_management`, newest onboarded first; undefined when the token is not limited to objects. */
  wabaIds?: string[];
  issuedAt?: Date;
  /** null = never expires (`expires_at: 0`). */
  expiresAt: Date | null;
  dataAccessExpiresAt: Date | null;
};

function epoch(seconds: number | undefined): Date | null {
  return seconds === undefined || seconds === 0 ? null : new Date(seconds * 1000);
}

/**
 * Inspects a token (docs/meta/tokens.md). `token` is the caller: the app token (`appToken()`) or the
 * partner system token; both are accepted by Meta.
 */
export async function debugToken(inputToken: string, token: GraphToken, audit: AuditContext = {}): Promise<TokenInfo> {
  const { data } = await graphRequest({
    method: 'GET',
    path: '/debug_token',
    query: { input_token: inputToken },
    token,
    audit,
    secrets: [inputToken],
    schema: debugTokenSchema,
  });
  const granular = (data.granular_scopes ?? []).map((g) => ({ scope: g.scope, targetIds: g.target_ids }));
  return {
    isValid: data.is_valid,
    appId: data.app_id,
    type: data.type,
    userId: data.user_id,
    scopes: data.scopes ?? [],
    granularScopes: granular,
    wabaIds: granular.find((g) => g.scope === 'whatsapp_business_management')?.targetIds,
    issuedAt: epoch(data.issued_at) ?? undefined,
    expiresAt: epoch(data.expires_at),
    dataAccessExpiresAt: epoch(data.data_access_expires_at),
  };
}

/** True when the token grants management of the WABA (the check that makes a browser-reported waba_id trustworthy). */
export function tokenGrantsWaba(info: TokenInfo, wabaId: string): boolean {
  return info.isValid && (info.wabaIds ?? []).includes(wabaId);
}
