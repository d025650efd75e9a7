import { ourApp } from '../state';
import { verifyCallback } from '../webhooks';
import { authenticate, loadWaba, requireKind } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { graphError, invalidParameter } from './errors';
import { pageOf } from './fields';

/** The GET handshake Meta runs for every override URL; failure refuses the change like Meta's 2200. */
export async function requireVerifiedCallback(ctx: GraphContext, url: string, verifyToken: string) {
  const result = await verifyCallback(ctx.sb, url, verifyToken);
  if (!result.ok) {
    throw graphError({
      message: `(#2200) Callback verification failed with the following errors: ${result.status === null ? `curl_errno = 7; curl_error = ${result.error ?? 'connection failed'}` : `HTTP Status Code = ${result.status}`}`,
      type: 'OAuthException',
      code: 2200,
    });
  }
}

/** POST /{waba-id}/subscribed_apps, with or without an override (Meta: Override callback URL). */
export async function subscribeApp(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['business', 'system'], 'Subscribing an app to a WABA');
  const waba = loadWaba(ctx, token, id, token.kind === 'business' ? 'read' : 'manage');
  const app = sb.state.apps[token.appId] ?? ourApp(sb);
  const override = stringParam(ctx, 'override_callback_uri');
  const existing = waba.subscriptions.find((s) => s.appId === app.id);
  if (override !== undefined && override !== '') {
    if (!existing) {
      // The override must come after a plain subscribe (Meta: Override callback URL).
      throw invalidParameter(
        'Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account',
        '(#100) Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account',
      );
    }
    if (override.length > 200) throw invalidParameter('override_callback_uri must be at most 200 characters');
    let parsed: URL;
    try {
      parsed = new URL(override);
    } catch {
      throw invalidParameter('override_callback_uri must be a valid URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalidParameter('override_callback_uri must be an HTTPS URL');
    const verifyToken = stringParam(ctx, 'verify_token') ?? '';
    await requireVerifiedCallback(ctx, override, verifyToken);
    existing.overrideUri = override;
    existing.verifyToken = verifyToken;
    return { success: true };
  }
  // A plain POST subscribes, or removes the WABA-level override when already subscribed (Meta: Override callback URL).
  if (existing) {
    delete existing.overrideUri;
    delete existing.verifyToken;
  } else {
    waba.subscriptions.push({ appId: app.id, at: sb.clock.now() });
  }
  return { success: true };
}

export function listSubscribedApps(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, id, 'read');
  return pageOf(
    ctx,
    'WhatsAppSubscribedApp',
    waba.subscriptions,
    (s) => {
      const app = sb.state.apps[s.appId];
      return {
        whatsapp_business_api_data: () => ({ id: s.appId, link: app?.link ?? '', name: app?.name ?? '' }),
        override_callback_uri: () => s.overrideUri,
      };
    },
    ['whatsapp_business_api_data', 'override_callback_uri'],
  );
}

export function unsubscribeApp(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  requireKind(token, ['business', 'system'], 'Unsubscribing an app from a WABA');
  const waba = loadWaba(ctx, token, id, token.kind === 'business' ? 'read' : 'manage');
  waba.subscriptions = waba.subscriptions.filter((s) => s.appId !== token.appId);
  return { success: true };
}
