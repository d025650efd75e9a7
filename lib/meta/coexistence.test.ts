import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSync } from '@/lib/meta/coexistence';
import { getPhoneNumber, listPhoneNumbers, registerPhoneNumber } from '@/lib/meta/phone-numbers';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// Against the sandbox: onboarding a WhatsApp Business app number (docs/meta/coexistence.md).

let meta: MetaSandbox;
const bakery = { person: { personId: '8000000000000004' }, business: { businessId: '2100000000000004' } };
const extras = { featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' };

beforeAll(async () => {
  meta = await startMetaSandbox();
});

// The scenario has one business-app number; each test onboards it afresh.
beforeEach(async () => {
  await meta.control('POST', '/reset', { scenario: 'demo' });
});

afterAll(async () => {
  await meta.close();
});

describe('coexistence', () => {
  it('finds the number on the business app, starts each sync once, and never registers it', async () => {
    const { wabaId, token } = await meta.onboard({ ...bakery, extras, shareHistory: true });
    const phone = (await listPhoneNumbers(wabaId, token)).find((p) => p.is_on_biz_app);
    expect(phone).toBeDefined();
    expect(await getPhoneNumber(phone!.id, token, {}, ['is_on_biz_app', 'platform_type'])).toMatchObject({ is_on_biz_app: true, platform_type: 'CLOUD_API' });

    const contacts = await startSync(phone!.id, 'smb_app_state_sync', token, { step: 'sync_contacts' });
    expect(contacts).toMatchObject({ status: 'started', requestId: expect.any(String) });
    expect(await startSync(phone!.id, 'smb_app_state_sync', token)).toEqual({ status: 'already_requested' });
    expect((await startSync(phone!.id, 'history', token)).status).toBe('started');

    const register = await registerPhoneNumber(phone!.id, { pin: '123456' }, token).catch((e: unknown) => e);
    expect(register).toMatchObject({ code: 100, kind: 'permanent' });
  });

  it('reports a sync after the 24-hour window as unavailable (2593108)', async () => {
    const { wabaId, token } = await meta.onboard({ ...bakery, extras, shareHistory: true });
    const phone = (await listPhoneNumbers(wabaId, token)).find((p) => p.is_on_biz_app)!;
    await meta.control('POST', '/clock/advance', { seconds: 25 * 3600 });
    const error = await startSync(phone.id, 'history', token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2593108, kind: 'permanent' });
  });
});
