import { describe, expect, it } from 'vitest';
import { cancelAdvice, isTrustedOrigin, parseSignupMessage } from '@/lib/onboarding/signup-messages';

describe('isTrustedOrigin', () => {
  it.each(['https://facebook.com', 'https://www.facebook.com', 'https://web.facebook.com', 'https://business.facebook.com'])('accepts %s', (origin) => {
    expect(isTrustedOrigin(origin)).toBe(true);
  });

  it.each([
    'https://evilfacebook.com',
    'https://facebook.com.evil.io',
    'https://www.facebook.co',
    'http://www.facebook.com',
    'https://www.facebook.com:8443',
    'https://facebook.com@evil.io',
    'null',
    '',
    'https://127.0.0.1:4010',
  ])('refuses %s', (origin) => {
    expect(isTrustedOrigin(origin)).toBe(false);
  });

  it('accepts an extra origin only exactly', () => {
    const extra = ['http://127.0.0.1:4010'];
    expect(isTrustedOrigin('http://127.0.0.1:4010', extra)).toBe(true);
    expect(isTrustedOrigin('http://127.0.0.1:4011', extra)).toBe(false);
    expect(isTrustedOrigin('http://localhost:4010', extra)).toBe(false);
    expect(isTrustedOrigin('https://127.0.0.1:4010', extra)).toBe(false);
  });
});

describe('parseSignupMessage', () => {
  it('reads every finish variant with ids kept as strings', () => {
    const finish = parseSignupMessage(
      JSON.stringify({
        type: 'WA_EMBEDDED_SIGNUP',
        event: 'FINISH',
        data: { phone_number_id: '109876543210001', waba_id: '209876543210002', business_id: '309876543210003' },
      }),
    );
    expect(finish).toEqual({ kind: 'finish', event: 'FINISH', phoneNumberId: '109876543210001', wabaId: '209876543210002', businessId: '309876543210003' });
    expect(parseSignupMessage({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH_ONLY_WABA', data: { waba_id: '209876543210002' }, version: 3 })).toEqual({
      kind: 'finish',
      event: 'FINISH_ONLY_WABA',
      wabaId: '209876543210002',
    });
    expect(parseSignupMessage({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING', data: { waba_id: '1' } })).toMatchObject({
      kind: 'finish',
      wabaId: '1',
    });
  });

  it('reads a cancel with its step and the error form', () => {
    expect(parseSignupMessage({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data: { current_step: 'PHONE_NUMBER_SETUP' } })).toEqual({
      kind: 'cancel',
      currentStep: 'PHONE_NUMBER_SETUP',
    });
    expect(
      parseSignupMessage({
        type: 'WA_EMBEDDED_SIGNUP',
        event: 'CANCEL',
        data: {
          error_message: 'Your verified name violates WhatsApp guidelines',
          error_code: '524126',
          session_id: 'f34b51dab5e0498',
          timestamp: '1746041036',
        },
      }),
    ).toEqual({
      kind: 'error',
      errorMessage: 'Your verified name violates WhatsApp guidelines',
      errorCode: '524126',
      sessionId: 'f34b51dab5e0498',
      timestamp: '1746041036',
    });
    expect(parseSignupMessage({ type: 'WA_EMBEDDED_SIGNUP', event: 'ERROR', data: {} })).toMatchObject({ kind: 'error' });
  });

  it('ignores what is not an Embedded Signup message', () => {
    for (const raw of [
      'cb=f1234&domain=example.com',
      '{not json',
      42,
      null,
      { type: 'OTHER' },
      { type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH', data: { waba_id: 'not-an-id' } },
    ]) {
      expect(parseSignupMessage(raw)).toBeNull();
    }
  });

  it('gives advice for every documented step and unknown ones', () => {
    expect(cancelAdvice('PHONE_NUMBER_VERIFICATION')).toMatch(/verif/);
    expect(cancelAdvice('SOME_NEW_V4_SCREEN')).toMatch(/Start again/);
    expect(cancelAdvice(null)).toMatch(/closed/);
  });
});
