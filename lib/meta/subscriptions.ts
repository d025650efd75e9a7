import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphRequest, pageSchema, successSchema } from '@/lib/meta/graph';

// The app's webhook subscription on a customer's WABA (docs/meta/webhook-subscriptions.md).

const subscribedAppSchema = z.looseObject({
  whatsapp_business_api_data: z.looseObject({ id: graphIdSchema, name: z.string().optional(), link: z.string().optional() }).optional(),
  override_callback_uri: z.string().optional(),
});

export type SubscribedApp = { appId: string | undefined; name?: string; overrideCallbackUri?: string };

export async function listSubscribedApps(wabaId: string, token: GraphToken, audit: AuditContext = {}): Promise<SubscribedApp[]> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${wabaId}/subscribed_apps`,
    token,
    audit,
    schema: pageSchema(subscribedAppSchema),
  });
  return result.data.map((app) => ({
    appId: app.whatsapp_business_api_data?.id,
    name: app.whatsapp_business_api_data?.name,
    overrideCallbackUri: app.override_callback_uri,
  }));
}

export type CallbackOverride = { callbackUri: string; verifyToken: string };

/**
 * Subscribes the app to the WABA's webhooks (business token). A plain POST also removes a
 * WABA-level callback override, so pass `override` whenever one should stay in place.
 */
export async function subscribeApp(wabaId: string, token: GraphToken, audit: AuditContext = {}, override?: CallbackOverride): Promise<void> {
  await graphRequest({ method: 'POST', path: `/${wabaId}/subscribed_apps`, token, audit, schema: successSchema });
  // An override before the plain subscribe fails with code 100 (docs/meta/webhook-subscriptions.md).
  if (override) await overrideCallback(wabaId, override, token, audit);
}

/** Sets the WABA-level callback override; the app must already be subscribed (see `subscribeApp`). */
export async function overrideCallback(wabaId: string, override: CallbackOverride, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  if (override.callbackUri.length > 200) throw new Error('override_callback_uri is limited to 200 characters by Meta');
  await graphRequest({
    method: 'POST',
    path: `/${wabaId}/subscribed_apps`,
    json: { override_callback_uri: override.callbackUri, verify_token: override.verifyToken },
    token,
    audit,
    secrets: [override.verifyToken],
    schema: successSchema,
  });
}

export async function unsubscribeApp(wabaId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({ method: 'DELETE', path: `/${wabaId}/subscribed_apps`, token, audit, schema: successSchema });
}
