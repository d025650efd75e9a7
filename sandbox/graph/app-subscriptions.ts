import { verifyCallback } from '../webhooks';
import { webhookFields } from '../webhook-payloads';
import { authenticate, requireKind } from './auth';
import type { GraphContext } from './context';
import { listParam, stringParam } from './context';
import { graphError, invalidParameter, missingParameter, objectNotFound } from './errors';
import { pageOf } from './fields';

// GET/POST/DELETE /{app-id}/subscriptions with the app token (Meta: Graph API, Application
// Subscriptions; Webhooks > Getting started). Only the whatsapp_business_account object is modelled;
// the callback URL is the sandbox's app callback (the same one PATCH /_sandbox/config sets).

const OBJECT = 'whatsapp_business_account';

function appFor(ctx: GraphContext, id: string) {
  const app = ctx.sb.state.apps[id];
  if (!app) throw objectNotFound(id, ctx.method === 'GET' ? 'get' : ctx.method === 'POST' ? 'post' : 'delete');
  const token = authenticate(ctx);
  // Meta requires the app token here.
  requireKind(token, ['app'], 'App subscriptions');
  if (token.appId !== app.id) throw objectNotFound(id, 'get');
  return app;
}

export function listAppSubscriptions(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const app = appFor(ctx, id);
  const sub = sb.state.appSubscriptions[app.id];
  const version = ctx.version;
  const items = sub?.active && (app.id !== sb.options.appId || sb.config.webhookUrl) ? [sub] : [];
  return pageOf(
    ctx,
    'AppSubscription',
    items,
    (s) => ({
      object: () => s.object,
      callback_url: () => (app.id === sb.options.appId ? sb.config.webhookUrl : undefined),
      active: () => s.active,
      fields: () => s.fields.map((name) => ({ name, version })),
    }),
    ['object', 'callback_url', 'active', 'fields'],
  );
}

export async function createAppSubscription(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const app = appFor(ctx, id);
  const object = stringParam(ctx, 'object');
  if (!object) throw missingParameter('object');
  if (object !== OBJECT)
    throw invalidParameter(`The sandbox models the ${OBJECT} object only.`, `(#100) Param object must be one of {${OBJECT}} in the sandbox`);
  const fields = listParam(ctx, 'fields');
  if (!fields || fields.length === 0) throw missingParameter('fields');
  const unknown = fields.filter((f) => !(webhookFields as readonly string[]).includes(f));
  if (unknown.length > 0) throw invalidParameter(`Unknown fields: ${unknown.join(', ')}`, `(#100) Param fields contains an invalid field: ${unknown[0]}`);
  const callbackUrl = stringParam(ctx, 'callback_url');
  const verifyToken = stringParam(ctx, 'verify_token') ?? sb.config.webhookVerifyToken;
  if (callbackUrl !== undefined && app.id === sb.options.appId) {
    const result = await verifyCallback(sb, callbackUrl, verifyToken);
    if (!result.ok) {
      throw graphError({
        message: `(#2200) Callback verification failed with the following errors: ${result.status === null ? `curl_errno = 7; curl_error = ${result.error ?? 'connection failed'}` : `HTTP Status Code = ${result.status}`}`,
        type: 'OAuthException',
        code: 2200,
      });
    }
    sb.config.webhookUrl = callbackUrl;
    sb.config.webhookVerifyToken = verifyToken;
    sb.config.webhookVerified = 'verified';
  } else if (app.id === sb.options.appId && !sb.config.webhookUrl) {
    throw missingParameter('callback_url');
  }
  const existing = sb.state.appSubscriptions[app.id];
  // A POST adds fields to what the app already has (Meta: Application Subscriptions).
  const merged = existing?.active ? [...new Set([...existing.fields, ...fields])] : [...new Set(fields)];
  sb.state.appSubscriptions[app.id] = { object: OBJECT, fields: merged, active: true };
  return { success: true };
}

export function deleteAppSubscription(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const app = appFor(ctx, id);
  const object = stringParam(ctx, 'object');
  if (object !== undefined && object !== OBJECT) throw invalidParameter(`The sandbox models the ${OBJECT} object only.`);
  const fields = listParam(ctx, 'fields');
  const existing = sb.state.appSubscriptions[app.id];
  if (!existing) return { success: true };
  if (fields && fields.length > 0) {
    existing.fields = existing.fields.filter((f) => !fields.includes(f));
    if (existing.fields.length === 0) existing.active = false;
  } else {
    existing.fields = [];
    existing.active = false;
  }
  return { success: true };
}
