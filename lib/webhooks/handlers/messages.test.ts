import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { messageDailyCounts, messageStatuses, webhookEvents } from '@/lib/db/schema';
import { changesOf } from '@/lib/webhooks/envelope';
import { storeChanges } from '@/lib/webhooks/inbox';
import { processPending, replayChanges } from '@/lib/webhooks/processing';
import { deliver, envelope, metaId } from '@/test/webhook-fixtures';

const wabaId = '209876543210002';
// 2026-01-01T00:00:00Z and the next day.
const day1 = 1767225600;
const day2 = day1 + 86400;

function metadata(phoneNumberId: string) {
  return { display_phone_number: '15550783881', phone_number_id: phoneNumberId };
}

function inbound(phoneNumberId: string, id: string, timestamp = day1) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      contacts: [{ profile: { name: 'Jane Doe' }, wa_id: '16505551234' }],
      messages: [{ from: '16505551234', id, timestamp: String(timestamp), type: 'text', text: { body: 'Do you ship to Canada?' } }],
    },
  };
}

function statuses(phoneNumberId: string, list: Array<{ id: string; status: string; timestamp?: number }>) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      statuses: list.map((s) => ({
        id: s.id,
        status: s.status,
        timestamp: String(s.timestamp ?? day1 + 60),
        recipient_id: '16505551234',
        ...(s.status === 'sent' ? { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } } : {}),
      })),
    },
  };
}

async function counts(phoneNumberId: string) {
  const rows = await db().select().from(messageDailyCounts).where(eq(messageDailyCounts.phoneNumberId, phoneNumberId));
  return Object.fromEntries(rows.map(({ day, inbound, sent, delivered, read, failed }) => [day, { inbound, sent, delivered, read, failed }]));
}

async function statusOf(messageId: string) {
  const [row] = await db().select().from(messageStatuses).where(eq(messageStatuses.messageId, messageId));
  return row?.status;
}

const zero = { inbound: 0, sent: 0, delivered: 0, read: 0, failed: 0 };

describe('messages', () => {
  it('counts inbound messages per number and UTC day, without keeping bodies', async () => {
    const phone = metaId('1');
    const events = await deliver(wabaId, [inbound(phone, 'wamid.A1'), inbound(phone, 'wamid.A2'), inbound(phone, 'wamid.A3', day2 + 5)]);
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed', 'processed']);
    expect(await counts(phone)).toEqual({
      '2026-01-01': { ...zero, inbound: 2 },
      '2026-01-02': { ...zero, inbound: 1 },
    });
    const stored = await db().select().from(messageStatuses).where(eq(messageStatuses.phoneNumberId, phone));
    expect(JSON.stringify(stored)).not.toContain('Canada');
  });

  it('counts a duplicate delivery once, even when Meta batches it differently', async () => {
    const phone = metaId('1');
    const change = inbound(phone, 'wamid.DUP');
    await deliver(wabaId, [change]);
    await deliver(wabaId, [change]);
    // The same message inside a different batch is a different change, but the same message.
    await deliver(wabaId, [change, inbound(phone, 'wamid.OTHER')]);
    expect(await counts(phone)).toEqual({ '2026-01-01': { ...zero, inbound: 2 } });
  });

  it('does not double count on replay', async () => {
    const phone = metaId('1');
    const events = await deliver(wabaId, [
      inbound(phone, 'wamid.R1'),
      statuses(phone, [
        { id: 'wamid.OUT1', status: 'sent' },
        { id: 'wamid.OUT1', status: 'delivered' },
      ]),
    ]);
    await replayChanges(events.map((e) => e.id));
    await replayChanges(events.map((e) => e.id));
    expect(await counts(phone)).toEqual({ '2026-01-01': { ...zero, inbound: 1, sent: 1, delivered: 1 } });
  });

  it('keeps the furthest status when statuses arrive out of order', async () => {
    const phone = metaId('1');
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.O1', status: 'read', timestamp: day1 + 90 }])]);
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.O1', status: 'delivered', timestamp: day1 + 80 }])]);
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.O1', status: 'sent', timestamp: day1 + 70 }])]);
    expect(await statusOf('wamid.O1')).toBe('read');
    expect(await counts(phone)).toEqual({ '2026-01-01': { ...zero, sent: 1, delivered: 1, read: 1 } });

    // played is read-level: counted once with read, and never moved back.
    await deliver(wabaId, [
      statuses(phone, [
        { id: 'wamid.V1', status: 'played' },
        { id: 'wamid.V1', status: 'read' },
      ]),
    ]);
    expect(await statusOf('wamid.V1')).toBe('played');
    expect((await counts(phone))['2026-01-01']!.read).toBe(2);
  });

  it('treats failed as terminal and keeps unknown statuses as text', async () => {
    const phone = metaId('1');
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.F1', status: 'failed' }])]);
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.F1', status: 'delivered', timestamp: day1 + 120 }])]);
    expect(await statusOf('wamid.F1')).toBe('failed');
    await deliver(wabaId, [statuses(phone, [{ id: 'wamid.U1', status: 'deleted' }])]);
    expect(await statusOf('wamid.U1')).toBe('deleted');
    expect(await counts(phone)).toEqual({ '2026-01-01': { ...zero, failed: 1, delivered: 1 } });
  });

  it('marks a change without metadata failed, and an unknown field unhandled', async () => {
    const [bad] = await deliver(wabaId, [{ field: 'messages', value: { messaging_product: 'whatsapp', statuses: [] } }]);
    expect(bad!.status).toBe('failed');
    expect(bad!.lastError).toMatch(/Invalid messages status payload: metadata/);
    const [unknown] = await deliver(wabaId, [{ field: 'calls', value: { calls: [{ id: 'x' }] } }]);
    expect(unknown!.status).toBe('unhandled');
  });

  it('processes a batch of 1000 statuses in one change', async () => {
    const phone = metaId('1');
    const list = Array.from({ length: 1000 }, (_, i) => ({ id: `wamid.B${i}`, status: i % 2 ? 'delivered' : 'sent' }));
    const incoming = changesOf(envelope(wabaId, [statuses(phone, list)]));
    await storeChanges(incoming);
    await processPending();
    const [event] = await db().select().from(webhookEvents).where(eq(webhookEvents.dedupeKey, incoming[0]!.dedupeKey));
    expect(event!.status).toBe('processed');
    expect(await counts(phone)).toEqual({ '2026-01-01': { ...zero, sent: 500, delivered: 500 } });
  });
});

describe('messages in batches', () => {
  // Each message gets some of its statuses, several of them twice, all shuffled across many changes.
  function traffic(phone: string, messages: number) {
    const changes: ReturnType<typeof statuses>[] = [];
    const expected = { ...zero };
    for (let m = 0; m < messages; m++) {
      const id = `wamid.BATCH${phone}.${m}`;
      const path = m % 5 === 0 ? ['sent', 'failed'] : m % 3 === 0 ? ['sent', 'delivered', 'read', 'played'] : ['sent', 'delivered'];
      expected.sent += 1;
      if (path.includes('delivered')) expected.delivered += 1;
      if (path.includes('read')) expected.read += 1;
      if (path.includes('failed')) expected.failed += 1;
      for (const status of [...path, path[path.length - 1]!]) changes.push(statuses(phone, [{ id, status }]));
    }
    for (let i = changes.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [changes[i], changes[j]] = [changes[j]!, changes[i]!];
    }
    return { changes, expected };
  }

  it('counts a shuffled batch of hundreds of statuses exactly as change by change would', async () => {
    const phone = metaId('1');
    const { changes, expected } = traffic(phone, 150);
    await storeChanges(changesOf(envelope(wabaId, changes)));
    await processPending();
    expect(await counts(phone)).toEqual({ '2026-01-01': expected });
    expect(await statusOf(`wamid.BATCH${phone}.0`)).toBe('failed');
    expect(await statusOf(`wamid.BATCH${phone}.3`)).toBe('played');
    expect(await statusOf(`wamid.BATCH${phone}.1`)).toBe('delivered');
  });

  it('two workers draining the same backlog at once count every status once', async () => {
    const phone = metaId('1');
    const { changes, expected } = traffic(phone, 300);
    await storeChanges(changesOf(envelope(wabaId, changes)));
    await Promise.all([processPending(), processPending()]);
    expect(await counts(phone)).toEqual({ '2026-01-01': expected });
    const left = await db().select().from(webhookEvents).where(eq(webhookEvents.status, 'received'));
    expect(left).toEqual([]);
  });

  it('a malformed change in a batch fails alone; the rest of the batch is counted', async () => {
    const phone = metaId('1');
    const good = [statuses(phone, [{ id: 'wamid.GOOD1', status: 'sent' }]), statuses(phone, [{ id: 'wamid.GOOD2', status: 'sent' }])];
    const bad = { field: 'messages', value: { messaging_product: 'whatsapp', statuses: [{ id: 'wamid.NOPHONE', status: 'sent' }] } };
    const incoming = changesOf(envelope(wabaId, [good[0]!, bad, good[1]!]));
    await storeChanges(incoming);
    await processPending();
    expect((await counts(phone))['2026-01-01']).toMatchObject({ sent: 2 });
    const [failed] = await db().select().from(webhookEvents).where(eq(webhookEvents.dedupeKey, incoming[1]!.dedupeKey));
    expect(failed).toMatchObject({ status: 'failed', lastError: expect.stringContaining('metadata') });
  });
});
