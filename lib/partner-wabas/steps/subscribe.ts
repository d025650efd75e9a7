import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas } from '@/lib/db/schema';
import { graphSettings } from '@/lib/meta/graph';
import { listSubscribedApps, subscribeApp } from '@/lib/meta/subscriptions';
import type { FinishStep } from '@/lib/partner-wabas/finish-context';

/** Subscribes our app to the WABA's webhooks with the run's token, unless it is subscribed already. */
export const finishSubscribeStep: FinishStep = {
  name: 'subscribe_app',
  label: { staff: 'Subscribe our app to the WABA’s webhooks', customer: 'Connect your account’s notifications to us' },
  after: ['assign_system_user'],
  async run(ctx) {
    const wabaId = ctx.waba.metaWabaId;
    const apps = await listSubscribedApps(wabaId, ctx.token, ctx.audit);
    const subscribed = apps.some((app) => app.appId === graphSettings().appId);
    if (!subscribed) await subscribeApp(wabaId, ctx.token, ctx.audit);
    await db().update(wabas).set({ subscribedAt: new Date(), updatedAt: new Date() }).where(eq(wabas.id, ctx.waba.id));
    return { status: 'done', result: { subscribed: !subscribed, alreadySubscribed: subscribed } };
  },
};
