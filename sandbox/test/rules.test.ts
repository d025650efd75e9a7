import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import { APP_ID, APP_SECRET, CREDIT_LINE_ID, PARTNER_BUSINESS_ID, SYSTEM_TOKEN, SYSTEM_USER_ID, client, onboard, startTestSandbox } from './helpers';
import { errorEnvelopeSchema } from './schemas';

// Meta's rules, each one enforced: a test per rule, asserting the code a caller would branch on.

let sb: RunningSandbox;
let c: ReturnType<typeof client>;

beforeAll(async () => {
  sb = await startTestSandbox();
  c = client(sb);
});
afterAll(async () => sb.close());
beforeEach(async () => {
  await c.control('POST', '/reset', { scenario: 'demo' });
  await c.control('DELETE', '/faults');
  await c.control('PATCH', '/config', { requireAppsecretProof: false, partnerType: 'solution_partner' });
});

function errorOf(r: { status: number; body: unknown }) {
  expect(r.status).toBeGreaterThanOrEqual(400);
  return errorEnvelopeSchema.parse(r.body).error;
}

const exchange = (code: string) => c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, code });

describe('codes and tokens', () => {
  it('a code exchanges once; the second time fails with 100', async () => {
    const s = await c.control('POST', '/signups', {});
    expect((await exchange(s.body.code)).status).toBe(200);
    const again = errorOf(await exchange(s.body.code));
    expect(again.code).toBe(100);
    expect(again.type).toBe('OAuthException');
  });
  it('a code expires after 30 seconds of sandbox time', async () => {
    const s = await c.control('POST', '/signups', {});
    await c.control('POST', '/clock/advance', { seconds: 31 });
    expect(errorOf(await exchange(s.body.code)).code).toBe(100);
    expect((await c.control('GET', '/codes')).body.data[0].status).toBe('expired');
  });
  it('wrong client secret and unknown codes are refused', async () => {
    const s = await c.control('POST', '/signups', {});
    expect(errorOf(await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: 'nope', code: s.body.code })).code).toBe(1);
    expect(errorOf(await exchange('AQnotacode')).code).toBe(100);
  });
  it('no token → 104; garbage token → 190; revoked token → 190', async () => {
    const o = await onboard(sb);
    expect(errorOf(await c.get(`/${o.wabaId}`)).code).toBe(104);
    expect(errorOf(await c.get(`/${o.wabaId}`, 'EAAGgarbage')).code).toBe(190);
    await c.control('POST', '/tokens/revoke', { token: o.token });
    const revoked = errorOf(await c.get(`/${o.wabaId}`, o.token));
    expect(revoked.code).toBe(190);
    const debug = await c.get('/debug_token', SYSTEM_TOKEN, { input_token: o.token });
    expect(debug.body.data.is_valid).toBe(false);
  });
  it('business tokens from the 60-day configuration expire (190/463)', async () => {
    const o = await onboard(sb);
    await c.control('POST', '/clock/advance', { seconds: 61 * 86400 });
    const e = errorOf(await c.get(`/${o.wabaId}`, o.token));
    expect(e.code).toBe(190);
    expect(e.error_subcode).toBe(463);
  });
  it('appsecret_proof is required when the app requires it', async () => {
    const o = await onboard(sb);
    await c.control('PATCH', '/config', { requireAppsecretProof: true });
    expect(errorOf(await c.get(`/${o.wabaId}`, o.token)).code).toBe(100);
    expect(errorOf(await c.get(`/${o.wabaId}`, o.token, { appsecret_proof: 'deadbeef' })).message).toMatch(/appsecret_proof/);
    const proof = createHmac('sha256', APP_SECRET).update(o.token).digest('hex');
    expect((await c.get(`/${o.wabaId}`, o.token, { appsecret_proof: proof })).status).toBe(200);
  });
});

describe('token kinds and object access', () => {
  it('portfolio lists and credit lines need the system token (business token → 200)', async () => {
    const o = await onboard(sb);
    expect(errorOf(await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, o.token)).code).toBe(200);
    expect(
      errorOf(await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, o.token, undefined, { waba_id: o.wabaId, waba_currency: 'USD' })).code,
    ).toBe(200);
    expect(errorOf(await c.post(`/${o.wabaId}/assigned_users`, o.token, { user: SYSTEM_USER_ID, tasks: ['MANAGE'] })).code).toBe(200);
  });
  it('a WABA the token was not granted is 100/33; an unknown id is 100/33; unknown edge 100', async () => {
    const a = await onboard(sb);
    const b = await onboard(sb);
    const e = errorOf(await c.get(`/${b.wabaId}`, a.token));
    expect([e.code, e.error_subcode]).toEqual([100, 33]);
    const unknown = errorOf(await c.get('/999999999999999', a.token));
    expect([unknown.code, unknown.error_subcode]).toEqual([100, 33]);
    expect(errorOf(await c.get(`/${a.wabaId}/not_an_edge`, a.token)).code).toBe(100);
  });
  it('system token cannot register a number until the system user is assigned', async () => {
    const o = await onboard(sb);
    expect(errorOf(await c.post(`/${o.phoneId}/register`, SYSTEM_TOKEN, { messaging_product: 'whatsapp', pin: '123456' })).code).toBe(200);
    await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { user: SYSTEM_USER_ID, tasks: ['MANAGE'] });
    expect((await c.post(`/${o.phoneId}/register`, SYSTEM_TOKEN, { messaging_product: 'whatsapp', pin: '123456' })).status).toBe(200);
  });
});

describe('subscriptions and parameters', () => {
  it("override before subscribe → 100 with Meta's message", async () => {
    const o = await onboard(sb);
    const e = errorOf(await c.post(`/${o.wabaId}/subscribed_apps`, o.token, { override_callback_uri: 'https://hooks.example.com/x', verify_token: 't' }));
    expect(e.code).toBe(100);
    expect(e.message).toMatch(/must be subscribed/);
  });
  it('invalid parameters → 100', async () => {
    const o = await onboard(sb);
    expect(errorOf(await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '12' })).code).toBe(100);
    expect(errorOf(await c.post(`/${o.phoneId}/register`, o.token, { pin: '123456' })).code).toBe(100);
    expect(errorOf(await c.post(`/${o.phoneId}/request_code`, o.token, { code_method: 'FAX', language: 'en_US' })).code).toBe(100);
    expect(
      errorOf(await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: o.wabaId, waba_currency: 'JPY' })).code,
    ).toBe(100);
    expect(errorOf(await c.get(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN)).code).toBe(100);
  });
  it('every Graph write is listed once with its answer, reads are not, and the list can be cleared', async () => {
    const o = await onboard(sb);
    await c.control('DELETE', '/graph-writes');
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token);
    await c.get(`/${o.wabaId}/subscribed_apps`, o.token);
    await c.post(`/${o.wabaId}/subscribed_apps`, o.token, { override_callback_uri: 'not a url' });
    const writes = (await c.control('GET', '/graph-writes')).body.data as { method: string; path: string; status: number }[];
    expect(writes.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'POST', path: `/${o.wabaId}/subscribed_apps`, status: 200 },
      { method: 'POST', path: `/${o.wabaId}/subscribed_apps`, status: 400 },
    ]);
    await c.control('DELETE', '/graph-writes');
    expect((await c.control('GET', '/graph-writes')).body.data).toEqual([]);
  });
});

describe('phone number lifecycle rules', () => {
  it('register + deregister share 10 calls per 72 h (133016), then the window passes', async () => {
    const o = await onboard(sb);
    for (let i = 0; i < 10; i++) {
      const path = i % 2 === 0 ? 'register' : 'deregister';
      const r = await c.post(`/${o.phoneId}/${path}`, o.token, path === 'register' ? { messaging_product: 'whatsapp', pin: '123456' } : undefined);
      expect(r.status).toBe(200);
    }
    expect(errorOf(await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '123456' })).code).toBe(133016);
    await c.control('POST', '/clock/advance', { seconds: 72 * 3600 + 1 });
    expect((await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '123456' })).status).toBe(200);
  });
  it('PIN mismatch when two-step verification is on → 133005', async () => {
    const o = await onboard(sb);
    await c.post(`/${o.phoneId}`, o.token, { pin: '111111' });
    expect(errorOf(await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '222222' })).code).toBe(133005);
    expect((await c.post(`/${o.phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '111111' })).status).toBe(200);
  });
  it('request_code on a verified number → 136024; wrong code → 136025; unverified register → 133006', async () => {
    const o = await onboard(sb);
    expect(errorOf(await c.post(`/${o.phoneId}/request_code`, o.token, undefined, { code_method: 'SMS', language: 'en_US' })).code).toBe(136024);
    const created = (await c.post(`/${o.wabaId}/phone_numbers`, o.token, { cc: '1', phone_number: '5550142222', verified_name: 'Acme' })).body.id;
    expect(errorOf(await c.post(`/${created}/register`, o.token, { messaging_product: 'whatsapp', pin: '123456' })).code).toBe(133006);
    expect(errorOf(await c.post(`/${created}/verify_code`, o.token, { code: '000000' })).code).toBe(136025);
    await c.post(`/${created}/request_code`, o.token, { code_method: 'SMS', language: 'en_US' });
    expect(errorOf(await c.post(`/${created}/verify_code`, o.token, { code: '000000' })).code).toBe(136025);
  });
  it('coexistence numbers refuse register and deregister; syncs once, within 24 h', async () => {
    const o = await onboard(sb, {
      extras: { featureType: 'whatsapp_business_app_onboarding' },
      person: { personId: '8000000000000004' },
      business: { businessId: '2100000000000004' },
    });
    const phoneId = (await c.get(`/${o.wabaId}/phone_numbers`, o.token)).body.data[0].id;
    expect(errorOf(await c.post(`/${phoneId}/register`, o.token, { messaging_product: 'whatsapp', pin: '123456' })).code).toBe(100);
    expect(errorOf(await c.post(`/${phoneId}/deregister`, o.token)).code).toBe(100);
    expect((await c.post(`/${phoneId}/smb_app_data`, o.token, { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' })).status).toBe(200);
    expect(errorOf(await c.post(`/${phoneId}/smb_app_data`, o.token, { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' })).code).toBe(2593107);
    await c.control('POST', '/clock/advance', { seconds: 24 * 3600 + 1 });
    expect(errorOf(await c.post(`/${phoneId}/smb_app_data`, o.token, { messaging_product: 'whatsapp', sync_type: 'history' })).code).toBe(2593108);
  });
});

describe('credit line rules', () => {
  it('share-and-attach needs the system user on the WABA, and a second one on an attached WABA errors', async () => {
    const o = await onboard(sb);
    const share = () => c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: o.wabaId, waba_currency: 'USD' });
    expect(errorOf(await share()).code).toBe(200);
    await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, undefined, { user: SYSTEM_USER_ID, tasks: 'MANAGE' });
    expect((await share()).status).toBe(200);
    const second = errorOf(await share());
    expect(second.code).toBe(100);
    expect(second.error_data?.details).toMatch(/cannot be changed/);
    expect(errorOf(await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_attach`, o.token, undefined, { waba_id: o.wabaId, waba_currency: 'EUR' })).code).toBe(100);
  });
  it('Tech Providers have no credit line', async () => {
    await c.control('POST', '/reset', { scenario: 'tech-provider' });
    expect((await c.get(`/${PARTNER_BUSINESS_ID}/extendedcredits`, SYSTEM_TOKEN)).body.data).toEqual([]);
    const e = errorOf(await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: '1', waba_currency: 'USD' }));
    expect([e.code, e.error_subcode]).toEqual([100, 33]);
  });
});

describe('Multi-Partner Solution rules', () => {
  it('MANAGE is refused on an MPS WABA where our app lacks MESSAGING; granular tasks with MANAGE_BILLING allow credit sharing', async () => {
    const o = await onboard(sb, { extras: { setup: { solutionID: '7000000000000001' } } });
    const manage = errorOf(await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { user: SYSTEM_USER_ID, tasks: ['MANAGE'] }));
    expect(manage.code).toBe(100);
    expect(manage.error_data?.details).toMatch(/MESSAGING/);
    expect((await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { user: SYSTEM_USER_ID, tasks: ['DEVELOP', 'MANAGE_BILLING'] })).status).toBe(200);
    expect(
      (await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: o.wabaId, waba_currency: 'USD' })).status,
    ).toBe(200);
  });
  it('accept only while INITIATED', async () => {
    expect(errorOf(await c.post('/7000000000000001/accept', SYSTEM_TOKEN)).code).toBe(100);
    expect((await c.post('/7000000000000003/accept', SYSTEM_TOKEN)).status).toBe(200);
    expect(errorOf(await c.post('/7000000000000003/accept', SYSTEM_TOKEN)).code).toBe(100);
    expect(errorOf(await c.post('/7000000000000003/reject', SYSTEM_TOKEN)).code).toBe(100);
  });
  it('exactly one app may have MESSAGING', async () => {
    const both = await c.post(`/${APP_ID}/whatsapp_business_solution`, SYSTEM_TOKEN, {
      solution_name: 'x',
      partner_app_id: '1000000000000002',
      owner_permissions: ['MESSAGING'],
      partner_permissions: ['MESSAGING'],
    });
    expect(errorOf(both).code).toBe(100);
    const none = await c.post(`/${APP_ID}/whatsapp_business_solution`, SYSTEM_TOKEN, {
      solution_name: 'x',
      partner_app_id: '1000000000000002',
      owner_permissions: [],
      partner_permissions: [],
    });
    expect(errorOf(none).code).toBe(100);
  });
  it('a solution that is not ACTIVE onboards nothing', async () => {
    for (const id of ['7000000000000002', '7000000000000003', '7000000000000004', '7000000000000005']) {
      const before = (await c.control('GET', '/state')).body.wabas.length;
      const r = await c.control('POST', '/signups', { extras: { setup: { solutionID: id } } });
      expect(r.status).toBe(422);
      expect(r.body.message.event).toBe('CANCEL');
      expect(r.body.message.data.error_message).toMatch(/cannot be used for onboarding/);
      expect((await c.control('GET', '/state')).body.wabas.length).toBe(before);
    }
  });
});

describe('business verification rules', () => {
  const submit = async (businessId: string) => {
    const form = new FormData();
    form.set('end_business_id', businessId);
    form.append('business_documents[]', new Blob([Buffer.from('%PDF')], { type: 'application/pdf' }), 'doc.pdf');
    const { call } = await import('./helpers');
    return call(sb.url, 'POST', `/${PARTNER_BUSINESS_ID}/self_certify_whatsapp_business`, { token: SYSTEM_TOKEN, body: form });
  };
  it('three submissions per client, then refused', async () => {
    const o = await onboard(sb);
    for (let i = 1; i <= 3; i++) {
      const r = await submit(o.businessId);
      expect(r.body.verification_attempts).toBe(i);
      const subs = (await c.get(`/${PARTNER_BUSINESS_ID}/self_certified_whatsapp_business_submissions`, SYSTEM_TOKEN, { end_business_id: o.businessId })).body
        .data;
      await c.control('POST', `/business-verification/${subs[0].id}/decision`, { status: 'FAILED', rejection_reasons: ['LEGAL_NAME_NOT_MATCHING'] });
    }
    expect(errorOf(await submit(o.businessId)).code).toBe(100);
  });
  it('Tech Providers cannot use partner-led verification (code 3); wrong file types are refused', async () => {
    const o = await onboard(sb);
    const form = new FormData();
    form.set('end_business_id', o.businessId);
    form.append('business_documents[]', new Blob(['x'], { type: 'text/plain' }), 'notes.txt');
    const { call } = await import('./helpers');
    expect(errorOf(await call(sb.url, 'POST', `/${PARTNER_BUSINESS_ID}/self_certify_whatsapp_business`, { token: SYSTEM_TOKEN, body: form })).code).toBe(100);
    await c.control('PATCH', '/config', { partnerType: 'tech_provider' });
    expect(errorOf(await submit(o.businessId)).code).toBe(3);
  });
});

describe('partner-initiated WABA creation', () => {
  it('the customer accepts only while INITIATED; invitations expire after 90 days', async () => {
    const req = (await c.control('POST', '/waba-requests', { clientBusinessId: '2100000000000001' })).body;
    const accepted = await c.control('POST', `/waba-requests/${req.id}/decision`, { decision: 'accept' });
    expect(accepted.body.status).toBe('ACCEPTED');
    expect((await c.control('POST', `/waba-requests/${req.id}/decision`, { decision: 'accept' })).status).toBe(409);
    // Access is through the system token (the partner was given tasks at creation).
    expect((await c.get(`/${accepted.body.wabaId}`, SYSTEM_TOKEN)).status).toBe(200);
    const later = (await c.control('POST', '/waba-requests', { clientBusinessId: '2100000000000001' })).body;
    await c.control('POST', '/clock/advance', { seconds: 91 * 86400 });
    expect((await c.control('POST', `/waba-requests/${later.id}/decision`, { decision: 'accept' })).status).toBe(409);
  });
});

describe('Embedded Signup in-flow errors', () => {
  it('display name breaking the naming rules → 524126; a WABA shared with another partner → 2655049', async () => {
    const name = await c.control('POST', '/signups', { profile: { displayName: 'WhatsApp Deals' } });
    expect(name.body.message.data.error_code).toBe('524126');
    const shared = await c.control('POST', '/signups', {
      person: { personId: '8000000000000003' },
      business: { businessId: '2100000000000003' },
      waba: { wabaId: '2200000000000003' },
    });
    expect(shared.body.message.data.error_code).toBe('2655049');
  });
});

describe('faults', () => {
  it('next-N Meta errors, 5xx and a rate, reproducible from the seed', async () => {
    const o = await onboard(sb);
    await c.control('POST', '/faults', { path: '/{id}/subscribed_apps', method: 'POST', error: { code: 80007, message: '(#80007) Rate limit hit' }, next: 2 });
    expect(errorOf(await c.post(`/${o.wabaId}/subscribed_apps`, o.token)).code).toBe(80007);
    expect(errorOf(await c.post(`/${o.wabaId}/subscribed_apps`, o.token)).code).toBe(80007);
    expect((await c.post(`/${o.wabaId}/subscribed_apps`, o.token)).status).toBe(200);
    await c.control('POST', '/faults', { path: '/debug_token', kind: 'http5xx', httpStatus: 503, next: 1 });
    const down = await c.get('/debug_token', SYSTEM_TOKEN, { input_token: o.token });
    expect(down.status).toBe(503);
    expect(errorOf(down).is_transient).toBe(true);
    await c.control('DELETE', '/faults');
    await c.control('POST', '/faults', { path: '/{id}', method: 'GET', error: { code: 2 }, rate: 0.5 });
    const run = async () => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await c.get(`/${o.wabaId}`, o.token)).status);
      return out;
    };
    const first = await run();
    expect(first).toContain(200);
    expect(first).toContain(500);
    await c.control('POST', '/reset', {});
    await c.control('POST', '/faults', { path: '/{id}', method: 'GET', error: { code: 2 }, rate: 0.5 });
    const again = await onboard(sb);
    const second: number[] = [];
    for (let i = 0; i < 12; i++) second.push((await c.get(`/${again.wabaId}`, again.token)).status);
    expect(second).toEqual(first);
  });
  it('timeouts hold the request and drop the connection; latency delays it', async () => {
    await c.control('POST', '/faults', { path: '/debug_token', kind: 'timeout', latencyMs: 100, next: 1 });
    await expect(c.get('/debug_token', SYSTEM_TOKEN, { input_token: SYSTEM_TOKEN })).rejects.toThrow();
    await c.control('POST', '/faults', { path: '/debug_token', kind: 'latency', latencyMs: 150, next: 1 });
    const start = Date.now();
    expect((await c.get('/debug_token', SYSTEM_TOKEN, { input_token: SYSTEM_TOKEN })).status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });
});
