import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphError } from '@/lib/meta/graph';
import {
  createPhoneNumber,
  deregisterPhoneNumber,
  getPhoneNumber,
  registerPhoneNumber,
  requestDisplayNameChange,
  requestVerificationCode,
  setTwoStepPin,
  verifyCode,
} from '@/lib/meta/phone-numbers';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// Against the sandbox: the phone-number lifecycle and its error codes (docs/meta/phone-numbers.md).

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

describe('phone numbers', () => {
  it('registers a number with a PIN and a data localization region', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await registerPhoneNumber(phoneNumberId!, { pin: '581063', dataLocalizationRegion: 'DE' }, token, { step: 'register' });
    const phone = await getPhoneNumber(phoneNumberId!, token);
    expect(phone).toMatchObject({ status: 'CONNECTED', platform_type: 'CLOUD_API' });
  });

  it('reports a PIN mismatch (133005) as permanent with a clear hint, without the PIN', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await registerPhoneNumber(phoneNumberId!, { pin: '111111' }, token);
    const error = await failure(registerPhoneNumber(phoneNumberId!, { pin: '222222' }, token));
    expect(error).toMatchObject({ code: 133005, kind: 'permanent', httpStatus: 400 });
    expect(error.hint).toMatch(/PIN does not match/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('222222');
  });

  it('stops at the register/deregister budget (133016) as permanent', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await registerPhoneNumber(phoneNumberId!, { pin: '123456' }, token);
    for (let i = 0; i < 9; i++) {
      if (i % 2 === 0) await deregisterPhoneNumber(phoneNumberId!, token);
      else await registerPhoneNumber(phoneNumberId!, { pin: '123456' }, token);
    }
    const error = await failure(registerPhoneNumber(phoneNumberId!, { pin: '123456' }, token));
    expect(error).toMatchObject({ code: 133016, kind: 'permanent', isTransient: false });
    expect(error.hint).toMatch(/72 hours/);
    expect(error.details).toMatch(/10 in 72 hours/);
  });

  it('refuses a malformed PIN before calling Meta', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await expect(registerPhoneNumber(phoneNumberId!, { pin: '12345' }, token)).rejects.toThrow(/6 digits/);
  });

  it('creates a number, verifies it with the SMS code (hyphen stripped) and registers it', async () => {
    const { wabaId, token } = await meta.onboard();
    const id = await createPhoneNumber(wabaId, { cc: '1', phoneNumber: '5550177123', verifiedName: 'Acme Support' }, token);
    expect(id).toMatch(/^\d+$/);
    expect((await getPhoneNumber(id, token)).code_verification_status).not.toBe('VERIFIED');
    await requestVerificationCode(id, { method: 'SMS', language: 'en_US' }, token);
    const sms = (await meta.control('GET', '/sms')).body as { data: { phoneNumberId: string; text: string }[] };
    const text = sms.data.find((m) => m.phoneNumberId === id)!.text;
    const code = /(\d{3}-\d{3})/.exec(text)![1]!;
    await verifyCode(id, code, token);
    expect((await getPhoneNumber(id, token)).code_verification_status).toBe('VERIFIED');
    const again = await failure(requestVerificationCode(id, { method: 'SMS', language: 'en_US' }, token));
    expect(again).toMatchObject({ code: 136024, kind: 'permanent' });
    await registerPhoneNumber(id, { pin: '246810' }, token);
  });

  it('sets the two-step PIN, which register must then match', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await setTwoStepPin(phoneNumberId!, '135790', token);
    const error = await failure(registerPhoneNumber(phoneNumberId!, { pin: '000000' }, token));
    expect(error.code).toBe(133005);
    await registerPhoneNumber(phoneNumberId!, { pin: '135790' }, token);
  });

  it('requests a display name change for review', async () => {
    const { phoneNumberId, token } = await meta.onboard();
    await requestDisplayNameChange(phoneNumberId!, 'Acme Help Desk', token);
    const phone = await getPhoneNumber(phoneNumberId!, token, {}, ['new_name_status']);
    expect(phone.new_name_status).toBe('PENDING_REVIEW');
  });
});
