import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import { APP_ID, APP_SECRET, CREDIT_LINE_ID, PARTNER_BUSINESS_ID, SYSTEM_TOKEN, SYSTEM_USER_ID, client, onboard, startTestSandbox } from './helpers';
import {
  allocationStatusSchema,
  applicationDetailsSchema,
  assignedUsersSchema,
  attachSchema,
  businessVerificationSchema,
  cancelErrorMessageSchema,
  coexistencePhoneSchema,
  createdIdSchema,
  debugTokenInvalidSchema,
  debugTokenSchema,
  errorEnvelopeSchema,
  exchangeSchema,
  extendedCreditsSchema,
  finishMessageSchema,
  healthStatusSchema,
  migrationIntentSchema,
  owningAllocationSchema,
  phoneListSchema,
  phoneNumberSchema,
  plbvSubmitSchema,
  primaryFundingSchema,
  receivingCredentialSchema,
  shareAndAttachSchema,
  shareSchema,
  smbSyncSchema,
  solutionAccessTokenSchema,
  solutionCreatedSchema,
  solutionListSchema,
  solutionSchema,
  submissionsSchema,
  subscribedAppsSchema,
  successSchema,
  systemUsersSchema,
  wabaListSchema,
  wabaSchema,
} from './schemas';

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

describe('session-info messages (browserless signup)', () => {
  it('default flow → FINISH with phone_number_id, waba_id, business_id and no version', async () => {
    const r = await c.control('POST', '/signups', {});
    expect(r.status).toBe(201);
    const msg = finishMessageSchema.parse(r.body.message);
    expect(msg.event).toBe('FINISH');
    expect(msg.data.phone_number_id).toBe(r.body.signup.phone_number_id);
    expect(msg).not.toHaveProperty('version');
    expect(r.body.auth_response).toMatchObject({ accessToken: null, code: r.body.code });
  });
  it('only_waba_sharing → FINISH_ONLY_WABA {waba_id} version 3', async () => {
    const r = await c.control('POST', '/signups', { extras: { featureType: 'only_waba_sharing', sessionInfoVersion: '3' } });
    const msg = finishMessageSchema.parse(r.body.message);
    expect(msg).toEqual({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH_ONLY_WABA', data: { waba_id: r.body.signup.waba_id }, version: 3 });
    expect(r.body.signup.phone_number_id).toBeNull();
  });
  it('coexistence → FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING, number on the app already registered', async () => {
    const r = await c.control('POST', '/signups', {
      extras: { featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' },
      person: { personId: '8000000000000004' },
      business: { businessId: '2100000000000004' },
    });
    expect(r.status).toBe(201);
    const msg = finishMessageSchema.parse(r.body.message);
    expect(msg.event).toBe('FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING');
    expect(Object.keys(msg.data)).toEqual(['waba_id']);
    const ex = await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, code: r.body.code });
    const phones = phoneListSchema.parse(
      (await c.get(`/${msg.data.waba_id}/phone_numbers`, ex.body.access_token, { fields: 'id,is_on_biz_app,platform_type' })).body,
    );
    const phone = phones.data[0];
    expect(phone?.is_on_biz_app).toBe(true);
    coexistencePhoneSchema.parse((await c.get(`/${phone?.id}`, ex.body.access_token, { fields: 'is_on_biz_app,platform_type' })).body);
  });
  it('app-only install and Measurement Partner configurations → FINISH_GRANT_ONLY_API_ACCESS on an existing WABA', async () => {
    const appOnly = await c.control('POST', '/signups', {
      extras: { features: [{ name: 'app_only_install' }] },
      person: { personId: '8000000000000002' },
      business: { businessId: '2100000000000002' },
      waba: { wabaId: '2200000000000002' },
    });
    expect(finishMessageSchema.parse(appOnly.body.message).event).toBe('FINISH_GRANT_ONLY_API_ACCESS');
    await c.control('POST', '/reset', {});
    const measurement = await c.control('POST', '/signups', {
      configId: '5000000000000002',
      person: { personId: '8000000000000002' },
      business: { businessId: '2100000000000002' },
      waba: { wabaId: '2200000000000002' },
    });
    expect(finishMessageSchema.parse(measurement.body.message).data.waba_id).toBe('2200000000000002');
  });
  it('an in-flow error comes back as the CANCEL error form', async () => {
    const r = await c.control('POST', '/signups', { profile: { displayName: 'BEST DEALS www.deals.com' } });
    expect(r.status).toBe(422);
    const msg = cancelErrorMessageSchema.parse(r.body.message);
    expect(msg.data.error_code).toBe('524126');
  });
});

describe('token exchange and debug_token', () => {
  it('exchanges a fresh code for a business token and describes it', async () => {
    const s = await c.control('POST', '/signups', {});
    const ex = await c.get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, code: s.body.code });
    expect(ex.status).toBe(200);
    const token = exchangeSchema.parse(ex.body);
    for (const auth of [SYSTEM_TOKEN, `${APP_ID}|${APP_SECRET}`]) {
      const d = debugTokenSchema.parse((await c.get('/debug_token', auth, { input_token: token.access_token })).body);
      expect(d.data.is_valid).toBe(true);
      expect(d.data.app_id).toBe(APP_ID);
      const mgmt = d.data.granular_scopes?.find((g) => g.scope === 'whatsapp_business_management');
      expect(mgmt?.target_ids?.[0]).toBe(s.body.signup.waba_id);
      expect(d.data.scopes).toContain('whatsapp_business_messaging');
    }
    const system = debugTokenSchema.parse((await c.get('/debug_token', SYSTEM_TOKEN, { input_token: SYSTEM_TOKEN })).body);
    expect(system.data.type).toBe('SYSTEM_USER');
    expect(system.data.expires_at).toBe(0);
    debugTokenInvalidSchema.parse((await c.get('/debug_token', SYSTEM_TOKEN, { input_token: 'EAAGnotatoken' })).body);
  });
  it('lists the newest onboarded WABA first when a business onboards twice', async () => {
    const first = await onboard(sb, { person: { personId: '8000000000000001' }, business: { businessId: '2100000000000001' } });
    const second = await onboard(sb, { person: { personId: '8000000000000001' }, business: { businessId: '2100000000000001' }, waba: { name: 'Acme Sales' } });
    const d = debugTokenSchema.parse((await c.get('/debug_token', SYSTEM_TOKEN, { input_token: second.token })).body);
    expect(d.data.granular_scopes?.[0]?.target_ids).toEqual([second.wabaId, first.wabaId]);
  });
  it('Measurement Partner grants are read-only: no messaging scope', async () => {
    const r = await onboard(sb, {
      configId: '5000000000000002',
      person: { personId: '8000000000000002' },
      business: { businessId: '2100000000000002' },
      waba: { wabaId: '2200000000000002' },
    });
    const d = debugTokenSchema.parse((await c.get('/debug_token', SYSTEM_TOKEN, { input_token: r.token })).body);
    expect(d.data.scopes).not.toContain('whatsapp_business_messaging');
    expect(d.data.granular_scopes?.map((g) => g.scope)).toEqual(['whatsapp_business_management']);
    wabaSchema.parse((await c.get(`/${r.wabaId}`, r.token)).body);
    const write = await c.post(`/${r.wabaId}/phone_numbers`, r.token, { cc: '1', phone_number: '5550199999', verified_name: 'Brew' });
    expect(write.status).toBe(403);
    expect(errorEnvelopeSchema.parse(write.body).error.code).toBe(200);
  });
});

describe('WABA reads', () => {
  it('reads fields, health_status and portfolio lists with cursor paging', async () => {
    const o = await onboard(sb);
    const waba = wabaSchema.parse(
      (
        await c.get(`/${o.wabaId}`, o.token, {
          fields:
            'id,name,currency,timezone_id,message_template_namespace,account_review_status,business_verification_status,owner_business_info,health_status,ownership_type,whatsapp_business_manager_messaging_limit',
        })
      ).body,
    );
    expect(waba.owner_business_info?.id).toBe(o.businessId);
    expect(waba.account_review_status).toBe('PENDING');
    const defaults = (await c.get(`/${o.wabaId}`, o.token)).body;
    expect(Object.keys(defaults).sort()).toEqual(['id', 'name']);
    healthStatusSchema.parse((await c.get(`/${o.phoneId}`, o.token, { fields: 'health_status' })).body.health_status);
    const bad = await c.get(`/${o.wabaId}`, o.token, { fields: 'id,not_a_field' });
    expect(errorEnvelopeSchema.parse(bad.body).error.code).toBe(100);

    await onboard(sb);
    await onboard(sb);
    const page1 = wabaListSchema.parse((await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, { limit: '2' })).body);
    expect(page1.data).toHaveLength(2);
    expect(page1.paging?.next).toBeTruthy();
    const page2 = wabaListSchema.parse(
      (await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, { limit: '2', after: page1.paging?.cursors.after ?? '' })).body,
    );
    expect(page2.data).toHaveLength(1);
    expect(new Set([...page1.data, ...page2.data].map((w) => w.id)).size).toBe(3);
    const asc = wabaListSchema.parse(
      (await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, { sort: 'creation_time_ascending' })).body,
    );
    expect(asc.data[2]?.id).toBe(page1.data[0]?.id);
    const owned = wabaListSchema.parse((await c.get(`/${PARTNER_BUSINESS_ID}/owned_whatsapp_business_accounts`, SYSTEM_TOKEN)).body);
    expect(owned.data).toEqual([]);
    const filtered = wabaListSchema.parse(
      (
        await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, {
          filtering: JSON.stringify([{ field: 'creation_time', operator: 'GREATER_THAN', value: String(Math.floor(Date.now() / 1000) + 10 * 86400 * 365) }]),
        })
      ).body,
    );
    expect(filtered.data).toEqual([]);
  });
});

describe('subscribed_apps', () => {
  it('subscribes, lists, overrides, removes the override, unsubscribes', async () => {
    const o = await onboard(sb);
    successSchema.parse((await c.post(`/${o.wabaId}/subscribed_apps`, o.token)).body);
    const listed = subscribedAppsSchema.parse((await c.get(`/${o.wabaId}/subscribed_apps`, o.token)).body);
    expect(listed.data[0]?.whatsapp_business_api_data.id).toBe(APP_ID);
    expect(listed.data[0]).not.toHaveProperty('override_callback_uri');
    successSchema.parse((await c.del(`/${o.wabaId}/subscribed_apps`, o.token)).body);
    expect(subscribedAppsSchema.parse((await c.get(`/${o.wabaId}/subscribed_apps`, o.token)).body).data).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('lists, creates, verifies, registers, deregisters, sets a PIN and requests a display name', async () => {
    const o = await onboard(sb);
    const list = phoneListSchema.parse((await c.get(`/${o.wabaId}/phone_numbers`, o.token)).body);
    expect(Object.keys(list.data[0] ?? {}).sort()).toEqual(['display_phone_number', 'id', 'quality_rating', 'verified_name']);
    const created = createdIdSchema.parse(
      (await c.post(`/${o.wabaId}/phone_numbers`, o.token, { cc: '1', phone_number: '14195551518', verified_name: 'Acme Support' })).body,
    );
    const fresh = phoneNumberSchema.parse((await c.get(`/${created.id}`, o.token, { fields: 'code_verification_status,status' })).body);
    expect(fresh.code_verification_status).toBe('NOT_VERIFIED');
    successSchema.parse((await c.post(`/${created.id}/request_code`, o.token, undefined, { code_method: 'SMS', language: 'en_US' })).body);
    const sms = (await c.control('GET', '/sms')).body.data.at(-1);
    expect(sms.text).toMatch(/^WhatsApp code \d{3}-\d{3}$/);
    const code = sms.text.replace(/\D/g, '');
    successSchema.parse((await c.post(`/${created.id}/verify_code`, o.token, { code })).body);
    successSchema.parse(
      (await c.post(`/${created.id}/register`, o.token, { messaging_product: 'whatsapp', pin: '581063', data_localization_region: 'DE' })).body,
    );
    const registered = phoneNumberSchema.parse((await c.get(`/${created.id}`, o.token, { fields: 'status,platform_type,is_pin_enabled,throughput' })).body);
    expect(registered).toMatchObject({ status: 'CONNECTED', platform_type: 'CLOUD_API', is_pin_enabled: true });
    successSchema.parse((await c.post(`/${created.id}`, o.token, { pin: '123456' })).body);
    successSchema.parse((await c.post(`/${created.id}/deregister`, o.token)).body);
    successSchema.parse((await c.post(`/${created.id}`, o.token, undefined, { new_display_name: 'Acme Help' })).body);
    expect((await c.get(`/${created.id}`, o.token, { fields: 'new_name_status' })).body.new_name_status).toBe('PENDING_REVIEW');
    const wh = phoneNumberSchema.parse((await c.get(`/${created.id}`, o.token, { fields: 'webhook_configuration' })).body);
    expect(wh.webhook_configuration).toBeDefined();
  });
});

describe('credit lines', () => {
  it('share-and-attach, verify, find and revoke', async () => {
    const o = await onboard(sb);
    expect(
      extendedCreditsSchema.parse((await c.get(`/${PARTNER_BUSINESS_ID}/extendedcredits`, SYSTEM_TOKEN, { fields: 'id,legal_entity_name' })).body).data[0]?.id,
    ).toBe(CREDIT_LINE_ID);
    successSchema.parse((await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, undefined, { user: SYSTEM_USER_ID, tasks: "['MANAGE']" })).body);
    const shared = shareAndAttachSchema.parse(
      (await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing_and_attach`, SYSTEM_TOKEN, undefined, { waba_id: o.wabaId, waba_currency: 'USD' })).body,
    );
    expect(shared.waba_id).toBe(o.wabaId);
    const credential = receivingCredentialSchema.parse((await c.get(`/${shared.allocation_config_id}`, SYSTEM_TOKEN, { fields: 'receiving_credential' })).body);
    const funding = primaryFundingSchema.parse((await c.get(`/${o.wabaId}`, o.token, { fields: 'primary_funding_id' })).body);
    expect(funding.primary_funding_id).toBe(credential.receiving_credential.id);
    const owning = owningAllocationSchema.parse(
      (
        await c.get(`/${CREDIT_LINE_ID}/owning_credit_allocation_configs`, SYSTEM_TOKEN, {
          receiving_business_id: o.businessId,
          fields: 'id,receiving_business',
        })
      ).body,
    );
    expect('id' in owning ? owning.id : owning.data[0]?.id).toBe(shared.allocation_config_id);
    successSchema.parse((await c.del(`/${shared.allocation_config_id}`, SYSTEM_TOKEN)).body);
    const after = allocationStatusSchema.parse(
      (await c.get(`/${shared.allocation_config_id}`, SYSTEM_TOKEN, { fields: 'receiving_business,request_status' })).body,
    );
    expect(after.request_status).toBe('DELETED');
    expect((await c.get(`/${o.wabaId}`, o.token, { fields: 'primary_funding_id' })).body).not.toHaveProperty('primary_funding_id');
  });
  it('alternate two-call method', async () => {
    const o = await onboard(sb);
    const owner = (await c.get(`/${o.wabaId}`, o.token, { fields: 'owner_business_info' })).body.owner_business_info.id;
    const shared = shareSchema.parse(
      (await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_sharing`, SYSTEM_TOKEN, undefined, { receiving_business_id: owner })).body,
    );
    const attached = attachSchema.parse(
      (await c.post(`/${CREDIT_LINE_ID}/whatsapp_credit_attach`, o.token, undefined, { waba_currency: 'USD', waba_id: o.wabaId })).body,
    );
    expect(attached.allocation_config_id).toBe(shared.allocation_config_id);
  });
});

describe('system users', () => {
  it('lists system users, assigns, lists and removes assigned users', async () => {
    const o = await onboard(sb);
    expect(systemUsersSchema.parse((await c.get(`/${PARTNER_BUSINESS_ID}/system_users`, SYSTEM_TOKEN)).body).data[0]?.id).toBe(SYSTEM_USER_ID);
    successSchema.parse((await c.post(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { user: SYSTEM_USER_ID, tasks: ['MANAGE'] })).body);
    const assigned = assignedUsersSchema.parse((await c.get(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { business: PARTNER_BUSINESS_ID })).body);
    expect(assigned.data).toEqual([{ id: SYSTEM_USER_ID, name: 'Onboarding Bot', tasks: ['MANAGE'] }]);
    successSchema.parse((await c.del(`/${o.wabaId}/assigned_users`, SYSTEM_TOKEN, { user: SYSTEM_USER_ID })).body);
  });
});

describe('Multi-Partner Solutions', () => {
  it('creates, lists, reads, accepts; onboards through the ACTIVE solution; solution access token', async () => {
    const created = solutionCreatedSchema.parse(
      (
        await c.post(`/${APP_ID}/whatsapp_business_solution`, SYSTEM_TOKEN, {
          solution_name: 'Onramp x Brew',
          partner_app_id: '1000000000000002',
          owner_permissions: ['MESSAGING'],
          partner_permissions: [],
        })
      ).body,
    );
    const listed = solutionListSchema.parse((await c.get(`/${APP_ID}/whatsapp_business_solutions`, SYSTEM_TOKEN, { role: 'OWNER' })).body);
    expect(listed.data.map((s) => s.id)).toContain(created.solution_id);
    expect(listed.data.find((s) => s.id === created.solution_id)?.status).toBe('INITIATED');
    const partnerRole = solutionListSchema.parse((await c.get(`/${APP_ID}/whatsapp_business_solutions`, SYSTEM_TOKEN, { role: 'PARTNER', limit: '2' })).body);
    expect(partnerRole.data).toHaveLength(2);
    const read = solutionSchema.parse(
      (await c.get('/7000000000000001', SYSTEM_TOKEN, { fields: 'id,name,status,status_for_pending_request,owner_app{id,name},owner_permissions,partners' }))
        .body,
    );
    expect(read.status).toBe('ACTIVE');
    expect(read.owner_permissions).toContain('MESSAGING');
    successSchema.parse((await c.post('/7000000000000003/accept', SYSTEM_TOKEN)).body);
    expect(solutionSchema.parse((await c.get('/7000000000000003', SYSTEM_TOKEN)).body).status).toBe('ACTIVE');

    const o = await onboard(sb, { extras: { setup: { solutionID: '7000000000000001' }, featureType: '', sessionInfoVersion: '3' } });
    const mps = wabaListSchema.parse(
      (
        await c.get(`/${PARTNER_BUSINESS_ID}/client_whatsapp_business_accounts`, SYSTEM_TOKEN, {
          fields: 'id,name,business_type',
          filtering: JSON.stringify([{ field: 'partners', operator: 'ALL', value: ['2000000000000002'] }]),
        })
      ).body,
    );
    expect(mps.data.map((w) => w.id)).toEqual([o.wabaId]);
    expect(mps.data[0]?.business_type).toBe('ent');
    const onWaba = (await c.get(`/${o.wabaId}/solutions`, o.token)).body;
    expect(onWaba.data[0].id).toBe('7000000000000001');
    const tok = solutionAccessTokenSchema.parse((await c.get('/7000000000000001/access_token', SYSTEM_TOKEN, { business_id: o.businessId })).body);
    wabaSchema.parse((await c.get(`/${o.wabaId}`, tok.data[0]?.access_token)).body);
    migrationIntentSchema.parse((await c.post(`/${o.wabaId}/set_solution_migration_intent`, o.token, { solution_id: '7000000000000003' })).body);
  });
  it('deactivation request, then the other party accepts it (control decision)', async () => {
    const created = (
      await c.post(`/${APP_ID}/whatsapp_business_solution`, SYSTEM_TOKEN, {
        solution_name: 'To retire',
        partner_app_id: '1000000000000002',
        owner_permissions: [],
        partner_permissions: ['MESSAGING'],
      })
    ).body.solution_id;
    expect((await c.control('POST', `/solutions/${created}/decision`, { decision: 'accept' })).status).toBe(200);
    successSchema.parse((await c.post(`/${created}/send_deactivation_request`, SYSTEM_TOKEN)).body);
    expect(solutionSchema.parse((await c.get(`/${created}`, SYSTEM_TOKEN)).body).status_for_pending_request).toBe('PENDING_DEACTIVATION');
    await c.control('POST', `/solutions/${created}/decision`, { decision: 'accept_deactivation_request' });
    expect(solutionSchema.parse((await c.get(`/${created}`, SYSTEM_TOKEN)).body).status).toBe('DEACTIVATED');
  });
  it('embedded creation: user token for chosen apps, application_details, create as the TP', async () => {
    const { ids } = await import('../scenarios');
    const { startSession, chooseLogin, chooseApps } = await import('../signup');
    const s = startSession(sb.sandbox, { appId: APP_ID, origin: 'http://localhost', scope: 'manage_app_solution' });
    chooseLogin(sb.sandbox, s, { personId: ids.tara });
    chooseApps(sb.sandbox, s, [ids.tpApp]);
    const token = s.result?.accessToken ?? '';
    const apps = applicationDetailsSchema.parse((await c.get('/me/application_details', token)).body);
    expect(apps.data.map((a) => a.id)).toEqual([ids.tpApp]);
    const created = solutionCreatedSchema.parse(
      (
        await c.post(`/${ids.tpApp}/whatsapp_business_solution`, token, {
          solution_name: 'TP x Onramp',
          partner_app_id: APP_ID,
          owner_permissions: ['MESSAGING'],
          partner_permissions: [],
        })
      ).body,
    );
    successSchema.parse((await c.post(`/${created.solution_id}/accept`, SYSTEM_TOKEN)).body);
  });
});

describe('manage_app_solution login without a browser (control API)', () => {
  it('gives a user token for the person’s chosen developer apps, which application_details lists and which creates as the owner app', async () => {
    const r = await c.control('POST', '/solution-logins', { personId: '8000000000000005', appIds: ['1000000000000003'] });
    expect(r.status).toBe(201);
    expect(r.body.appIds).toEqual(['1000000000000003']);
    const apps = applicationDetailsSchema.parse((await c.get('/me/application_details', r.body.accessToken)).body);
    expect(apps.data.map((a) => a.id)).toEqual(['1000000000000003']);
    const created = solutionCreatedSchema.parse(
      (
        await c.post('/1000000000000003/whatsapp_business_solution', r.body.accessToken, {
          solution_name: 'Staging x Onramp',
          partner_app_id: APP_ID,
          owner_permissions: [],
          partner_permissions: ['MESSAGING'],
        })
      ).body,
    );
    expect(solutionSchema.parse((await c.get(`/${created.solution_id}`, SYSTEM_TOKEN)).body).status).toBe('INITIATED');
  });

  it('lets the partner’s own developer (Pat Morgan) log in for the partner’s app, as a Tech Provider running the portal would', async () => {
    const r = await c.control('POST', '/solution-logins', { personId: '8000000000000006' });
    expect(r.body.appIds).toEqual([APP_ID]);
    const created = solutionCreatedSchema.parse(
      (
        await c.post(`/${APP_ID}/whatsapp_business_solution`, r.body.accessToken, {
          solution_name: 'Onramp x Other BSP',
          partner_app_id: '1000000000000099',
          owner_permissions: ['MESSAGING'],
          partner_permissions: [],
        })
      ).body,
    );
    // The invitation is answered with the same kind of login: accept it as the other app would, then ask to deactivate as the owner.
    await c.control('POST', `/solutions/${created.solution_id}/decision`, { decision: 'accept' });
    successSchema.parse((await c.post(`/${created.solution_id}/send_deactivation_request`, r.body.accessToken)).body);
  });

  it('refuses apps the person is not a developer of, and unknown people', async () => {
    expect((await c.control('POST', '/solution-logins', { personId: '8000000000000006', appIds: ['1000000000000002'] })).status).toBe(400);
    expect((await c.control('POST', '/solution-logins', { personId: '8000000000000099' })).status).toBe(400);
  });
});

describe('partner-led business verification', () => {
  it('submits documents (multipart), lists submissions, reads verification_status', async () => {
    const o = await onboard(sb);
    const form = new FormData();
    form.set('end_business_id', o.businessId);
    form.set('business_vertical', 'RETAIL');
    form.append('business_documents[]', new Blob([Buffer.from('%PDF-1.4 sandbox')], { type: 'application/pdf' }), 'registration.pdf');
    const { call } = await import('./helpers');
    const r = await call(sb.url, 'POST', `/${PARTNER_BUSINESS_ID}/self_certify_whatsapp_business`, { token: SYSTEM_TOKEN, body: form });
    expect(plbvSubmitSchema.parse(r.body).verification_attempts).toBe(1);
    const subs = submissionsSchema.parse(
      (await c.get(`/${PARTNER_BUSINESS_ID}/self_certified_whatsapp_business_submissions`, SYSTEM_TOKEN, { end_business_id: o.businessId })).body,
    );
    expect(subs.data[0]?.verification_status).toBe('PENDING');
    expect(businessVerificationSchema.parse((await c.get(`/${o.businessId}`, o.token, { fields: 'verification_status' })).body).verification_status).toBe(
      'pending',
    );
    await c.control('POST', `/business-verification/${subs.data[0]?.id}/decision`, { status: 'APPROVED' });
    expect(businessVerificationSchema.parse((await c.get(`/${o.businessId}`, o.token, { fields: 'verification_status' })).body).verification_status).toBe(
      'verified',
    );
  });
});

describe('coexistence syncs', () => {
  it('smb_app_data returns a request id for each sync type', async () => {
    const o = await onboard(sb, {
      extras: { featureType: 'whatsapp_business_app_onboarding' },
      person: { personId: '8000000000000004' },
      business: { businessId: '2100000000000004' },
    });
    const phones = phoneListSchema.parse((await c.get(`/${o.wabaId}/phone_numbers`, o.token, { fields: 'id,is_on_biz_app' })).body);
    const phoneId = phones.data[0]?.id ?? '';
    smbSyncSchema.parse((await c.post(`/${phoneId}/smb_app_data`, o.token, { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' })).body);
    smbSyncSchema.parse((await c.post(`/${phoneId}/smb_app_data`, o.token, { messaging_product: 'whatsapp', sync_type: 'history' })).body);
  });
});
