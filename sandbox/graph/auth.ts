import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PhoneNumber, Token, TokenKind, Waba } from '../state';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { graphError, objectNotFound, permissionError } from './errors';

export function rawToken(ctx: GraphContext): string | undefined {
  const header = ctx.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(value.trim()) : null;
  if (match?.[1]) return match[1].trim();
  return stringParam(ctx, 'access_token');
}

function invalidToken(message: string, subcode?: number) {
  return graphError({ message, type: 'OAuthException', code: 190, ...(subcode ? { error_subcode: subcode } : {}) }, 400);
}

/** Looks a token value up without the request's proof rules; used by debug_token for input_token. */
export function lookupToken(ctx: GraphContext, value: string): Token | { error: ReturnType<typeof invalidToken> } {
  const { sb } = ctx;
  const appMatch = /^(\d+)\|(.+)$/.exec(value);
  if (appMatch) {
    const app = sb.state.apps[appMatch[1] ?? ''];
    if (!app || (app.secret !== appMatch[2] && appTokenValue(app.id, app.secret) !== value))
      return { error: invalidToken('Invalid OAuth access token signature.') };
    return { value, kind: 'app', appId: app.id, userId: app.id, issuedAt: 0, expiresAt: 0, scopes: [] };
  }
  const token = sb.state.tokens[value];
  if (!token) return { error: invalidToken('Invalid OAuth access token - Cannot parse access token') };
  if (token.revoked) {
    return {
      error: invalidToken(
        token.revoked.subcode === 458
          ? `Error validating access token: The user has not authorized application ${token.appId}.`
          : 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
        token.revoked.subcode,
      ),
    };
  }
  const now = sb.clock.now();
  if (token.expiresAt !== 0 && token.expiresAt * 1000 <= now) {
    const when = new Date(token.expiresAt * 1000).toUTCString();
    return {
      error: invalidToken(`Error validating access token: Session has expired on ${when}. The current time is ${new Date(now).toUTCString()}.`, 463),
    };
  }
  return token;
}

/** The caller's token, checked (present, valid, not expired/revoked, appsecret_proof when required). */
export function authenticate(ctx: GraphContext): Token {
  const value = rawToken(ctx);
  if (!value) {
    throw graphError({ message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104 }, 400);
  }
  const found = lookupToken(ctx, value);
  if ('error' in found) throw found.error;
  if (ctx.sb.config.requireAppsecretProof && found.kind !== 'app') {
    const proof = stringParam(ctx, 'appsecret_proof');
    const app = ctx.sb.state.apps[found.appId];
    if (!proof) {
      throw graphError({ message: 'API calls from the server require an appsecret_proof argument', type: 'GraphMethodException', code: 100 });
    }
    const expected = createHmac('sha256', app?.secret ?? '')
      .update(value)
      .digest('hex');
    const ok = proof.length === expected.length && timingSafeEqual(Buffer.from(proof), Buffer.from(expected));
    if (!ok) throw graphError({ message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
  }
  return found;
}

const kindNames: Record<TokenKind, string> = {
  system: "the partner's system user access token",
  business: 'a business token (from the Embedded Signup code exchange)',
  user: 'a user access token',
  app: 'an app access token',
};

export function requireKind(token: Token, kinds: TokenKind[], what: string): void {
  if (!kinds.includes(token.kind)) {
    throw permissionError(`${what} requires ${kinds.map((k) => kindNames[k]).join(' or ')}; this call used ${kindNames[token.kind]}.`);
  }
}

export type Access = 'none' | 'read' | 'manage';

const managingTasks = new Set(['MANAGE', 'DEVELOP', 'MANAGE_PHONE', 'MANAGE_PHONE_ASSETS', 'MANAGE_TEMPLATES', 'MESSAGING', 'FULL_CONTROL']);

export function wabaAccess(ctx: GraphContext, token: Token, waba: Waba): Access {
  const { sb } = ctx;
  if (token.kind === 'business') {
    const user = sb.state.integrationUsers[token.userId];
    if (!user?.grants.some((g) => g.wabaId === waba.id)) return 'none';
    return user.readOnly ? 'read' : 'manage';
  }
  if (token.kind === 'system') {
    const system = sb.state.systemUsers[token.userId];
    if (!system) return 'none';
    const partnered = waba.partners.some((p) => p.businessId === system.businessId) || waba.ownerBusinessId === system.businessId;
    if (!partnered) return 'none';
    const assigned = waba.assignedUsers.find((u) => u.userId === system.id);
    return assigned?.tasks.some((t) => managingTasks.has(t)) ? 'manage' : 'read';
  }
  return 'none';
}

export function loadWaba(ctx: GraphContext, token: Token, id: string, need: 'read' | 'manage'): Waba {
  const waba = ctx.sb.state.wabas[id];
  const method = ctx.method.toLowerCase() as 'get' | 'post' | 'delete';
  if (!waba) throw objectNotFound(id, method);
  const access = wabaAccess(ctx, token, waba);
  if (access === 'none') throw objectNotFound(id, method);
  if (need === 'manage' && access !== 'manage') {
    throw permissionError(
      token.kind === 'system'
        ? 'The system user has no task on this WhatsApp Business Account that allows this action; add it with POST /{waba-id}/assigned_users.'
        : 'This token only has read-only access to the WhatsApp Business Account (for example a Measurement Partner grant).',
    );
  }
  return waba;
}

export function loadPhone(ctx: GraphContext, token: Token, id: string, need: 'read' | 'manage'): { phone: PhoneNumber; waba: Waba } {
  const phone = ctx.sb.state.phoneNumbers[id];
  const method = ctx.method.toLowerCase() as 'get' | 'post' | 'delete';
  if (!phone || phone.status === 'DELETED') throw objectNotFound(id, method);
  const waba = ctx.sb.state.wabas[phone.wabaId];
  if (!waba || wabaAccess(ctx, token, waba) === 'none') throw objectNotFound(id, method);
  loadWaba(ctx, token, waba.id, need);
  return { phone, waba };
}

/** The app token client_credentials hands out: "{app-id}|{opaque}", stable for an app and its secret. */
export function appTokenValue(appId: string, secret: string): string {
  return `${appId}|${createHmac('sha256', secret).update(`app-token:${appId}`).digest('base64url').slice(0, 27)}`;
}
