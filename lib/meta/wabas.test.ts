import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPhoneNumber, listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { getWaba, getWabaOwner } from '@/lib/meta/wabas';

// Against the sandbox: WABA and phone-number reads (docs/meta/wabas.md, docs/meta/phone-numbers.md).

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

describe('WABA reads', () => {
  it('reads the fields onboarding needs, with the owner business from Meta', async () => {
    const { wabaId, businessId, token } = await meta.onboard();
    const waba = await getWaba(wabaId, token, { step: 'read_waba' });
    expect(waba.id).toBe(wabaId);
    expect(waba.owner_business_info?.id).toBe(businessId);
    expect(waba.account_review_status).toMatch(/PENDING|APPROVED|REJECTED/);
    expect(waba.whatsapp_business_manager_messaging_limit).toBeTruthy();
    expect(waba.health_status?.can_send_message).toMatch(/AVAILABLE|LIMITED|BLOCKED/);
    expect(waba.primary_funding_id).toBeUndefined();
    expect(await getWabaOwner(wabaId, token)).toMatchObject({ id: businessId });
  });

  it("lists the WABA's phone numbers and reads one", async () => {
    const { wabaId, phoneNumberId, token } = await meta.onboard();
    const numbers = await listPhoneNumbers(wabaId, token);
    expect(numbers.map((n) => n.id)).toEqual([phoneNumberId]);
    const phone = await getPhoneNumber(phoneNumberId!, token);
    expect(phone).toMatchObject({ id: phoneNumberId, code_verification_status: 'VERIFIED', is_on_biz_app: false });
    expect(phone.display_phone_number).toBeTruthy();
  });

  it('a WABA the token was not granted does not exist for it', async () => {
    const { token } = await meta.onboard();
    const error = await getWaba('2200000000000003', token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 100, subcode: 33, kind: 'permanent' });
  });
});
