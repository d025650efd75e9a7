import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { vaultSecrets, webhookEvents, webhookForwardDeliveries, webhookForwards, webhookRejections } from '@/lib/db/schema';
import { failedEventIds, getEvent, listEvents, maskPayload, masked, parseEventFilter, rejectionCounters, summariseEvent } from '@/lib/webhooks/event-log';
import { createForward, deadDeliveryIds, deleteForward, listDeadDeliveries, listForwards, setForwardEnabled } from '@/lib/webhooks/forwards';
import { deliver, metaId } from '@/test/webhook-fixtures';

const t0 = 1767225600;

describe('event log queries', () => {
  it('filters by WABA, field, event, status and time, newest first, with keyset paging that skips nothing', async () => {
    const waba = metaId('2');
    const other = metaId('2');
    const reviewEvents = await deliver(
      waba,
      [
        { field: 'account_review_update', value: { decision: 'APPROVED' } },
        { field: 'account_update', value: { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: 'May 1, 2026' } } },
        { field: 'some_future_field', value: { anything: 1 } },
      ],
      t0,
    );
    expect(reviewEvents).toHaveLength(3);
    // Five more for paging, and one on another WABA that must never show up.
    for (let i = 0; i < 5; i++) await deliver(waba, [{ field: 'account_alerts', value: { entity_type: 'BUSINESS', n: i } }], t0);
    await deliver(other, [{ field: 'account_review_update', value: { decision: 'REJECTED' } }], t0);

    const all = await listEvents({ waba });
    expect(all.events).toHaveLength(8);
    expect(all.next).toBeUndefined();
    const times = all.events.map((e) => e.receivedAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEvents({ waba }, { cursor, limit: 3 });
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all.events.map((e) => e.id));

    expect((await listEvents({ waba, field: 'account_update' })).events.map((e) => e.event)).toEqual(['DISABLED_UPDATE']);
    expect((await listEvents({ waba, event: 'DISABLED_UPDATE' })).events).toHaveLength(1);
    expect((await listEvents({ waba, status: 'unhandled' })).events.map((e) => e.field)).toEqual(['some_future_field']);
    expect((await listEvents({ waba, to: new Date(Date.now() - 3600_000) })).events).toHaveLength(0);
    expect((await listEvents({ waba, from: new Date(Date.now() - 3600_000) })).events).toHaveLength(8);
  });

  it('parses filters from the query string and reports bad values without applying them', () => {
    expect(parseEventFilter({ waba: '123', field: 'account_update', status: 'failed', from: '2026-01-31T14:00' })).toEqual({
      filter: { waba: '123', field: 'account_update', status: 'failed', from: new Date('2026-01-31T14:00Z') },
      errors: [],
    });
    const bad = parseEventFilter({ waba: '12ab', status: 'lost', field: 'messages', from: 'yesterday' });
    expect(bad.filter).toEqual({ field: 'messages' });
    expect(bad.errors).toHaveLength(3);
    expect(parseEventFilter({ waba: '', event: '' }).filter).toEqual({});
  });

  it('lists failed events for a filtered replay and reads one event', async () => {
    const waba = metaId('2');
    const events = await deliver(
      waba,
      [
        { field: 'phone_number_name_update', value: { decision: 'APPROVED' } },
        { field: 'account_review_update', value: { decision: 'PENDING' } },
      ],
      t0,
    );
    const failed = events.find((e) => e.field === 'phone_number_name_update')!;
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(/display_phone_number/);
    expect(await failedEventIds({ waba })).toEqual([failed.id]);
    expect(await failedEventIds({ waba, field: 'account_review_update' })).toEqual([]);
    expect((await getEvent(failed.id))?.id).toBe(failed.id);
    expect(await getEvent('not-a-uuid')).toBeUndefined();
  });
});

describe('maskPayload', () => {
  it('masks PINs, verification codes and tokens but keeps error codes, languages and countries', () => {
    const payload = {
      pin: '123456',
      data: { verification_code: '123-456', code: '654321', access_token: 'EAAsecret', confirmation_code: 998877 },
      statuses: [{ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }],
      error: { code: 2593109, message: 'declined' },
      template: { language: { code: 'en_US' } },
      exception_countries: [{ country_code: 'ID' }],
      nested: [{ two_step_pin: 111111, note: 'keep me' }],
    };
    expect(maskPayload(payload)).toEqual({
      pin: masked,
      data: { verification_code: masked, code: masked, access_token: masked, confirmation_code: masked },
      statuses: [{ status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }],
      error: { code: 2593109, message: 'declined' },
      template: { language: { code: 'en_US' } },
      exception_countries: [{ country_code: 'ID' }],
      nested: [{ two_step_pin: masked, note: 'keep me' }],
    });
    expect(JSON.stringify(maskPayload(payload))).not.toMatch(/123456|123-456|654321|EAAsecret|998877|111111/);
  });
});

describe('summariseEvent', () => {
  it('writes one line per change', () => {
    expect(summariseEvent({ field: 'account_update', event: 'PARTNER_ADDED', value: { event: 'PARTNER_ADDED', waba_info: {} } })).toBe('PARTNER_ADDED');
    expect(
      summariseEvent({
        field: 'phone_number_name_update',
        event: null,
        value: { decision: 'APPROVED', requested_verified_name: 'Acme', display_phone_number: '1555' },
      }),
    ).toBe("Display name 'Acme' APPROVED");
    expect(
      summariseEvent({
        field: 'phone_number_name_update',
        event: null,
        value: { decision: 'REJECTED', requested_verified_name: 'ACME!!', rejection_reason: 'NAME_FORMAT_UNACCEPTABLE' },
      }),
    ).toBe("Display name 'ACME!!' REJECTED (NAME_FORMAT_UNACCEPTABLE)");
    expect(
      summariseEvent({ field: 'account_update', event: 'DISABLED_UPDATE', value: { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } } }),
    ).toBe('DISABLED_UPDATE DISABLE');
    expect(summariseEvent({ field: 'account_review_update', event: null, value: { decision: 'APPROVED' } })).toBe('Account review APPROVED');
    expect(summariseEvent({ field: 'messages', event: 'status', value: { statuses: [{ status: 'read' }, { status: 'read' }] } })).toBe(
      '2 status updates: read',
    );
    expect(summariseEvent({ field: 'brand_new_field', event: null, value: {} })).toBe('brand new field');
  });
});

describe('rejections and forwards', () => {
  it('reports every rejection reason, zero when never seen', async () => {
    const seen = new Date('2026-02-01T10:00:00Z');
    await db().insert(webhookRejections).values({ reason: 'bad_signature', count: 3, lastSeenAt: seen });
    expect(await rejectionCounters()).toEqual([
      { reason: 'bad_signature', count: 3, lastSeenAt: seen },
      { reason: 'bad_body', count: 0, lastSeenAt: null },
      { reason: 'oversize', count: 0, lastSeenAt: null },
    ]);
  });

  it('lists forwards with delivery counts, the dead letters, disables, and deletes a forward with its signing secret', async () => {
    const forward = await createForward('account_review_update', 'http://127.0.0.1:9/hook');
    const [event] = await deliver(metaId('2'), [{ field: 'account_review_update', value: { decision: 'DEFERRED' } }], t0);
    const [delivery] = await db().select().from(webhookForwardDeliveries).where(eq(webhookForwardDeliveries.eventId, event!.id));
    expect(delivery).toBeDefined();
    expect(await deadDeliveryIds([delivery!.id])).toEqual([]);
    await db()
      .update(webhookForwardDeliveries)
      .set({ status: 'dead', attempts: 8, lastError: 'connect ECONNREFUSED' })
      .where(eq(webhookForwardDeliveries.id, delivery!.id));

    expect(await listForwards()).toEqual([
      expect.objectContaining({ id: forward.id, field: 'account_review_update', enabled: true, dead: 1, pending: 0, delivered: 0 }),
    ]);
    expect(await listDeadDeliveries()).toEqual([
      expect.objectContaining({ id: delivery!.id, eventId: event!.id, url: 'http://127.0.0.1:9/hook', attempts: 8, lastError: 'connect ECONNREFUSED' }),
    ]);
    expect(await deadDeliveryIds([delivery!.id, 'nonsense'])).toEqual([delivery!.id]);

    await setForwardEnabled(forward.id, false);
    expect((await listForwards())[0]!.enabled).toBe(false);
    const [{ secretId }] = (await db().select({ secretId: webhookForwards.secretId }).from(webhookForwards).where(eq(webhookForwards.id, forward.id))) as [
      { secretId: string },
    ];
    await deleteForward(forward.id);
    expect(await db().select().from(vaultSecrets).where(eq(vaultSecrets.id, secretId))).toHaveLength(0);
    expect(await listForwards()).toEqual([]);
    expect(await db().select().from(webhookEvents).where(eq(webhookEvents.id, event!.id))).toHaveLength(1);
  });
});
