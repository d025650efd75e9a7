import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { webhookEvents, webhookRejections } from '@/lib/db/schema';
import { splitDeliveries } from '@/lib/webhooks/processing';
import { flushRejections, maxBodyBytes } from '@/lib/webhooks/receiver';
import { envelope, post, startReceiver, statusChange } from './webhook-server';

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

/** Everything the receiver committed, split into its changes as processing does first. */
async function split(): Promise<void> {
  while ((await splitDeliveries()) > 0);
}

async function storedCount(): Promise<number> {
  await split();
  const [row] = await db().select({ n: count() }).from(webhookEvents);
  return row!.n;
}

async function rejections(): Promise<Record<string, number>> {
  await flushRejections();
  const rows = await db().select().from(webhookRejections);
  return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
}

describe('webhook handshake', () => {
  it('echoes the challenge as plain text for the configured token', async () => {
    const response = await fetch(`${receiver.url}?hub.mode=subscribe&hub.verify_token=sandbox-verify-token&hub.challenge=1158201444`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong token', 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'],
    ['a wrong mode', 'hub.mode=unsubscribe&hub.verify_token=sandbox-verify-token&hub.challenge=1'],
    ['no parameters', ''],
  ])('answers 403 to %s', async (_name, query) => {
    expect((await fetch(`${receiver.url}?${query}`)).status).toBe(403);
  });
});

describe('webhook signature', () => {
  const body = envelope([statusChange()]);

  it('accepts the app secret and, during a rotation, the previous one', async () => {
    expect((await post(receiver.url, body)).status).toBe(200);
    expect((await post(receiver.url, envelope([statusChange()]), 'previous-app-secret')).status).toBe(200);
    expect(await storedCount()).toBe(2);
  });

  it('refuses missing, wrong, malformed and tampered signatures without storing anything', async () => {
    const before = await storedCount();
    const rejectedBefore = (await rejections()).bad_signature ?? 0;
    expect((await post(receiver.url, body, null)).status).toBe(401);
    expect((await post(receiver.url, body, 'some-other-secret')).status).toBe(401);
    expect((await post(receiver.url, body, null, { 'x-hub-signature-256': 'sha256=zz' })).status).toBe(401);
    const tampered = Buffer.from(body);
    tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 1;
    const signedOriginal = (await import('@/lib/webhooks/signature')).signPayload(body, 'sandbox-app-secret');
    expect((await post(receiver.url, tampered, null, { 'x-hub-signature-256': signedOriginal })).status).toBe(401);
    expect(await storedCount()).toBe(before);
    expect((await rejections()).bad_signature).toBe(rejectedBefore + 4);
  });

  it('verifies the exact bytes: escaped non-ASCII must not be re-serialised', async () => {
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"caf\\u00e9 ${Date.now()}"}}]}]}`;
    expect((await post(receiver.url, raw)).status).toBe(200);
  });
});

describe('webhook bodies', () => {
  it('refuses malformed JSON and non-envelopes with 400, oversize with 413', async () => {
    const before = await storedCount();
    expect((await post(receiver.url, '{"object":')).status).toBe(400);
    expect((await post(receiver.url, '{"entry":"nope"}')).status).toBe(400);
    const huge = Buffer.alloc(maxBodyBytes + 10, 0x20);
    expect((await post(receiver.url, huge)).status).toBe(413);
    expect(await storedCount()).toBe(before);
    const counts = await rejections();
    expect(counts.bad_body).toBeGreaterThanOrEqual(2);
    expect(counts.oversize).toBeGreaterThanOrEqual(1);
  });

  it('answers 400, not 503, to a value nested far too deeply, and stores nothing', async () => {
    const before = await storedCount();
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const body = `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1767225600,"changes":[{"field":"messages","value":${deep}}]}]}`;
    const deepResponse = await post(receiver.url, body);
    expect(deepResponse.status).toBe(400);
    expect(await deepResponse.text()).toMatch(/nests deeper than/);
    expect(await storedCount()).toBe(before);
  });

  it('stores the good changes of a batch with a malformed change, keeps that one as invalid with why, and answers 200', async () => {
    const wabaId = `2${Date.now()}`;
    const good = Array.from({ length: 100 }, () => statusChange());
    const body = envelope(
      [...good.slice(0, 50), { value: { decision: 'APPROVED' } }, ...good.slice(50), { field: 'account_review_update', value: 'APPROVED' }],
      wabaId,
    );
    const response = await post(receiver.url, body);
    expect(response.status).toBe(200);
    await split();
    const rows = await db().select().from(webhookEvents).where(eq(webhookEvents.entryId, wabaId));
    expect(rows.filter((r) => r.status !== 'invalid')).toHaveLength(100);
    const invalid = rows.filter((r) => r.status === 'invalid');
    expect(invalid.map((r) => [r.field, r.value])).toEqual(
      expect.arrayContaining([
        ['', { value: { decision: 'APPROVED' } }],
        ['account_review_update', { field: 'account_review_update', value: 'APPROVED' }],
      ]),
    );
    expect(invalid.map((r) => r.lastError).sort()).toEqual([
      expect.stringMatching(/^entry\[0\]\.changes\[101\]\.value: /),
      expect.stringMatching(/^entry\[0\]\.changes\[50\]\.field: /),
    ]);
    // Meta's retry of the same batch is a duplicate, the invalid changes included.
    expect((await post(receiver.url, body)).status).toBe(200);
    await split();
    expect(await db().select().from(webhookEvents).where(eq(webhookEvents.entryId, wabaId))).toHaveLength(102);
  });

  it('accepts a 3 MB payload', async () => {
    const filler = 'x'.repeat(3 * 1024 * 1024 - 500);
    const response = await post(receiver.url, envelope([{ field: 'history', value: { filler, n: Date.now() } }]));
    expect(response.status).toBe(200);
  });

  it('stores unknown fields and valid but empty payloads', async () => {
    const response = await post(receiver.url, envelope([{ field: 'some_future_field', value: { hello: 'world' } }]));
    expect(response.status).toBe(200);
    await split();
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.field, 'some_future_field'));
    expect(row?.value).toEqual({ hello: 'world' });
    expect((await post(receiver.url, JSON.stringify({ object: 'whatsapp_business_account', entry: [] }))).status).toBe(200);
  });
});

describe('webhook durability and duplicates', () => {
  it('stores a duplicate change once, however often and however batched it arrives', async () => {
    const change = statusChange('read', 'wamid.DUPLICATE');
    const before = await storedCount();
    const results = await Promise.all(Array.from({ length: 20 }, () => post(receiver.url, envelope([change]))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await post(receiver.url, envelope([change, change, statusChange()]));
    expect(await storedCount()).toBe(before + 2);
  });

  it('stores every change of a 1000-change batch, and of concurrent batches', async () => {
    const before = await storedCount();
    const batches = Array.from({ length: 5 }, () => envelope(Array.from({ length: 1000 }, () => statusChange())));
    const results = await Promise.all(batches.map((b) => post(receiver.url, b)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await storedCount()).toBe(before + 5000);
  });

  it('derives the WABA of a change from waba_info when entry.id is a business', async () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '506914307656634',
          time: 1767225600,
          changes: [
            {
              field: 'account_update',
              value: { event: 'PARTNER_ADDED', waba_info: { waba_id: '209876543210777', owner_business_id: '309876543210003' } },
            },
          ],
        },
      ],
    });
    expect((await post(receiver.url, body)).status).toBe(200);
    await split();
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.wabaId, '209876543210777'));
    expect(row?.event).toBe('PARTNER_ADDED');
    expect(row?.entryId).toBe('506914307656634');
  });
});
