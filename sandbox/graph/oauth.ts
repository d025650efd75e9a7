import { newTokenValue, type Token } from '../state';
import { appTokenValue, authenticate, lookupToken } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { graphError, missingParameter } from './errors';

const CODE_TTL_MS = 30_000;

function oauthError(message: string, code: number, subcode?: number) {
  return graphError({ message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) }, 400);
}

/** GET /oauth/access_token: exchanges an Embedded Signup code for a business token (Meta: Onboarding business customers as a Solution Partner). */
export function exchangeCode(ctx: GraphContext) {
  const { sb } = ctx;
  const clientId = stringParam(ctx, 'client_id');
  const clientSecret = stringParam(ctx, 'client_secret');
  const code = stringParam(ctx, 'code');
  if (!clientId) throw missingParameter('client_id');
  const app = sb.state.apps[clientId];
  if (!app) throw oauthError('Error validating application. Invalid application ID.', 101);
  if (!clientSecret) throw missingParameter('client_secret');
  if (clientSecret !== app.secret) throw oauthError('Error validating client secret.', 1);
  const grantType = stringParam(ctx, 'grant_type');
  // The app access token (Meta: Access Tokens > App access tokens).
  if (grantType === 'client_credentials') return { access_token: appTokenValue(app.id, app.secret), token_type: 'bearer' };
  if (grantType !== undefined && grantType !== 'authorization_code' && grantType !== 'fb_exchange_token') {
    throw oauthError(`Unsupported grant_type: ${grantType}`, 100);
  }
  if (!code) throw missingParameter('code');
  const record = sb.state.codes[code];
  if (!record || record.appId !== app.id) throw oauthError('Invalid verification code format.', 100, 36008);
  // Codes are single-use: standard OAuth behaviour; Meta's page states only the 30-second lifetime.
  if (record.usedAt !== undefined) throw oauthError('This authorization code has been used.', 100, 36009);
  if (sb.clock.now() - record.issuedAt > CODE_TTL_MS) throw oauthError('This authorization code has expired.', 100, 36007);
  record.usedAt = sb.clock.now();
  const user = sb.state.integrationUsers[record.integrationUserId];
  if (!user) throw oauthError('Invalid verification code format.', 100, 36008);
  const issuedAt = sb.clock.nowSeconds();
  const expiry = sb.config.businessTokenExpiry;
  const expiresAt = expiry === 'never' ? 0 : issuedAt + expiry * 86400;
  const scopes = [...new Set(user.grants.flatMap((g) => g.scopes)), 'public_profile'];
  const value = newTokenValue(sb);
  const token: Token = { value, kind: 'business', appId: app.id, userId: user.id, businessId: user.businessId, issuedAt, expiresAt, scopes };
  sb.state.tokens[value] = token;
  return expiresAt === 0 ? { access_token: value, token_type: 'bearer' } : { access_token: value, token_type: 'bearer', expires_in: expiresAt - issuedAt };
}

/** GET /debug_token?input_token=... with the system token, the app token, or a token about itself (Meta: Manage accounts). */
export function debugToken(ctx: GraphContext) {
  const { sb } = ctx;
  const caller = authenticate(ctx);
  const input0 = stringParam(ctx, 'input_token');
  if (caller.kind !== 'app' && caller.kind !== 'system' && input0 !== caller.value) {
    throw graphError({
      message: '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
      type: 'OAuthException',
      code: 100,
    });
  }
  const input = stringParam(ctx, 'input_token');
  if (!input) throw missingParameter('input_token');
  const found = lookupToken(ctx, input);
  if ('error' in found) {
    const known = sb.state.tokens[input];
    return {
      data: {
        ...(known
          ? {
              app_id: known.appId,
              type: known.kind === 'system' ? 'SYSTEM_USER' : 'USER',
              application: sb.state.apps[known.appId]?.name ?? '',
              user_id: known.userId,
              issued_at: known.issuedAt,
              expires_at: known.expiresAt,
            }
          : {}),
        is_valid: false,
        error: {
          code: found.error.graph.code,
          message: found.error.graph.message,
          ...(found.error.graph.error_subcode ? { subcode: found.error.graph.error_subcode } : {}),
        },
        scopes: [],
      },
    };
  }
  const token = found;
  const app = sb.state.apps[token.appId];
  if (token.kind === 'app') {
    return { data: { app_id: token.appId, type: 'APP', application: app?.name ?? '', is_valid: true, scopes: [] } };
  }
  const base = {
    app_id: token.appId,
    application: app?.name ?? '',
    // Meta's own example shows "USER" for business-integration tokens (Meta: Manage accounts).
    type: token.kind === 'system' ? 'SYSTEM_USER' : 'USER',
    is_valid: true,
    issued_at: token.issuedAt,
    expires_at: token.expiresAt,
    data_access_expires_at: token.expiresAt === 0 ? 0 : token.expiresAt + 30 * 86400,
    scopes: token.scopes,
  };
  if (token.kind === 'business') {
    const user = sb.state.integrationUsers[token.userId];
    const grants = user?.grants ?? [];
    const targets = (scope: string) => grants.filter((g) => g.scopes.includes(scope)).map((g) => g.wabaId);
    const granular = ['whatsapp_business_management', 'whatsapp_business_messaging']
      .map((scope) => ({ scope, target_ids: targets(scope) }))
      .filter((g) => g.target_ids.length > 0);
    return { data: { ...base, granular_scopes: granular, user_id: token.userId } };
  }
  if (token.kind === 'user') {
    return { data: { ...base, granular_scopes: token.scopes.map((scope) => ({ scope })), user_id: token.userId } };
  }
  // System tokens are not limited to objects, so target_ids is absent (Meta: Manage accounts).
  return { data: { ...base, granular_scopes: token.scopes.map((scope) => ({ scope })), user_id: token.userId } };
}
