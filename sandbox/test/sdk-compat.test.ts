import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../server';
import {
  APP_ID,
  APP_SECRET,
  CREDIT_LINE_ID,
  PARTNER_BUSINESS_ID,
  SYSTEM_TOKEN,
  SYSTEM_USER_ID,
  client,
  onboard,
  startReceiver,
  startTestSandbox,
} from './helpers';

// Meta's official Node SDK (facebook-nodejs-business-sdk), unmodified, against the sandbox: its
// Graph base URL is overridden at run time, every call below is a plain SDK method. Each `it` is
// one SDK call (or one call and the cursor pages it returns); the file prints how many worked.

type Data = Record<string, any>;
type Cursor = Data[] & { hasNext(): boolean; next(): Promise<Cursor>; hasPrevious(): boolean; previous(): Promise<Cursor>; paging: any };
type Node = { id: string; _data: Data; get(fields: string[], params?: Data): Promise<Node>; delete(fields?: string[], params?: Data): Promise<Data> } & Record<
  string,
  any
>;
type NodeClass = {
  new (id: string | null, data?: Data, parentId?: string, api?: unknown): Node;
  getByIds(ids: string[], fields: string[], params: Data, api: unknown): Promise<Data[]>;
  Fields: Record<string, string>;
};
type Api = { call(method: string, path: string | string[], params?: Data): Promise<any>; getAppID(): Promise<any> };
type Sdk = {
  FacebookAdsApi: { new (token: string, locale?: string, crashLog?: boolean): Api; GRAPH: string; VERSION: string };
  FacebookAdsApiBatch: new (
    api: Api,
  ) => {
    add(method: string, path: string, params?: Data, files?: Data, success?: (r: any) => void, failure?: (r: any) => void): unknown;
    execute(): Promise<unknown>;
  };
  WhatsAppBusinessAccount: NodeClass;
  Business: NodeClass;
  ExtendedCredit: NodeClass;
  ExtendedCreditAllocationConfig: NodeClass;
  Application: NodeClass;
  SystemUser: NodeClass;
};

const sdk = createRequire(import.meta.url)('facebook-nodejs-business-sdk') as Sdk;

let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let systemApi: Api;
let businessApi: Api;
let appApi: Api;
let customer: { wabaId: string; phoneId: string | null; businessId: string; token: string };
let second: { wabaId: string; phoneId: string | null; businessId: string; token: string };
const results: { name: string; ok: boolean }[] = [];

/** One SDK call; the outcome is recorded for the figure printed at the end. */
function sdkCall(name: string, run: () => Promise<void>) {
  it(name, async () => {
    try {
      await run();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false });
      const e = error as { message?: string; response?: unknown };
      throw new Error(`${name}: ${e.message ?? String(error)} ${e.response ? JSON.stringify(e.response) : ''}`);
    }
  });
}

beforeAll(async () => {
  sb = await startTestSandbox({ scenario: 'demo' });
  // The SDK reads its base URL from this static getter on every call.
  Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', { get: () => sb.url, configurable: true });
  customer = await onboard(sb);
  // A second customer, so the partner's client WABA list has more than one page at limit 1.
  second = await onboard(sb);
  receiver = await startReceiver();
  systemApi = new sdk.FacebookAdsApi(SYSTEM_TOKEN, 'en_US', false);
  businessApi = new sdk.FacebookAdsApi(customer.token, 'en_US', false);
  const appToken = await client(sb).get('/oauth/access_token', undefined, { client_id: APP_ID, client_secret: APP_SECRET, grant_type: 'client_credentials' });
  appApi = new sdk.FacebookAdsApi(appToken.body.access_token as string, 'en_US', false);
});

afterAll(async () => {
  const ok = results.filter((r) => r.ok).length;
  console.log(`SDK compatibility: ${ok}/${results.length} facebook-nodejs-business-sdk calls work against the sandbox`);
  for (const r of results.filter((x) => !x.ok)) console.log(`  failed: ${r.name}`);
  await sb.close();
  await receiver.close();
});

const waba = (api: Api) => new sdk.WhatsAppBusinessAccount(customer.wabaId, {}, undefined, api);

describe('facebook-nodejs-business-sdk against the sandbox', () => {
  sdkCall('FacebookAdsApi.getAppID (a business token debugs itself)', async () => {
    const r = await businessApi.getAppID();
    expect(r.data.data.app_id).toBe(APP_ID);
  });

  sdkCall('WhatsAppBusinessAccount.get with field expansions', async () => {
    const node = await waba(businessApi).get([
      'id',
      'name',
      'currency',
      'owner_business_info{id,name}',
      'phone_numbers.limit(1){id,display_phone_number}',
      'health_status',
      'owner_business',
      'linked_commerce_account',
    ]);
    expect(node._data.owner_business_info).toEqual({ id: customer.businessId, name: expect.any(String) });
    expect(node._data.phone_numbers.data).toHaveLength(1);
    expect(Object.keys(node._data.phone_numbers.data[0]).sort()).toEqual(['display_phone_number', 'id']);
    expect(node._data).not.toHaveProperty('linked_commerce_account');
  });

  sdkCall('WhatsAppBusinessAccount.get with every field the SDK lists', async () => {
    const node = await waba(businessApi).get(Object.values(sdk.WhatsAppBusinessAccount.Fields));
    expect(node._data.id).toBe(customer.wabaId);
    expect(node._data.account_review_status).toEqual(expect.any(String));
  });

  sdkCall('WhatsAppBusinessAccount.createPhoneNumber (twice)', async () => {
    for (const n of ['5550190001', '5550190002']) {
      const created = await waba(businessApi).createPhoneNumber([], { cc: '1', phone_number: n, verified_name: 'Compat Test' });
      expect(created._data?.id ?? created.id).toMatch(/^\d+$/);
    }
  });

  sdkCall('WhatsAppBusinessAccount.getPhoneNumbers, cursor paged to the last page and back', async () => {
    const seen: string[] = [];
    let cursor = (await waba(businessApi).getPhoneNumbers(['id', 'display_phone_number', 'verified_name'], { limit: 1 })) as Cursor;
    seen.push(...cursor.map((p) => p._data.id as string));
    while (cursor.hasNext()) {
      cursor = await cursor.next();
      seen.push(...cursor.map((p) => p._data.id as string));
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(cursor.hasPrevious()).toBe(true);
    const back = await cursor.previous();
    expect(back[0]?._data.id).toBe(seen[1]);
  });

  sdkCall('WhatsAppBusinessAccount.createSubscribedApp', async () => {
    await waba(businessApi).createSubscribedApp([], {});
  });

  sdkCall('WhatsAppBusinessAccount.getSubscribedApps', async () => {
    const apps = (await waba(businessApi).getSubscribedApps([])) as Cursor;
    expect(apps[0]?._data.whatsapp_business_api_data.id).toBe(APP_ID);
  });

  sdkCall('WhatsAppBusinessAccount.createAssignedUser (partner system token)', async () => {
    const r = await waba(systemApi).createAssignedUser([], { user: SYSTEM_USER_ID, tasks: ['MANAGE'] });
    expect(r._data.success).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.getAssignedUsers with fields', async () => {
    const users = (await waba(systemApi).getAssignedUsers(['id', 'name', 'tasks'], { business: PARTNER_BUSINESS_ID })) as Cursor;
    expect(users.map((u) => u._data)).toContainEqual({ id: SYSTEM_USER_ID, name: expect.any(String), tasks: ['MANAGE'] });
  });

  sdkCall('WhatsAppBusinessAccount.getSolutions', async () => {
    const solutions = (await waba(businessApi).getSolutions(['id', 'name', 'status'])) as Cursor;
    expect(Array.isArray(solutions)).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.createMessageTemplate', async () => {
    const r = await waba(businessApi).createMessageTemplate([], {
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order {{1}} has shipped.', example: { body_text: [['#1234']] } }],
    });
    expect(r._data.status).toBe('PENDING');
  });

  sdkCall('WhatsAppBusinessAccount.getMessageTemplates', async () => {
    const list = (await waba(businessApi).getMessageTemplates(['name', 'status', 'category', 'language'])) as Cursor;
    expect(list.map((t) => t._data.name)).toContain('order_update');
  });

  sdkCall('WhatsAppBusinessAccount.getConversationAnalytics', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = (await waba(businessApi).getConversationAnalytics([], { start: now - 86400, end: now + 86400, granularity: 'DAILY' })) as Cursor;
    expect(Array.isArray(r[0]?._data.data_points)).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.getPricingAnalytics', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = (await waba(businessApi).getPricingAnalytics([], {
      start: now - 86400,
      end: now + 86400,
      granularity: 'DAILY',
      dimensions: ['PRICING_CATEGORY'],
    })) as Cursor;
    expect(Array.isArray(r[0]?._data.data_points)).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.deleteMessageTemplates', async () => {
    const r = await waba(businessApi).deleteMessageTemplates({ name: 'order_update' });
    expect(r.success).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.getByIds (GET /?ids=)', async () => {
    const list = await sdk.WhatsAppBusinessAccount.getByIds([customer.wabaId], ['id', 'name'], {}, businessApi);
    expect(list).toHaveLength(1);
  });

  sdkCall('Business.get', async () => {
    const b = await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).get(['id', 'name', 'created_time', 'verification_status']);
    expect(b._data.id).toBe(PARTNER_BUSINESS_ID);
  });

  sdkCall('Business.get with every field the SDK lists', async () => {
    const b = await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).get(Object.values(sdk.Business.Fields));
    expect(b._data.name).toEqual(expect.any(String));
  });

  sdkCall('Business.getClientWhatsAppBusinessAccounts', async () => {
    const list = (await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).getClientWhatsAppBusinessAccounts(
      ['id', 'name', 'owner_business_info'],
      { limit: 1 },
    )) as Cursor;
    expect(list).toHaveLength(1);
    let pages = 1;
    let cursor = list;
    while (cursor.hasNext()) {
      cursor = await cursor.next();
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
  });

  sdkCall('Business.getOwnedWhatsAppBusinessAccounts', async () => {
    const list = (await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).getOwnedWhatsAppBusinessAccounts(['id', 'name'])) as Cursor;
    expect(Array.isArray(list)).toBe(true);
  });

  sdkCall('Business.getSystemUsers with fields', async () => {
    const users = (await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).getSystemUsers(['id', 'name'])) as Cursor;
    expect(users[0]?._data).toEqual({ id: SYSTEM_USER_ID, name: expect.any(String) });
  });

  sdkCall('Business.getExtendedCredits', async () => {
    const lines = (await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).getExtendedCredits(['id', 'legal_entity_name'])) as Cursor;
    expect(lines[0]?._data.id).toBe(CREDIT_LINE_ID);
  });

  sdkCall('Business.getSelfCertifiedWhatsAppBusinessSubmissions', async () => {
    const list = (await new sdk.Business(PARTNER_BUSINESS_ID, {}, undefined, systemApi).getSelfCertifiedWhatsAppBusinessSubmissions([], {
      end_business_id: customer.businessId,
    })) as Cursor;
    expect(Array.isArray(list)).toBe(true);
  });

  sdkCall('ExtendedCredit.get', async () => {
    const line = await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, systemApi).get(['id', 'legal_entity_name', 'owner_business', 'balance']);
    expect(line._data.legal_entity_name).toEqual(expect.any(String));
  });

  let allocationId = '';
  sdkCall('ExtendedCredit.createWhatsAppCreditSharingAndAttach', async () => {
    const r = await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, systemApi).createWhatsAppCreditSharingAndAttach([], {
      waba_id: customer.wabaId,
      waba_currency: 'USD',
    });
    allocationId = r._data.allocation_config_id as string;
    expect(allocationId).toMatch(/^\d+$/);
  });

  sdkCall('ExtendedCredit.getOwningCreditAllocationConfigs filtered by receiving_business_id', async () => {
    const list = (await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, systemApi).getOwningCreditAllocationConfigs(['id', 'receiving_business'], {
      receiving_business_id: customer.businessId,
    })) as Cursor;
    expect(list.map((a) => a._data.id)).toEqual([allocationId]);
  });

  sdkCall('ExtendedCredit.get with every field the SDK lists', async () => {
    const line = await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, systemApi).get(Object.values(sdk.ExtendedCredit.Fields));
    expect(line._data.id).toBe(CREDIT_LINE_ID);
  });

  sdkCall('ExtendedCredit.createWhatsAppCreditSharing (alternate method, system token)', async () => {
    const r = await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, systemApi).createWhatsAppCreditSharing([], {
      receiving_business_id: second.businessId,
    });
    expect(r._data?.allocation_config_id ?? r.allocation_config_id).toMatch(/^\d+$/);
  });

  sdkCall('ExtendedCredit.createWhatsAppCreditAttach (alternate method, business token)', async () => {
    const r = await new sdk.ExtendedCredit(CREDIT_LINE_ID, {}, undefined, new sdk.FacebookAdsApi(second.token, 'en_US', false)).createWhatsAppCreditAttach([], {
      waba_id: second.wabaId,
      waba_currency: 'EUR',
    });
    expect(r._data?.waba_id ?? r.waba_id).toBe(second.wabaId);
  });

  sdkCall('ExtendedCreditAllocationConfig.get', async () => {
    const a = await new sdk.ExtendedCreditAllocationConfig(allocationId, {}, undefined, systemApi).get([
      'receiving_credential',
      'request_status',
      'receiving_business',
    ]);
    expect(a._data.request_status).toBe('APPROVED');
  });

  sdkCall('ExtendedCreditAllocationConfig.get with every field the SDK lists', async () => {
    const a = await new sdk.ExtendedCreditAllocationConfig(allocationId, {}, undefined, systemApi).get(
      Object.values(sdk.ExtendedCreditAllocationConfig.Fields),
    );
    expect(a._data.receiving_business.id).toBe(customer.businessId);
  });

  sdkCall('WhatsAppBusinessAccount.get primary_funding_id matches the allocation', async () => {
    const [node, allocation] = await Promise.all([
      waba(businessApi).get(['primary_funding_id']),
      new sdk.ExtendedCreditAllocationConfig(allocationId, {}, undefined, systemApi).get(['receiving_credential']),
    ]);
    expect(node._data.primary_funding_id).toBe(allocation._data.receiving_credential.id);
  });

  sdkCall('ExtendedCreditAllocationConfig.delete', async () => {
    const r = await new sdk.ExtendedCreditAllocationConfig(allocationId, {}, undefined, systemApi).delete([]);
    expect(r.success).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.deleteAssignedUsers', async () => {
    const r = await waba(systemApi).deleteAssignedUsers({ user: SYSTEM_USER_ID });
    expect(r.success).toBe(true);
  });

  sdkCall('WhatsAppBusinessAccount.deleteSubscribedApps', async () => {
    const r = await waba(businessApi).deleteSubscribedApps({});
    expect(r.success).toBe(true);
  });

  sdkCall('Application.get (app token)', async () => {
    const app = await new sdk.Application(APP_ID, {}, undefined, appApi).get(['id', 'name', 'link', 'app_domains']);
    expect(app._data.id).toBe(APP_ID);
  });

  sdkCall('Application.get with every field the SDK lists', async () => {
    const app = await new sdk.Application(APP_ID, {}, undefined, appApi).get(Object.values(sdk.Application.Fields));
    expect(app._data.name).toEqual(expect.any(String));
  });

  sdkCall('Application.getSubscriptions', async () => {
    const subs = (await new sdk.Application(APP_ID, {}, undefined, appApi).getSubscriptions([])) as Cursor;
    expect(Array.isArray(subs)).toBe(true);
  });

  sdkCall('Application.createSubscription', async () => {
    const r = await new sdk.Application(APP_ID, {}, undefined, appApi).createSubscription([], {
      object: 'whatsapp_business_account',
      callback_url: receiver.url,
      verify_token: 'sandbox-verify-token',
      fields: ['messages', 'account_update'],
    });
    expect(receiver.handshakes).toHaveLength(1);
    expect(r._data?.success ?? r.success).toBe(true);
  });

  sdkCall('Application.deleteSubscriptions (one field)', async () => {
    const r = await new sdk.Application(APP_ID, {}, undefined, appApi).deleteSubscriptions({ object: 'whatsapp_business_account', fields: ['security'] });
    expect(r.success).toBe(true);
  });

  sdkCall('Application.getWhatsAppBusinessSolutions', async () => {
    const list = (await new sdk.Application(APP_ID, {}, undefined, systemApi).getWhatsAppBusinessSolutions(['id', 'name', 'status'], {
      role: 'PARTNER',
    })) as Cursor;
    expect(list.length).toBeGreaterThan(0);
  });

  sdkCall('Application.createWhatsAppBusinessSolution', async () => {
    const r = await new sdk.Application(APP_ID, {}, undefined, systemApi).createWhatsAppBusinessSolution([], {
      solution_name: 'Compat x Brew Tech',
      partner_app_id: '1000000000000002',
      owner_permissions: ['MESSAGING'],
      partner_permissions: [],
    });
    expect(r._data.solution_id).toMatch(/^\d+$/);
  });

  sdkCall('WhatsAppBusinessAccount.createSetSolutionMigrationIntent', async () => {
    const r = await waba(businessApi).createSetSolutionMigrationIntent([], { solution_id: '7000000000000001' });
    expect(r._data?.id ?? r.id).toMatch(/^\d+$/);
  });

  sdkCall('SystemUser.getAssignedWhatsAppBusinessAccounts', async () => {
    await new sdk.WhatsAppBusinessAccount(second.wabaId, {}, undefined, systemApi).createAssignedUser([], { user: SYSTEM_USER_ID, tasks: ['MANAGE_BILLING'] });
    const list = (await new sdk.SystemUser(SYSTEM_USER_ID, {}, undefined, systemApi).getAssignedWhatsAppBusinessAccounts(['id', 'name'])) as Cursor;
    expect(list.map((w) => w._data.id)).toContain(second.wabaId);
  });

  sdkCall('SystemUser.get with every field the SDK lists', async () => {
    const u = await new sdk.SystemUser(SYSTEM_USER_ID, {}, undefined, systemApi).get(Object.values(sdk.SystemUser.Fields));
    expect(u._data.name).toEqual(expect.any(String));
  });

  sdkCall('SystemUser.get', async () => {
    const u = await new sdk.SystemUser(SYSTEM_USER_ID, {}, undefined, systemApi).get(['id', 'name', 'created_time']);
    expect(u._data.id).toBe(SYSTEM_USER_ID);
  });

  sdkCall('FacebookAdsApi.call debug_token with the system token', async () => {
    const r = await systemApi.call('GET', ['debug_token'], { input_token: customer.token });
    expect(r.data.granular_scopes[0].target_ids).toContain(customer.wabaId);
  });

  sdkCall('FacebookAdsApiBatch.execute (two reads in one request)', async () => {
    const replies: { ok: boolean; body: any }[] = [];
    const batch = new sdk.FacebookAdsApiBatch(businessApi);
    const ok = (r: any) => replies.push({ ok: true, body: r.body });
    const fail = (r: any) => replies.push({ ok: false, body: r.body });
    batch.add('GET', customer.wabaId, { fields: 'id,name' }, undefined, ok, fail);
    batch.add('GET', `${customer.wabaId}/phone_numbers`, { fields: 'id', limit: 1 }, undefined, ok, fail);
    const retry = await batch.execute();
    expect(retry).toBeNull();
    expect(replies.map((r) => r.ok)).toEqual([true, true]);
    expect(replies[0]?.body.id).toBe(customer.wabaId);
    expect(replies[1]?.body.data).toHaveLength(1);
  });
});
