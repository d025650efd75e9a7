import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import { APP_ID, APP_SECRET, CREDIT_LINE_ID, PARTNER_BUSINESS_ID, SYSTEM_TOKEN, V, client, onboard, startTestSandbox } from './helpers';
import { appUsageHeaderSchema, batchReplySchema, businessUseCaseHeaderSchema } from './platform-schemas';
import { debugTokenSchema, errorEnvelopeSchema, phoneListSchema, wabaSchema } from './schemas';

// General Graph mechanics real clients rely on (Meta: Graph API, Using the Graph API; Batch
// Requests; Field expansion; Rate Limits; Platform Versioning; Handling errors).

let sb: RunningSandbox;
let c: ReturnType<typeof client>;

beforeAll(async () => {
  sb = await startTestSandbox();
  c = client(sb);
});
afterAll(async () => sb.close());
beforeEach(async () => {
  await c.control('POST', '/reset', { scenario: 'demo' });
});

async function withNumbers(count: number) {
  const o = await onboard(sb);
  for (let i = 0; i < count; i++)
    await c.post(`/${o.wabaId}/phone_numbers`, o.token, { cc: '1', phone_number: `55501200${10 + i}`, verified_name: 'Paging Test' });
  return o;
}

const raw = (path: string, init?: RequestInit) => fetch(new URL(path, sb.url), init);

describe('paging', () => {
  it('paging.next and paging.previous are full URLs that work verbatim (the token rides along)', async () => {
    const o = await withNumbers(2);
    const first = phoneListSchema.parse((await c.get(`/${o.wabaId}/phone_numbers`, o.token, { limit: '1', fields: 'id' })).body);
    const next = first.paging?.next ?? '';
    expect(new URL(next).searchParams.get('access_token')).toBe(o.token);
    const ids = first.data.map((p) => p.id);
    let link: string | undefined = next;
    let last = first;
    while (link) {
      last = phoneListSchema.parse(await (await fetch(link)).json());
      ids.push(...last.data.map((p) => p.id));
      link = last.paging?.next;
    }
    expect(new Set(ids).size).toBe(3);
    const back = phoneListSchema.parse(await (await fetch(last.paging?.previous ?? '')).json());
    expect(back.data[0]?.id).toBe(ids[1]);
  });
});

describe('field expansion', () => {
  it('expands edges on a node with .limit(n), the nested fields and a working paging link', async () => {
    const o = await withNumbers(2);
    const r = await c.get(`/${o.wabaId}`, o.token, {
      fields: 'id,owner_business_info{id,name},phone_numbers.limit(2){id,display_phone_number},subscribed_apps',
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.owner_business_info).sort()).toEqual(['id', 'name']);
    const phones = phoneListSchema.parse(r.body.phone_numbers);
    expect(phones.data).toHaveLength(2);
    expect(Object.keys(phones.data[0] ?? {}).sort()).toEqual(['display_phone_number', 'id']);
    const rest = phoneListSchema.parse(await (await fetch(phones.paging?.next ?? '')).json());
    expect(rest.data).toHaveLength(1);
    expect(Object.keys(rest.data[0] ?? {}).sort()).toEqual(['display_phone_number', 'id']);
    expect(r.body.subscribed_apps).toEqual({ data: [] });
  });

  it('nested expansion on list edges, fields on every edge, identical defaults on node and list', async () => {
    const o = await onboard(sb);
    const list = await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, { fields: 'id,owner_business_info{name}' });
    expect(list.body.data[0]).toEqual({ id: o.wabaId, owner_business_info: { name: expect.any(String), id: o.businessId } });
    const node = wabaSchema.parse((await c.get(`/${o.wabaId}`, SYSTEM_TOKEN)).body);
    const item = (await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN)).body.data[0];
    expect(Object.keys(item).sort()).toEqual(Object.keys(node).sort());
    expect((await c.get(`/${PARTNER_BUSINESS_ID}/system_users`, SYSTEM_TOKEN, { fields: 'id' })).body.data[0]).toEqual({ id: '3000000000000001' });
    const users = await c.get(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { business: PARTNER_BUSINESS_ID, fields: 'name' });
    expect(users.status).toBe(200);
  });

  it('fields Meta lists but the sandbox does not model are left out; unknown ones fail with 100', async () => {
    const o = await onboard(sb);
    const r = await c.get(`/${o.wabaId}`, o.token, { fields: 'id,linked_commerce_account,marketing_messages_lite_api_status' });
    expect(r.body).toEqual({ id: o.wabaId });
    const bad = errorEnvelopeSchema.parse((await c.get(`/${o.wabaId}`, o.token, { fields: 'id,no_such_field' })).body).error;
    expect(bad.message).toBe('(#100) Tried accessing nonexisting field (no_such_field) on node type (WhatsAppBusinessAccount)');
  });

  it('owning_credit_allocation_configs answers the {data:[...]} list, filtered or not', async () => {
    const o = await onboard(sb);
    const none = await c.get(`/${CREDIT_LINE_ID}/owning_credit_allocation_configs`, SYSTEM_TOKEN, {
      receiving_business_id: o.businessId,
      fields: 'id,receiving_business',
    });
    expect(none.body).toEqual({ data: [] });
  });
});

describe('batch requests and ?ids=', () => {
  it('runs operations in order, with depends_on and JSONPath references, each answered {code, headers, body}', async () => {
    const o = await withNumbers(1);
    const batch = [
      { method: 'GET', relative_url: `${o.wabaId}/phone_numbers?fields=id&limit=1`, name: 'phones' },
      { method: 'GET', relative_url: '{result=phones:$.data.0.id}?fields=id,display_phone_number' },
      { method: 'GET', relative_url: `${V}/${o.wabaId}?fields=id,name`, name: 'waba', omit_response_on_success: false },
      { method: 'POST', relative_url: `${o.wabaId}/subscribed_apps`, depends_on: 'waba' },
      { method: 'GET', relative_url: 'no_such_object_123?fields=id', name: 'broken' },
      { method: 'GET', relative_url: '{result=broken:$.id}' },
    ];
    const r = await c.post('/', o.token, { batch: JSON.stringify(batch) });
    expect(r.status).toBe(200);
    const replies = batchReplySchema.parse(r.body);
    expect(replies[0]).toBeNull();
    expect(JSON.parse(replies[1]?.body ?? '{}')).toMatchObject({ id: expect.any(String), display_phone_number: expect.any(String) });
    expect(JSON.parse(replies[2]?.body ?? '{}').id).toBe(o.wabaId);
    expect(JSON.parse(replies[3]?.body ?? '{}')).toEqual({ success: true });
    expect(replies[4]?.code).toBe(400);
    expect(replies[5]).toBeNull();
    expect(replies[1]?.headers?.some((h) => h.name === 'facebook-api-version')).toBe(true);
    const bare = batchReplySchema.parse((await c.post('/', o.token, { batch: [{ method: 'GET', relative_url: 'me' }], include_headers: false })).body);
    expect(bare[0]).not.toHaveProperty('headers');
    const tooMany = await c.post('/', o.token, { batch: Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: 'me' })) });
    expect(errorEnvelopeSchema.parse(tooMany.body).error.code).toBe(100);
  });

  it('GET /?ids=a,b answers an object keyed by id; an unknown id fails the call with 803', async () => {
    const a = await onboard(sb);
    const ids = [a.wabaId, a.phoneId ?? ''].join(',');
    const r = await c.get('/', a.token, { ids, fields: 'id' });
    expect(r.body).toEqual({ [a.wabaId]: { id: a.wabaId }, [a.phoneId ?? '']: { id: a.phoneId } });
    expect(errorEnvelopeSchema.parse((await c.get('/', a.token, { ids: `${a.wabaId},999999999999999` })).body).error.code).toBe(803);
  });
});

describe('tokens', () => {
  it('client_credentials returns an app token that debug_token accepts; a business token may debug itself', async () => {
    const o = await onboard(sb);
    const app = await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'client_credentials' });
    expect(app.body).toEqual({ access_token: expect.stringMatching(new RegExp(`^${APP_ID}\\|`)), token_type: 'bearer' });
    expect(app.body.access_token).not.toContain(APP_SECRET);
    expect(debugTokenSchema.parse((await c.get('/debug_token', app.body.access_token, { input_token: o.token })).body).data.is_valid).toBe(true);
    const self = debugTokenSchema.parse((await c.get('/debug_token', o.token, { input_token: o.token })).body);
    expect(self.data.granular_scopes?.[0]?.target_ids).toContain(o.wabaId);
    expect(errorEnvelopeSchema.parse((await c.get('/debug_token', o.token, { input_token: SYSTEM_TOKEN })).body).error.code).toBe(100);
  });
});

describe('headers, versions and errors', () => {
  it('every response carries a unique x-fb-trace-id, facebook-api-version and the usage headers', async () => {
    const o = await onboard(sb);
    const one = await raw(`/${V}/${o.wabaId}?access_token=${o.token}`);
    const two = await raw(`/${V}/${o.wabaId}?fields=nope&access_token=${o.token}`);
    expect(one.headers.get('x-fb-trace-id')).toBeTruthy();
    expect(one.headers.get('x-fb-trace-id')).not.toBe(two.headers.get('x-fb-trace-id'));
    expect(((await two.json()) as { error: { fbtrace_id: string } }).error.fbtrace_id).toBe(two.headers.get('x-fb-trace-id'));
    expect(one.headers.get('facebook-api-version')).toBe(V);
    appUsageHeaderSchema.parse(JSON.parse(one.headers.get('x-app-usage') ?? ''));
    const buc = businessUseCaseHeaderSchema.parse(JSON.parse(one.headers.get('x-business-use-case-usage') ?? ''));
    expect(Object.keys(buc)).toEqual([o.wabaId]);
  });

  it('unversioned and retired versions are served as the oldest available one; unknown versions fail', async () => {
    const unversioned = await raw(`/debug_token?input_token=${SYSTEM_TOKEN}&access_token=${SYSTEM_TOKEN}`);
    expect(unversioned.status).toBe(200);
    expect(unversioned.headers.get('facebook-api-version')).toMatch(/^v\d+\.0$/);
    const retired = await raw(`/v2.8/debug_token?input_token=${SYSTEM_TOKEN}&access_token=${SYSTEM_TOKEN}`);
    expect(retired.status).toBe(200);
    expect(retired.headers.get('facebook-api-version')).toBe(unversioned.headers.get('facebook-api-version'));
    const unknown = await raw(`/v99.0/debug_token?input_token=${SYSTEM_TOKEN}&access_token=${SYSTEM_TOKEN}`);
    expect(unknown.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await unknown.json()).error.code).toBe(2500);
  });

  it("WhatsApp errors carry Meta's (#code) prefix", async () => {
    const o = await onboard(sb, { phone: { cc: '1', number: '5550177777' } });
    await c.post(`/${o.phoneId}/deregister`, o.token);
    const e = errorEnvelopeSchema.parse((await c.post(`/${o.phoneId}/deregister`, o.token)).body).error;
    expect(e.message).toMatch(/^\(#133010\) /);
  });
});

describe('the realistic rate-limit profile', () => {
  it('Business Use Case quota per WABA: usage rises, then 80007; the app quota answers 4', async () => {
    const o = await onboard(sb);
    await c.control('PATCH', '/config', { rateLimits: { profile: 'realistic', wabaCallsPerHour: 4, appCallsPerHour: 1000 } });
    const usage: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await raw(`/${V}/${o.wabaId}?access_token=${o.token}`);
      const header = businessUseCaseHeaderSchema.parse(JSON.parse(last.headers.get('x-business-use-case-usage') ?? ''));
      usage.push(header[o.wabaId]?.[0]?.call_count ?? -1);
    }
    expect(usage).toEqual([25, 50, 75, 100, 100]);
    const error = errorEnvelopeSchema.parse(await last?.json()).error;
    expect(error).toMatchObject({ code: 80007, is_transient: true });
    expect(error.message).toMatch(/^\(#80007\)/);
    await c.control('POST', '/clock/advance', { seconds: 3601 });
    expect((await raw(`/${V}/${o.wabaId}?access_token=${o.token}`)).status).toBe(200);
    await c.control('PATCH', '/config', { rateLimits: { appCallsPerHour: 1 } });
    const app = await raw(`/${V}/${o.wabaId}?access_token=${o.token}`);
    expect(errorEnvelopeSchema.parse(await app.json()).error.code).toBe(4);
    await c.control('PATCH', '/config', { rateLimits: { profile: 'off', appCallsPerHour: 20000 } });
  });
});
