import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, staffUsers, wabas, type StaffUser, type Waba } from '@/lib/db/schema';
import { resubscribe } from '@/lib/accounts/commands';
import { checkWebhookDrift } from '@/lib/accounts/drift';
import { metaStateOf, saveMetaState } from '@/lib/accounts/state';
import { createOnboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// The nightly drift check over real sandbox signups: what Meta has subscribed against what it should be.

let meta: MetaSandbox;
let unsubscribed: Waba;
let subscribed: Waba;
let operator: StaffUser;

async function wabaRow(metaWabaId: string): Promise<Waba> {
  const [row] = await db().select().from(wabas).where(eq(wabas.metaWabaId, metaWabaId));
  return row!;
}

async function openDrift(metaWabaId: string) {
  return db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, metaWabaId), eq(attentionItems.kind, 'webhook_drift'), isNull(attentionItems.resolvedAt)));
}

beforeAll(async () => {
  meta = await startMetaSandbox();
  // Stored but never run through the pipeline: Meta has no subscription of ours on either yet.
  unsubscribed = await wabaRow((await createOnboarding(meta, 'default', 'solution_partner')).metaWabaId);
  subscribed = await wabaRow((await createOnboarding(meta, 'default', 'solution_partner')).metaWabaId);
  const [staff] = await db().insert(staffUsers).values({ name: 'Olga Operator', email: 'olga@example.com', passwordHash: 'x', role: 'operator' }).returning();
  operator = staff!;
  await resubscribe(subscribed, null);
}, 60_000);

afterAll(async () => {
  await meta.close();
});

describe('webhook drift check', () => {
  test('raises one item for an account Meta has no subscription of ours on, and none for one that is as it should be', async () => {
    expect(await checkWebhookDrift()).toEqual({ drifted: 1, fine: 1, unreadable: 0 });
    const [item] = await openDrift(unsubscribed.metaWabaId);
    expect(item).toMatchObject({ kind: 'webhook_drift', data: { action: 'resubscribe' } });
    expect(item!.message).toContain('not subscribed');
    expect(await openDrift(subscribed.metaWabaId)).toEqual([]);
    expect((await metaStateOf(unsubscribed.id))?.subscribedApps).toEqual([]);

    // A second night adds nothing while the item is open.
    await checkWebhookDrift();
    expect(await openDrift(unsubscribed.metaWabaId)).toHaveLength(1);
  });

  test('an override Meta lacks is drift too, and the check closes the item once the expectation holds again', async () => {
    await saveMetaState(db(), subscribed.id, { expectedOverride: 'https://hooks.example.com/wa/tenant-42' });
    await checkWebhookDrift();
    const [item] = await openDrift(subscribed.metaWabaId);
    expect(item!.message).toContain('instead of the override we set (https://hooks.example.com/wa/tenant-42)');

    await saveMetaState(db(), subscribed.id, { expectedOverride: null });
    await checkWebhookDrift();
    expect(await openDrift(subscribed.metaWabaId)).toEqual([]);
    const [closed] = await db().select().from(attentionItems).where(eq(attentionItems.id, item!.id));
    expect(closed).toMatchObject({ resolvedBy: null, resolution: 'Meta’s subscription is as it should be again.' });
  });

  test('"Fix" re-subscribes at Meta and records who resolved the item', async () => {
    const [item] = await openDrift(unsubscribed.metaWabaId);
    const result = await resubscribe(await wabaRow(unsubscribed.metaWabaId), operator);
    expect(result.subscribed).toBe(true);
    const [closed] = await db().select().from(attentionItems).where(eq(attentionItems.id, item!.id));
    expect(closed).toMatchObject({ resolvedBy: operator.id, resolution: 'Re-subscribed by Olga Operator.' });
    expect(meta.sandbox.state.wabas[unsubscribed.metaWabaId]?.subscriptions.map((s) => s.appId)).toEqual(['1000000000000001']);
    expect(await checkWebhookDrift()).toEqual({ drifted: 0, fine: 2, unreadable: 0 });
  });

  test('an account whose token Meta refuses is counted unreadable, not drifted', async () => {
    await meta.fault({ method: 'GET', path: '/{id}/subscribed_apps', error: { code: 190, message: 'Error validating access token' }, next: 1 });
    const counts = await checkWebhookDrift();
    await meta.clearFaults();
    expect(counts).toEqual({ drifted: 0, fine: 1, unreadable: 1 });
  });
});
