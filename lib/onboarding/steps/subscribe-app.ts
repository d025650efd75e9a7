import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { settings, wabas, webhookVerifyTokens } from '@/lib/db/schema';
import { graphSettings } from '@/lib/meta/graph';
import { listSubscribedApps, overrideCallback, subscribeApp } from '@/lib/meta/subscriptions';
import type { OnboardingStep } from '@/lib/onboarding/steps/context';
import { hashVerifyToken } from '@/lib/webhooks/signature';

/** Settings key: a callback URL that overrides the app's default for every onboarded WABA (docs/meta/webhook-subscriptions.md). Unset by default. */
export const callbackOverrideSetting = 'onboarding.callbackOverrideUrl';

async function configuredOverride(): Promise<string | undefined> {
  const [row] = await db().select({ value: settings.value }).from(settings).where(eq(settings.key, callbackOverrideSetting));
  return typeof row?.value === 'string' && row.value !== '' ? row.value : undefined;
}

/**
 * Subscribes our app to the WABA's webhooks (business token), then sets the optional override. Every
 * grant needs it, read-only ones too: Measurement Partners receive their clients' webhooks only once
 * subscribed to each WABA (Meta: Measurement Partners).
 */
export const subscribeAppStep: OnboardingStep = {
  name: 'subscribe_app',
  label: { staff: 'Subscribe our app to the WABA’s webhooks', customer: 'Connect your account’s notifications to us' },
  async run(ctx) {
    const wabaId = ctx.waba.metaWabaId;
    const { appId } = graphSettings();
    const [apps, overrideUrl] = await Promise.all([listSubscribedApps(wabaId, ctx.token, ctx.audit), configuredOverride()]);
    const ours = apps.find((app) => app.appId === appId);
    let subscribed = false;
    if (!ours) {
      await subscribeApp(wabaId, ctx.token, ctx.audit);
      subscribed = true;
    }
    let override: string | null = null;
    if (overrideUrl && ours?.overrideCallbackUri !== overrideUrl) {
      // Meta runs the hub.* handshake against the override with this token; the receiver accepts its hash.
      const verifyToken = randomBytes(24).toString('base64url');
      await db()
        .insert(webhookVerifyTokens)
        .values({ tokenHash: hashVerifyToken(verifyToken), wabaId });
      // Only after the plain subscribe: an override first is refused with code 100 (docs/meta/webhook-subscriptions.md).
      await overrideCallback(wabaId, { callbackUri: overrideUrl, verifyToken }, ctx.token, ctx.audit);
      override = overrideUrl;
    } else if (overrideUrl) {
      override = overrideUrl;
    }
    await db().update(wabas).set({ subscribedAt: new Date(), updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
    return { status: 'done', result: { subscribed, alreadySubscribed: !subscribed, overrideCallbackUri: override } };
  },
};
