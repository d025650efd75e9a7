import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import { APP_ID, APP_SECRET, CREDIT_LINE_ID, SYSTEM_TOKEN, SYSTEM_USER_ID, client, onboard, startReceiver, startTestSandbox } from './helpers';
import {
  appSubscriptionsSchema,
  businessProfileSchema,
  conversationAnalyticsSchema,
  messagingAnalyticsSchema,
  pricingAnalyticsSchema,
  sendMessageSchema,
  statusValueSchema,
  templateCategoryValueSchema,
  templateCreatedSchema,
  templateListSchema,
  templateQualityValueSchema,
  templateStatusValueSchema,
} from './platform-schemas';
import { envelopeSchema, errorEnvelopeSchema, successSchema, webhookValueSchemas } from './schemas';

let sb: RunningSandbox;
let c: ReturnType<typeof client>;
let hook: Awaited<ReturnType<typeof startReceiver>>;

const CUSTOMER = '16505551234';
const fast = { batchSize: 100, batchWindowMs: 0, retryDelaysMs: [30], duplicateRate: 0, reorder: false, timeoutMs: 2000 };

beforeAll(async () => {
  sb = await startTestSandbox();
  c = client(sb);
});
afterAll(async () => sb.close());
beforeEach(async () => {
  hook = await startReceiver();
  await c.control('POST', '/reset', { scenario: 'demo' });
  await c.control('PATCH', '/config', { webhooks: fast, webhookUrl: hook.url, messaging: { deliverAfterSeconds: 1, readAfterSeconds: 2 } });
});
afterEach(async () => hook.close());

/** A customer onboarded, subscribed and registered: ready to message. */
async function ready() {
  const o = await onboard(sb);
  await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
  const reg = await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '123456' });
  expect(reg.status).toBe(200);
  return { ...o, phoneId: o.phoneId as string };
}

function changes(field: string) {
  return hook.received.flatMap((r) => envelopeSchema.parse(JSON.parse(r.body)).entry.flatMap((e) => e.changes)).filter((ch) => ch.field === field);
}

async function settle(seconds = 0) {
  if (seconds > 0) await c.control('POST', '/clock/advance', { seconds });
  await c.control('POST', '/webhooks/flush');
  await sb.webhooksIdle();
}

function statuses() {
  return changes('messages')
    .filter((ch) => 'statuses' in ch.value)
    .flatMap((ch) => statusValueSchema.parse(ch.value).statuses);
}

const text = (body: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER, type: 'text', text: { body } });

describe('POST /{phone-number-id}/messages (Meta: Send messages)', () => {
  it('a text outside the customer service window is accepted, then fails with 131047 in the status webhook', async () => {
    const o = await ready();
    const r = await c.post(`/${o.phoneId}/messages`, o.token, text('Hello'));
    expect(r.status).toBe(200);
    const sent = sendMessageSchema.parse(r.body);
    await settle();
    const failed = statuses().find((s) => s.id === sent.messages[0]?.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.errors?.[0]?.code).toBe(131047);
  });

  it('an inbound message opens the window: the reply goes sent → delivered → read, free of charge', async () => {
    const o = await ready();
    const inbound = await c.control('POST', `/phone-numbers/${o.phoneId}/inbound`, { from: CUSTOMER, name: 'Jane Doe', text: 'Do you ship to Canada?' });
    expect(inbound.status).toBe(201);
    await settle();
    const incoming = changes('messages').find((ch) => 'messages' in ch.value);
    expect(webhookValueSchemas.messages?.parse(incoming?.value)).toBeTruthy();
    const r = await c.post(`/${o.phoneId}/messages`, o.token, { ...text('Yes, we do.'), biz_opaque_callback_data: 'ticket-7' });
    const id = sendMessageSchema.parse(r.body).messages[0]?.id;
    await settle();
    await settle(1);
    await settle(2);
    const mine = statuses().filter((s) => s.id === id);
    expect(mine.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(mine[0]?.pricing).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
    expect(mine[0]?.biz_opaque_callback_data).toBe('ticket-7');
    // Mark the customer's message as read (Meta: Mark messages as read).
    const read = await c.post(`/${o.phoneId}/messages`, o.token, { messaging_product: 'whatsapp', status: 'read', message_id: inbound.body.id });
    expect(successSchema.parse(read.body)).toEqual({ success: true });
  });

  it("refuses numbers that are not registered (133010) with Meta's (#code) message", async () => {
    const o = await onboard(sb);
    const r = await c.post(`/${o.phoneId}/messages`, o.token, text('Hi'));
    const e = errorEnvelopeSchema.parse(r.body).error;
    expect(e.code).toBe(133010);
    expect(e.message).toMatch(/^\(#133010\) /);
    expect(e.error_data?.details).toBeTruthy();
  });

  it('validates the request: messaging_product, to, text.body, unsupported types', async () => {
    const o = await ready();
    expect(
      errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, { to: CUSTOMER, type: 'text', text: { body: 'x' } })).body).error.code,
    ).toBe(100);
    expect(
      errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } })).body)
        .error.code,
    ).toBe(100);
    expect(errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, { ...text(''), text: {} })).body).error.code).toBe(100);
    expect(errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, { ...text('x'), type: 'sticker' })).body).error.code).toBe(100);
  });

  it('a Measurement Partner (read-only grant) cannot send (200)', async () => {
    const o = await ready();
    const mp = await onboard(sb, {
      configId: '5000000000000002',
      person: { personId: '8000000000000002' },
      business: { businessId: '2100000000000002' },
      waba: { wabaId: '2200000000000002' },
    });
    expect(errorEnvelopeSchema.parse((await c.post(`/2300000000000002/messages`, mp.token, text('x'))).body).error.code).toBe(200);
    expect(o.phoneId).toBeTruthy();
  });
});

describe('/{waba-id}/message_templates (Meta: Templates)', () => {
  const body = { name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Your order {{1}} ships {{2}}.' }] };
  const send = (name: string, params: string[]) => ({
    messaging_product: 'whatsapp',
    to: CUSTOMER,
    type: 'template',
    template: { name, language: { code: 'en_US' }, components: [{ type: 'body', parameters: params.map((t) => ({ type: 'text', text: t })) }] },
  });

  it('create → PENDING; sending waits for approval; approval fires the status webhook; sends are accepted and billed', async () => {
    const o = await ready();
    const created = templateCreatedSchema.parse((await c.post(`/${o.wabaId}/message_templates`, o.token, body)).body);
    expect(created).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    const duplicate = errorEnvelopeSchema.parse((await c.post(`/${o.wabaId}/message_templates`, o.token, body)).body).error;
    expect(duplicate).toMatchObject({ code: 100, error_subcode: 2388024 });
    expect(errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, send('order_update', ['#1', 'today']))).body).error.code).toBe(132001);
    expect((await c.control('POST', `/templates/${created.id}/decision`, { event: 'APPROVED' })).status).toBe(200);
    expect((await c.control('POST', `/templates/${created.id}/decision`, { event: 'APPROVED' })).status).toBe(409);
    await settle();
    const update = templateStatusValueSchema.parse(changes('message_template_status_update')[0]?.value);
    expect(update).toMatchObject({ event: 'APPROVED', message_template_id: Number(created.id), message_template_name: 'order_update' });
    expect(errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, send('order_update', ['#1']))).body).error.code).toBe(132000);
    // No credit line on the Solution Partner's customer yet: Meta fails the paid message with 131042.
    const unpaid = sendMessageSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, send('order_update', ['#1', 'today']))).body);
    await settle();
    expect(statuses().find((s) => s.id === unpaid.messages[0]?.id)?.errors?.[0]?.code).toBe(131042);
    await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, undefined, { user: SYSTEM_USER_ID, tasks: "['MANAGE']" });
    expect(
      (await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: o.wabaId, waba_currency: 'USD' })).status,
    ).toBe(200);
    const r = sendMessageSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, send('order_update', ['#1', 'today']))).body);
    expect(r.messages[0]?.message_status).toBe('accepted');
    await settle();
    await settle(1);
    const mine = statuses().filter((s) => s.id === r.messages[0]?.id);
    expect(mine[0]?.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
    const list = templateListSchema.parse((await c.get(`/${o.wabaId}/message_templates`, o.token)).body);
    expect(list.data.map((t) => [t.name, t.status])).toEqual([['order_update', 'APPROVED']]);
  });

  it('rejection, quality and category changes fire their webhooks; paused templates refuse sends (132015); delete', async () => {
    const o = await ready();
    const a = templateCreatedSchema.parse((await c.post(`/${o.wabaId}/message_templates`, o.token, body)).body);
    const b = templateCreatedSchema.parse(
      (await c.post(`/${o.wabaId}/message_templates`, o.token, { ...body, name: 'spring_sale', category: 'MARKETING' })).body,
    );
    await c.control('POST', `/templates/${b.id}/decision`, { event: 'REJECTED', reason: 'PROMOTIONAL' });
    await c.control('POST', `/templates/${a.id}/decision`, { event: 'APPROVED' });
    await c.control('POST', `/templates/${a.id}/quality`, { score: 'RED' });
    await c.control('POST', `/templates/${a.id}/category`, { category: 'MARKETING' });
    await c.control('POST', `/templates/${a.id}/decision`, { event: 'PAUSED' });
    await settle();
    const events = changes('message_template_status_update').map((ch) => templateStatusValueSchema.parse(ch.value));
    expect(events.map((e) => [e.event, e.reason])).toEqual([
      ['REJECTED', 'PROMOTIONAL'],
      ['APPROVED', 'NONE'],
      ['PAUSED', 'NONE'],
    ]);
    expect(templateQualityValueSchema.parse(changes('message_template_quality_update')[0]?.value).new_quality_score).toBe('RED');
    expect(templateCategoryValueSchema.parse(changes('template_category_update')[0]?.value)).toMatchObject({
      previous_category: 'UTILITY',
      new_category: 'MARKETING',
    });
    expect(errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/messages`, o.token, send('order_update', ['#1', 'today']))).body).error.code).toBe(132015);
    const filtered = templateListSchema.parse(
      (await c.get(`/${o.wabaId}/message_templates`, o.token, { status: 'REJECTED', fields: 'name,status,category,language,components' })).body,
    );
    expect(filtered.data.map((t) => t.name)).toEqual(['spring_sale']);
    expect(successSchema.parse((await c.del(`/${o.wabaId}/message_templates`, o.token, { name: 'spring_sale' })).body)).toEqual({ success: true });
    expect(errorEnvelopeSchema.parse((await c.del(`/${o.wabaId}/message_templates`, o.token, { name: 'spring_sale' })).body).error.code).toBe(100);
  });
});

describe('/{phone-number-id}/whatsapp_business_profile (Meta: Business Profiles)', () => {
  it('reads, updates and validates the profile', async () => {
    const o = await ready();
    expect(businessProfileSchema.parse((await c.get(`/${o.phoneId}/whatsapp_business_profile`, o.token)).body).data[0]).toEqual({
      messaging_product: 'whatsapp',
      vertical: 'UNDEFINED',
    });
    const update = {
      messaging_product: 'whatsapp',
      about: 'Fresh bread daily',
      email: 'hi@bakery.example',
      vertical: 'RETAIL',
      websites: ['https://bakery.example'],
    };
    expect((await c.post(`/${o.phoneId}/whatsapp_business_profile`, o.token, update)).status).toBe(200);
    const read = businessProfileSchema.parse(
      (await c.get(`/${o.phoneId}/whatsapp_business_profile`, o.token, { fields: 'about,email,vertical,websites' })).body,
    );
    expect(read.data[0]).toEqual({
      about: 'Fresh bread daily',
      email: 'hi@bakery.example',
      vertical: 'RETAIL',
      websites: ['https://bakery.example'],
      messaging_product: 'whatsapp',
    });
    expect(
      errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/whatsapp_business_profile`, o.token, { ...update, vertical: 'BAKERY' })).body).error.code,
    ).toBe(100);
    expect(
      errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/whatsapp_business_profile`, o.token, { ...update, about: 'x'.repeat(140) })).body).error.code,
    ).toBe(100);
  });
});

describe('WABA analytics fields (Meta: Analytics)', () => {
  it('derives messaging, conversation and pricing analytics from the messages sent', async () => {
    const o = await ready();
    await c.control('POST', `/phone-numbers/${o.phoneId}/inbound`, { from: CUSTOMER, text: 'Hi' });
    for (const t of ['one', 'two']) await c.post(`/${o.phoneId}/messages`, o.token, text(t));
    await settle();
    await settle(1);
    const now = Math.floor(sb.sandbox.clock.now() / 1000);
    const range = `.start(${now - 86400}).end(${now + 3600})`;
    const messaging = messagingAnalyticsSchema.parse((await c.get(`/${o.wabaId}`, o.token, { fields: `analytics${range}.granularity(DAY)` })).body);
    expect(messaging.analytics.data_points.reduce((n, p) => n + p.sent, 0)).toBe(2);
    expect(messaging.analytics.data_points.reduce((n, p) => n + p.delivered, 0)).toBe(2);
    const pricing = pricingAnalyticsSchema.parse(
      (await c.get(`/${o.wabaId}`, o.token, { fields: `pricing_analytics${range}.granularity(DAILY).dimensions(["PRICING_CATEGORY","PRICING_TYPE"])` })).body,
    );
    expect(pricing.pricing_analytics.data[0]?.data_points).toEqual([
      expect.objectContaining({ volume: 2, cost: 0, pricing_category: 'SERVICE', pricing_type: 'FREE_CUSTOMER_SERVICE' }),
    ]);
    const conversations = conversationAnalyticsSchema.parse(
      (await c.get(`/${o.wabaId}`, o.token, { fields: `conversation_analytics${range}.granularity(DAILY).dimensions(["CONVERSATION_DIRECTION"])` })).body,
    );
    expect(conversations.conversation_analytics.data[0]?.data_points).toEqual([
      expect.objectContaining({ conversation: 1, conversation_direction: 'USER_INITIATED' }),
    ]);
    const bad = errorEnvelopeSchema.parse((await c.get(`/${o.wabaId}`, o.token, { fields: `analytics${range}.granularity(DAILY)` })).body).error;
    expect(bad.code).toBe(100);
  });
});

describe('/{app-id}/subscriptions (Meta: Application Subscriptions)', () => {
  it('lists every field by default, narrows deliveries when a field is removed, and needs the app token', async () => {
    const o = await ready();
    const token = (await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'client_credentials' })).body
      .access_token as string;
    const list = appSubscriptionsSchema.parse((await c.get(`/${APP_ID}/subscriptions`, token)).body);
    expect(list.data[0]?.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['account_update', 'messages', 'message_template_status_update', 'partner_solutions']),
    );
    expect(list.data[0]?.callback_url).toBe(hook.url);
    expect(errorEnvelopeSchema.parse((await c.get(`/${APP_ID}/subscriptions`, o.token)).body).error.code).toBe(200);
    expect(successSchema.parse((await c.del(`/${APP_ID}/subscriptions`, token, { object: 'whatsapp_business_account', fields: 'messages' })).body)).toEqual({
      success: true,
    });
    await c.control('POST', `/phone-numbers/${o.phoneId}/inbound`, { from: CUSTOMER, text: 'Hi' });
    await settle();
    expect(changes('messages')).toHaveLength(0);
    const deliveries = (await c.control('GET', '/webhooks/deliveries')).body.data as { state: string; reason?: string; fields: string[] }[];
    expect(deliveries.find((d) => d.fields.includes('messages'))?.reason).toMatch(/not subscribed to the messages field/);
    expect((await c.post(`/${APP_ID}/subscriptions`, token, { object: 'whatsapp_business_account', fields: ['messages'] })).status).toBe(200);
    await c.control('POST', `/phone-numbers/${o.phoneId}/inbound`, { from: CUSTOMER, text: 'Again' });
    await settle();
    expect(changes('messages')).toHaveLength(1);
  });
});

describe('webhook delivery limits (Meta: Webhooks overview)', () => {
  it('splits batches above the payload cap and sends the legacy sha1 signature when asked', async () => {
    const o = await ready();
    await c.control('PATCH', '/config', { webhooks: { maxPayloadBytes: 2048, legacySignature: true } });
    await c.control('POST', '/webhooks/trigger', { field: 'messages', variant: 'text', wabaId: o.wabaId, count: 20 });
    await settle();
    const posts = hook.received.filter((r) => r.body.includes('"messages"'));
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(2048);
    expect(posts.reduce((n, p) => n + envelopeSchema.parse(JSON.parse(p.body)).entry.flatMap((e) => e.changes).length, 0)).toBe(20);
    expect(posts[0]?.headers['x-hub-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(posts.every((p) => p.signatureOk)).toBe(true);
  });
});
