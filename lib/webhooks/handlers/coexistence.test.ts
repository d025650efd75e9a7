import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { onboardingEvents, onboardingSessions } from '@/lib/db/schema';
import { replayChanges } from '@/lib/webhooks/processing';
import { createCustomer, deliver, metaId } from '@/test/webhook-fixtures';

const t0 = 1767225600;

function metadata(phoneNumberId: string) {
  return { display_phone_number: '15550783881', phone_number_id: phoneNumberId };
}

function historyChunk(phoneNumberId: string, phase: number, chunkOrder: number, progress: number) {
  return {
    field: 'history',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      history: [
        {
          metadata: { phase, chunk_order: chunkOrder, progress },
          threads: [
            {
              id: '16505551234',
              messages: [
                {
                  from: '15550783881',
                  to: '16505551234',
                  id: `wamid.H${phase}${chunkOrder}`,
                  timestamp: String(t0 - 86400),
                  type: 'text',
                  text: { body: 'Order ready' },
                  history_context: { status: 'READ' },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

function stateSync(phoneNumberId: string, contacts: number, tag: string) {
  return {
    field: 'smb_app_state_sync',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      state_sync: Array.from({ length: contacts }, (_, i) => ({
        type: 'contact',
        action: 'add',
        contact: { full_name: `Jane ${tag}${i}`, first_name: 'Jane', phone_number: `1650555${String(i).padStart(4, '0')}` },
        metadata: { timestamp: String(t0) },
      })),
    },
  };
}

function echoes(phoneNumberId: string, ids: string[]) {
  return {
    field: 'smb_message_echoes',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      message_echoes: ids.map((id) => ({
        from: '15550783881',
        to: '16505551234',
        id,
        timestamp: String(t0),
        type: 'text',
        text: { body: 'Sent from the phone app' },
      })),
    },
  };
}

async function session(id: string) {
  const [row] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, id));
  return row!;
}

describe('coexistence sync progress', () => {
  it('keeps the highest history progress when chunks arrive out of order', async () => {
    const c = await createCustomer({ coexistence: true });
    const id = c.phone.metaPhoneNumberId;
    await deliver(c.waba.metaWabaId, [historyChunk(id, 0, 2, 60)]);
    await deliver(c.waba.metaWabaId, [historyChunk(id, 0, 1, 30)]);
    expect((await session(c.session.id)).historyProgress).toBe(60);
    await deliver(c.waba.metaWabaId, [historyChunk(id, 1, 1, 100)]);
    expect((await session(c.session.id)).historyProgress).toBe(100);
    const facts = await db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, c.session.id));
    expect(facts.filter((f) => f.type === 'coexistence.history')).toHaveLength(3);
    expect(JSON.stringify(facts)).not.toContain('Order ready');
  });

  it('records declined history (2593109)', async () => {
    const c = await createCustomer({ coexistence: true });
    const [event] = await deliver(
      c.waba.metaWabaId,
      [
        {
          field: 'history',
          value: {
            messaging_product: 'whatsapp',
            metadata: metadata(c.phone.metaPhoneNumberId),
            history: [{ errors: [{ code: 2593109, title: 'History sync is turned off by the business' }] }],
          },
        },
      ],
      t0,
    );
    await replayChanges([event!.id]);
    const row = await session(c.session.id);
    expect(row.historyDeclinedAt?.toISOString()).toBe(new Date(t0 * 1000).toISOString());
    expect(row.historyProgress).toBeNull();
  });

  it('counts synced contacts and echoes once per event, across duplicates and replays', async () => {
    const c = await createCustomer({ coexistence: true });
    const id = c.phone.metaPhoneNumberId;
    const first = stateSync(id, 3, 'a');
    const events = await deliver(c.waba.metaWabaId, [first, stateSync(id, 2, 'b'), echoes(id, ['wamid.E1', 'wamid.E2'])]);
    await deliver(c.waba.metaWabaId, [first]);
    await replayChanges(events.map((e) => e.id));
    expect(await session(c.session.id)).toMatchObject({ contactsSynced: 5, echoesSeen: 2 });
    const facts = await db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, c.session.id));
    expect(JSON.stringify(facts)).not.toContain('Jane');
  });

  it('processes changes for a number without an onboarding', async () => {
    const events = await deliver(metaId('2'), [stateSync(metaId('1'), 1, 'x'), historyChunk(metaId('1'), 0, 1, 10)]);
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed']);
  });
});
