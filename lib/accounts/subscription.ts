import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas, type Waba } from '@/lib/db/schema';
import { type AuditContext, type GraphToken, graphSettings } from '@/lib/meta/graph';
import { listSubscribedApps, type SubscribedApp } from '@/lib/meta/subscriptions';
import { closeAttention, raiseAttention } from '@/lib/accounts/attention';
import { metaStateOf, saveMetaState } from '@/lib/accounts/state';

// Meta's webhook subscription on a WABA against what it should be: our app subscribed, with the
// callback override we set or none (docs/meta/webhook-subscriptions.md). Every read (refresh, the
// nightly check, after an action) stores it and raises or closes the drift item, whose "Fix" re-subscribes.

export function driftProblem(ours: SubscribedApp | undefined, expectedOverride: string | null): string | null {
  if (!ours) return 'Meta reports our app not subscribed to this account’s webhooks: no messages or status updates reach us.';
  const actual = ours.overrideCallbackUri ?? null;
  if (expectedOverride === actual) return null;
  return expectedOverride
    ? `Meta sends this account’s webhooks to ${actual ?? 'our app’s default address'} instead of the override we set (${expectedOverride}).`
    : `Meta sends this account’s webhooks to an override we did not set (${actual}).`;
}

export async function readSubscription(waba: Waba, token: GraphToken, audit: AuditContext = {}) {
  const apps = await listSubscribedApps(waba.metaWabaId, token, audit);
  const ours = apps.find((app) => app.appId === graphSettings().appId);
  const problem = driftProblem(ours, (await metaStateOf(waba.id))?.expectedOverride ?? null);
  await db().transaction(async (tx) => {
    await saveMetaState(tx, waba.id, { subscribedApps: apps, subscribedAppsReadAt: new Date() });
    await tx
      .update(wabas)
      .set({ subscribedAt: ours ? (waba.subscribedAt ?? new Date()) : null, updatedAt: new Date() })
      .where(eq(wabas.id, waba.id));
    if (problem) await raiseAttention(tx, { metaWabaId: waba.metaWabaId, kind: 'webhook_drift', message: problem, data: { action: 'resubscribe' } });
    else await closeAttention(tx, waba.metaWabaId, ['webhook_drift'], 'Meta’s subscription is as it should be again.');
  });
  return { apps, ours, problem };
}
