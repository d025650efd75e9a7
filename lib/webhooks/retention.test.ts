import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import {
  auditLog,
  settings,
  vaultSecrets,
  webhookDeliveries,
  type webhookEventStatuses,
  webhookEvents,
  webhookForwardDeliveries,
  webhookForwards,
  type StaffUser,
} from '@/lib/db/schema';
import { allJobs } from '@/lib/job-registry';
import { createStaffUser } from '@/lib/staff';
import { pruneWebhookTraffic, webhookRetentionJob } from '@/lib/webhooks/retention';
import { signedIn } from '@/test/signed-in';

vi.mock('next-auth', async () => (await import('@/test/signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { keepEvent } = await import('@/app/(staff)/webhooks/actions');

// The clock of these tests: retention is asked "as of" this time, never by waiting.
const now = new Date('2026-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

type Status = (typeof webhookEventStatuses)[number];

async function event(receivedAt: Date, status: Status = 'processed', keptAt: Date | null = null): Promise<string> {
  const id = randomUUID();
  await db()
    .insert(webhookEvents)
    .values({
      id,
      dedupeKey: `retention:${id}`,
      object: 'whatsapp_business_account',
      entryId: '1001',
      wabaId: '1001',
      field: 'messages',
      value: { statuses: [] },
      status,
      receivedAt,
      keptAt,
    });
  return id;
}

async function remaining(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db().select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, ids));
  return rows.map((r) => r.id).sort();
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

let viewer: StaffUser;
let operator: StaffUser;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'retention-viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'retention-operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
});

beforeEach(async () => {
  signedIn.id = undefined;
  await db().delete(webhookForwardDeliveries);
  await db().delete(webhookEvents);
  await db().delete(webhookDeliveries);
  await db().delete(settings).where(eq(settings.key, 'webhooks.retentionDays'));
});

describe('webhook retention', () => {
  it('deletes processed events older than 90 days in batches, keeping kept, failed, unprocessed and newer ones', async () => {
    const old = [];
    for (let i = 0; i < 12; i++) old.push(await event(daysAgo(91 + i)));
    old.push(await event(daysAgo(200), 'unhandled'), await event(daysAgo(95), 'ignored'));
    const kept = await event(daysAgo(120), 'processed', daysAgo(100));
    const failed = await event(daysAgo(120), 'failed');
    const unprocessed = await event(daysAgo(120), 'received');
    const recent = [await event(daysAgo(89)), await event(daysAgo(1))];
    // A forward delivery of an old event goes with it.
    const [secret] = await db().insert(vaultSecrets).values({ kind: 'setting', keyId: 'test', ciphertext: 'x' }).returning();
    const [forward] = await db().insert(webhookForwards).values({ field: 'messages', url: 'http://127.0.0.1:9/', secretId: secret!.id }).returning();
    await db().insert(webhookForwardDeliveries).values({ eventId: old[0]!, forwardId: forward!.id, status: 'delivered' });

    // Batches of 5: the kept and failed events sit between the deleted ones and are walked past.
    const result = await pruneWebhookTraffic(now, 5);
    expect(result.events).toBe(14);
    expect(result.cutoff).toEqual(daysAgo(90));
    expect(await remaining([...old, kept, failed, unprocessed, ...recent])).toEqual([kept, failed, unprocessed, ...recent].sort());
    expect(await db().select().from(webhookForwardDeliveries)).toHaveLength(0);
    expect((await pruneWebhookTraffic(now, 5)).events).toBe(0);
  });

  it('follows the retention age set in Settings', async () => {
    const fortyDays = await event(daysAgo(40));
    const tenDays = await event(daysAgo(10));
    expect((await pruneWebhookTraffic(now)).events).toBe(0);
    await db().insert(settings).values({ key: 'webhooks.retentionDays', value: 30 });
    expect((await pruneWebhookTraffic(now)).events).toBe(1);
    expect(await remaining([fortyDays, tenDays])).toEqual([tenDays]);
  });

  it('deletes raw deliveries a day after they were split into events, never unsplit ones', async () => {
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3600_000);
    await db()
      .insert(webhookDeliveries)
      .values([
        { bodyHash: 'split-long-ago', body: '{}', receivedAt: at(30), splitAt: at(30) },
        { bodyHash: 'split-an-hour-ago', body: '{}', receivedAt: at(2), splitAt: at(1) },
        { bodyHash: 'never-split', body: '{}', receivedAt: at(48), splitAt: null },
      ]);
    expect((await pruneWebhookTraffic(now)).deliveries).toBe(1);
    const left = await db().select({ hash: webhookDeliveries.bodyHash }).from(webhookDeliveries);
    expect(left.map((r) => r.hash).sort()).toEqual(['never-split', 'split-an-hour-ago']);
  });

  it('runs daily as a job the workers register', () => {
    expect(allJobs).toContain(webhookRetentionJob);
    expect(webhookRetentionJob.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
  });
});

describe('Keep and Stop keeping', () => {
  it('lets an operator keep an event past the retention and let it go again, audited each time', async () => {
    const id = await event(daysAgo(120));
    signedIn.id = operator.id;
    expect(await keepEvent({}, form({ id, keep: 'true' }))).toMatchObject({ ok: expect.stringContaining('Kept') });
    const [kept] = await db().select({ keptAt: webhookEvents.keptAt }).from(webhookEvents).where(eq(webhookEvents.id, id));
    expect(kept?.keptAt).toBeInstanceOf(Date);
    expect((await pruneWebhookTraffic(now)).events).toBe(0);

    expect(await keepEvent({}, form({ id, keep: 'false' }))).toMatchObject({ ok: expect.stringContaining('No longer kept') });
    const audit = await db().select().from(auditLog).where(eq(auditLog.target, id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['webhook.keep', operator.id],
      ['webhook.stop_keeping', operator.id],
    ]);
    expect((await pruneWebhookTraffic(now)).events).toBe(1);
  });

  it('refuses a viewer and changes nothing', async () => {
    const id = await event(daysAgo(120));
    signedIn.id = viewer.id;
    await expect(keepEvent({}, form({ id, keep: 'true' }))).rejects.toMatchObject({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });
    const [row] = await db().select({ keptAt: webhookEvents.keptAt }).from(webhookEvents).where(eq(webhookEvents.id, id));
    expect(row?.keptAt).toBeNull();
  });

  it('says so when the event no longer exists', async () => {
    signedIn.id = operator.id;
    expect(await keepEvent({}, form({ id: randomUUID(), keep: 'true' }))).toMatchObject({ error: 'This event no longer exists.' });
  });
});
