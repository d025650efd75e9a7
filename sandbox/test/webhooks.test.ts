import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import { PARTNER_BUSINESS_ID, client, onboard, startReceiver, startTestSandbox, waitFor } from './helpers';
import { envelopeSchema, errorEnvelopeSchema, webhookValueSchemas } from './schemas';

let sb: RunningSandbox;
let c: ReturnType<typeof client>;
let receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

const fast = { batchSize: 100, batchWindowMs: 0, retryDelaysMs: [30, 60, 90], duplicateRate: 0, reorder: false, timeoutMs: 2000 };

beforeAll(async () => {
  sb = await startTestSandbox();
  c = client(sb);
});
afterAll(async () => sb.close());
beforeEach(async () => {
  await c.control('POST', '/reset', { scenario: 'demo' });
  await c.control('PATCH', '/config', { webhooks: fast, webhookUrl: null });
});
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(opts: Parameters<typeof startReceiver>[0] = {}) {
  const r = await startReceiver(opts);
  receivers.push(r);
  return r;
}

function changes(bodies: { body: string }[]) {
  return bodies.flatMap((b) => envelopeSchema.parse(JSON.parse(b.body)).entry.flatMap((e) => e.changes.map((ch) => ({ entryId: e.id, ...ch }))));
}

describe('callback verification', () => {
  it('runs the GET handshake when the callback is set and refuses a URL that fails it', async () => {
    const good = await receiver();
    const r = await c.control('PATCH', '/config', { webhookUrl: good.url });
    expect(r.body.webhookVerified).toBe('verified');
    expect(good.handshakes[0]?.get('hub.mode')).toBe('subscribe');
    expect(good.handshakes[0]?.get('hub.verify_token')).toBe('sandbox-verify-token');
    const bad = await receiver({ verifyToken: 'something-else' });
    expect((await c.control('PATCH', '/config', { webhookUrl: bad.url })).status).toBe(400);
    expect((await c.control('GET', '/config')).body.webhookUrl).toBe(good.url);
  });
  it('verifies override URLs with their verify token (2200 when it fails)', async () => {
    const app = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: app.url });
    const o = await onboard(sb);
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    const tenant = await receiver({ verifyToken: 'tenant-secret' });
    const wrong = await c.post(`/${o.wabaId}/subscribed_apps`, o.token, { override_callback_uri: tenant.url, verify_token: 'nope' });
    expect(errorEnvelopeSchema.parse(wrong.body).error.code).toBe(2200);
    expect((await c.post(`/${o.wabaId}/subscribed_apps`, o.token, { override_callback_uri: tenant.url, verify_token: 'tenant-secret' })).status).toBe(200);
    expect(tenant.handshakes.map((h) => h.get('hub.verify_token'))).toEqual(['nope', 'tenant-secret']);
    // Overrides take message fields; account_update always goes to the app's URL (Meta: Override callback URL).
    await c.control('POST', '/webhooks/trigger', { field: 'messages', wabaId: o.wabaId });
    await c.control('POST', '/webhooks/trigger', { field: 'account_update', variant: 'ACCOUNT_VIOLATION', wabaId: o.wabaId });
    await c.control('POST', '/webhooks/flush');
    expect(changes(tenant.received).map((ch) => ch.field)).toEqual(['messages']);
    expect(changes(app.received).map((ch) => ch.field)).toContain('account_update');
    expect(changes(app.received).map((ch) => ch.field)).not.toContain('messages');
  });
});

describe('deliveries', () => {
  it('a signup fires PARTNER_ADDED, PARTNER_APP_INSTALLED and business_capability_update, signed over the exact bytes', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb);
    await sb.webhooksIdle();
    await waitFor(() => r.received.length >= 1);
    expect(r.received.every((x) => x.signatureOk)).toBe(true);
    expect(r.received[0]?.headers['content-type']).toBe('application/json');
    const got = changes(r.received);
    expect(got.map((ch) => [ch.field, ch.value.event])).toEqual([
      ['account_update', 'PARTNER_ADDED'],
      ['account_update', 'PARTNER_APP_INSTALLED'],
      ['business_capability_update', undefined],
    ]);
    for (const ch of got) webhookValueSchemas[ch.field]?.parse(ch.value);
    expect(got[0]?.entryId).toBe(o.wabaId);
    expect(got[1]?.value).toMatchObject({ waba_info: { waba_id: o.wabaId, owner_business_id: o.businessId, partner_app_id: '1000000000000001' } });
  });
  it('MPS signups carry solution fields and the partner portfolio as entry.id', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb, { extras: { setup: { solutionID: '7000000000000001' } } });
    await c.control('POST', '/webhooks/flush');
    const installed = changes(r.received).find((ch) => ch.value.event === 'PARTNER_APP_INSTALLED');
    expect(installed?.entryId).toBe(PARTNER_BUSINESS_ID);
    expect(installed?.value).toMatchObject({
      waba_info: { waba_id: o.wabaId, solution_id: '7000000000000001', solution_partner_business_ids: ['2000000000000002', PARTNER_BUSINESS_ID] },
    });
  });
  it('every field of the seed table can be triggered with a payload matching its schema', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb, {
      extras: { featureType: 'whatsapp_business_app_onboarding' },
      person: { personId: '8000000000000004' },
      business: { businessId: '2100000000000004' },
    });
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    const fields = (await c.control('GET', '/webhooks/fields')).body.fields as { field: string; variants: string[] }[];
    expect(fields).toHaveLength(19);
    let expected = 0;
    for (const f of fields) {
      for (const variant of f.variants) {
        const t = await c.control('POST', '/webhooks/trigger', { field: f.field, variant, ...(f.field === 'partner_solutions' ? {} : { wabaId: o.wabaId }) });
        expect(t.status, `${f.field}/${variant}`).toBe(202);
        expect(t.body.not_sent, `${f.field}/${variant}`).toEqual([]);
        expected++;
      }
    }
    await c.control('POST', '/webhooks/flush');
    await sb.webhooksIdle();
    const got = changes(r.received);
    expect(got.length).toBeGreaterThanOrEqual(expected);
    for (const ch of got) {
      const schema = webhookValueSchemas[ch.field];
      expect(schema, ch.field).toBeDefined();
      schema?.parse(ch.value);
      expect(ch.entryId).toBe(ch.field === 'partner_solutions' ? PARTNER_BUSINESS_ID : o.wabaId);
    }
    expect(new Set(got.map((ch) => ch.field)).size).toBe(19);
  });
  it('message fields need the app subscribed to the WABA; the log says why not', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb);
    const t = await c.control('POST', '/webhooks/trigger', { field: 'messages', wabaId: o.wabaId });
    expect(t.body.not_sent[0]).toMatch(/not subscribed/);
  });
  it('non-ASCII is escaped as \\uXXXX and the signature covers those bytes', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb);
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    await c.control('POST', '/webhooks/trigger', {
      field: 'messages',
      wabaId: o.wabaId,
      value: { contacts: [{ profile: { name: 'Zoë Ñandú' }, wa_id: '16505551234' }] },
    });
    await c.control('POST', '/webhooks/flush');
    const last = r.received.at(-1);
    expect(last?.body).toContain('Zo\\u00eb \\u00d1and\\u00fa');
    expect(last?.signatureOk).toBe(true);
  });
});

describe('batching, retries, duplicates and ordering', () => {
  it('batches up to batchSize changes per POST', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url, webhooks: { ...fast, batchSize: 3 } });
    await onboard(sb);
    await c.control('POST', '/webhooks/flush');
    r.received.length = 0;
    await c.control('POST', '/webhooks/trigger', { field: 'account_review_update', count: 10 });
    await c.control('POST', '/webhooks/flush');
    await waitFor(() => r.received.length === 4);
    expect(r.received.map((x) => changes([x]).length)).toEqual([3, 3, 3, 1]);
    const log = (await c.control('GET', '/webhooks/deliveries')).body.data.filter((d: { fields: string[] }) => d.fields.includes('account_review_update'));
    expect(log.map((d: { changeCount: number }) => d.changeCount)).toEqual([3, 3, 3, 1]);
    expect(log.every((d: { state: string; attempts: { status: number }[] }) => d.state === 'delivered' && d.attempts[0]?.status === 200)).toBe(true);
  });
  it('a receiver answering 500 gets retries with backoff until it answers 200', async () => {
    const r = await receiver({ status: (n) => (n < 2 ? 500 : 200) });
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    await c.control('POST', '/webhooks/trigger', { field: 'partner_solutions' });
    await waitFor(() => r.received.length >= 3, 3000);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    const [first, second, third] = r.received.map((x) => x.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(25);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(55);
    await waitFor(() => (sb.sandbox.state.deliveries.at(-1)?.state ?? '') === 'delivered');
    const log = (await c.control('GET', '/webhooks/deliveries')).body.data.at(-1);
    expect(log.attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 200]);
  });
  it('a receiver that keeps failing is dropped after the retry schedule', async () => {
    const r = await receiver({ status: () => 503 });
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    await c.control('POST', '/webhooks/trigger', { field: 'partner_solutions' });
    await waitFor(() => sb.sandbox.state.deliveries.at(-1)?.state === 'dropped', 3000);
    expect(r.received).toHaveLength(4);
  });
  it('retries follow the sandbox clock too (advance skips the wait)', async () => {
    const r = await receiver({ status: (n) => (n < 1 ? 500 : 200) });
    await c.control('PATCH', '/config', { webhookUrl: r.url, webhooks: { ...fast, retryDelaysMs: [3600_000] } });
    await c.control('POST', '/webhooks/trigger', { field: 'partner_solutions' });
    await waitFor(() => r.received.length === 1);
    await c.control('POST', '/clock/advance', { seconds: 3601 });
    await waitFor(() => r.received.length === 2);
  });
  it('duplicates appear when enabled', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url, webhooks: { ...fast, duplicateRate: 1 } });
    await c.control('POST', '/webhooks/trigger', { field: 'partner_solutions' });
    await waitFor(() => r.received.length === 2);
    expect(r.received[0]?.body).toBe(r.received[1]?.body);
    const log = (await c.control('GET', '/webhooks/deliveries')).body.data;
    expect(log.at(-1).duplicateOf).toBe(log.at(-2).id);
  });
  it('order is kept by default and shuffled when reordering is enabled', async () => {
    const run = async (reorder: boolean) => {
      const r = await receiver();
      await c.control('PATCH', '/config', { webhookUrl: r.url, webhooks: { ...fast, batchSize: 1, batchWindowMs: 300, reorder } });
      for (let i = 0; i < 12; i++) await c.control('POST', '/webhooks/trigger', { field: 'partner_solutions', value: { sandbox_seq: i } });
      await c.control('POST', '/webhooks/flush');
      await waitFor(() => r.received.length === 12);
      return changes(r.received).map((ch) => ch.value.sandbox_seq as number);
    };
    const ordered = await run(false);
    expect(ordered).toEqual([...Array(12).keys()]);
    const shuffled = await run(true);
    expect([...shuffled].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(shuffled).not.toEqual([...Array(12).keys()]);
  });
});

describe('decisions fire their webhooks', () => {
  it('a partner-led verification outcome: PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE and a capability update', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb);
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    const form = new FormData();
    form.set('end_business_id', o.businessId);
    form.append('business_documents[]', new Blob([Buffer.from('%PDF')], { type: 'application/pdf' }), 'doc.pdf');
    const { call } = await import('./helpers');
    await call(sb.url, 'POST', `/${PARTNER_BUSINESS_ID}/self_certify_whatsapp_business`, { token: 'sandbox-system-token', body: form });
    const subs = (await c.get(`/${PARTNER_BUSINESS_ID}/self_certified_whatsapp_business_submissions`, 'sandbox-system-token')).body.data;
    await c.control('POST', `/business-verification/${subs[0].id}/decision`, { status: 'APPROVED' });
    await c.control('POST', '/webhooks/flush');
    const got = changes(r.received);
    const cert = got.find((ch) => ch.value.event === 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE');
    expect(cert?.value).toEqual({
      event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
      partner_client_certification_info: { client_business_id: o.businessId, status: 'APPROVED', rejection_reasons: ['NONE'] },
    });
    expect(got.filter((ch) => ch.field === 'business_capability_update').at(-1)?.value).toEqual({
      max_daily_conversations_per_business: 'TIER_2K',
      max_phone_numbers_per_waba: 25,
    });
  });
  it('display name, WABA review and partner removal', async () => {
    const r = await receiver();
    await c.control('PATCH', '/config', { webhookUrl: r.url });
    const o = await onboard(sb);
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    await c.control('POST', `/phone-numbers/${o.phoneId}/display-name-decision`, { decision: 'REJECTED', rejection_reason: 'NAME_NOT_CONSISTENT' });
    await c.control('POST', `/wabas/${o.wabaId}/review-decision`, { decision: 'APPROVED' });
    await c.control('POST', `/wabas/${o.wabaId}/remove-partner`);
    await c.control('POST', '/webhooks/flush');
    const got = changes(r.received);
    const name = got.find((ch) => ch.field === 'phone_number_name_update');
    expect(name?.value).toMatchObject({ decision: 'REJECTED', rejection_reason: 'NAME_NOT_CONSISTENT' });
    webhookValueSchemas.phone_number_name_update?.parse(name?.value);
    expect(got.find((ch) => ch.field === 'account_review_update')?.value).toEqual({ decision: 'APPROVED' });
    expect(got.find((ch) => ch.value.event === 'PARTNER_REMOVED')?.value).toMatchObject({ waba_info: { waba_id: o.wabaId } });
    expect((await c.get(`/${o.wabaId}`, o.token)).status).toBe(400);
  });
});
