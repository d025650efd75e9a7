import { scheduleAutoDecisions } from '../decisions';
import { newPhoneNumber } from '../signup';
import { displayPhoneNumber, e164Digits, graphTime, phonesOfWaba, type PhoneNumber, type Sandbox, type Waba } from '../state';
import { authenticate, loadPhone, loadWaba } from './auth';
import type { GraphContext } from './context';
import { objectParam, stringParam } from './context';
import { invalidParameter, missingParameter, whatsappError } from './errors';
import { page, selectFields } from './fields';
import { requireVerifiedCallback } from './subscribed-apps';
import { healthStatus } from './wabas';

export const countryByDialCode: Record<string, string> = {
  '1': 'US',
  '44': 'GB',
  '49': 'DE',
  '91': 'IN',
  '55': 'BR',
  '62': 'ID',
  '61': 'AU',
  '33': 'FR',
  '34': 'ES',
  '52': 'MX',
};
const REGISTER_WINDOW_MS = 72 * 3600 * 1000;
const REGISTER_BUDGET = 10;
const REGISTER_DEADLINE_MS = 14 * 24 * 3600 * 1000;

export function phoneFieldGetters(sb: Sandbox, phone: PhoneNumber, waba: Waba): Record<string, () => unknown> {
  const subscription = waba.subscriptions.find((s) => s.appId === sb.options.appId);
  return {
    id: () => phone.id,
    display_phone_number: () => displayPhoneNumber(phone.cc, phone.number),
    verified_name: () => phone.verifiedName,
    code_verification_status: () => phone.codeVerificationStatus,
    quality_rating: () => phone.qualityRating,
    status: () => phone.status,
    name_status: () => phone.nameStatus,
    new_name_status: () => phone.newNameStatus,
    new_display_name: () => (phone.newNameStatus !== 'NONE' ? phone.requestedName : undefined),
    platform_type: () => phone.platformType,
    throughput: () => ({ level: phone.throughputLevel }),
    messaging_limit_tier: () => waba.messagingLimit,
    is_official_business_account: () => phone.isOfficialBusinessAccount,
    account_mode: () => phone.accountMode,
    is_on_biz_app: () => phone.isOnBizApp,
    is_pin_enabled: () => phone.pin !== undefined,
    last_onboarded_time: () => (phone.lastOnboardedTime ? graphTime(phone.lastOnboardedTime) : undefined),
    webhook_configuration: () => ({
      ...(phone.webhookOverride ? { phone_number: phone.webhookOverride.uri } : {}),
      ...(subscription?.overrideUri ? { whatsapp_business_account: subscription.overrideUri } : {}),
      ...(sb.config.webhookUrl ? { application: sb.config.webhookUrl } : {}),
    }),
    health_status: () => healthStatus(sb, waba, phone),
    country_code: () => countryByDialCode[phone.cc] ?? 'US',
    country_dial_code: () => phone.cc,
    data_localization_region: () => phone.dataLocalizationRegion,
  };
}

export function readPhone(ctx: GraphContext, phone: PhoneNumber, waba: Waba) {
  return selectFields(ctx, 'WhatsAppBusinessPhoneNumber', phoneFieldGetters(ctx.sb, phone, waba), [
    'id',
    'display_phone_number',
    'verified_name',
    'quality_rating',
  ]);
}

/** GET /{waba-id}/phone_numbers (Meta: Manage phone numbers): most recent Embedded Signup completion first. */
export function listPhoneNumbers(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, id, 'read');
  let phones = phonesOfWaba(sb, waba.id);
  const filtering = ctx.params.filtering;
  if (filtering !== undefined) {
    let parsed: unknown = filtering;
    try {
      if (typeof filtering === 'string') parsed = JSON.parse(filtering.replace(/'/g, '"'));
    } catch {
      throw invalidParameter('filtering must be a JSON array');
    }
    for (const f of Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : []) {
      if (f.field !== 'account_mode') throw invalidParameter(`filtering on ${String(f.field)} is not supported`);
      phones = phones.filter((p) => p.accountMode === f.value);
    }
  }
  const sort = stringParam(ctx, 'sort');
  const onboarded = (p: PhoneNumber) => p.lastOnboardedTime ?? p.createdAt;
  if (sort === 'last_onboarded_time_ascending') phones.sort((a, b) => onboarded(a) - onboarded(b));
  else if (sort === 'creation_time.asc') phones.sort((a, b) => a.createdAt - b.createdAt);
  else phones.sort((a, b) => onboarded(b) - onboarded(a) || b.createdAt - a.createdAt);
  return page(
    ctx,
    phones.map((p) => readPhone(ctx, p, waba)),
  );
}

/** POST /{waba-id}/phone_numbers (Meta: Registering business phone numbers). */
export function createPhoneNumber(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, id, 'manage');
  const ccRaw = stringParam(ctx, 'cc');
  const numberRaw = stringParam(ctx, 'phone_number');
  const verifiedName = stringParam(ctx, 'verified_name');
  if (!ccRaw) throw missingParameter('cc');
  if (!numberRaw) throw missingParameter('phone_number');
  if (!verifiedName) throw missingParameter('verified_name');
  const cc = ccRaw.replace(/\D/g, '');
  let number = numberRaw.replace(/\D/g, '');
  if (number.startsWith(cc) && number.length > 10) number = number.slice(cc.length);
  if (!/^\d{1,3}$/.test(cc) || !/^\d{6,14}$/.test(number)) throw invalidParameter('The phone number is not a valid number for this country code.');
  if (Object.values(sb.state.phoneNumbers).some((p) => p.cc === cc && p.number === number && p.status !== 'DELETED')) {
    throw invalidParameter('This phone number is already on a WhatsApp Business Account.', '(#100) Phone number already in use');
  }
  const phone = newPhoneNumber(sb, waba.id, cc, number, verifiedName);
  return { id: phone.id };
}

/** POST /{phone-number-id}/request_code (Meta: Registering business phone numbers): params in the query or the body. */
export function requestCode(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  const method = stringParam(ctx, 'code_method');
  const language = stringParam(ctx, 'language');
  if (!method) throw missingParameter('code_method');
  if (method !== 'SMS' && method !== 'VOICE') throw invalidParameter('code_method must be SMS or VOICE');
  if (!language) throw missingParameter('language');
  if (phone.codeVerificationStatus === 'VERIFIED') {
    throw whatsappError(136024, 'Phone number already verified', 'This phone number is already verified; request_code is not needed.');
  }
  const code = sb.rng.ids.digits(6);
  phone.pendingCode = { code, sentAt: sb.clock.now(), method };
  sb.state.sms.push({
    phoneNumberId: phone.id,
    to: `+${e164Digits(phone)}`,
    method,
    text: `WhatsApp code ${code.slice(0, 3)}-${code.slice(3)}`,
    at: sb.clock.now(),
  });
  return { success: true };
}

export function verifyCode(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  const code = stringParam(ctx, 'code');
  if (!code) throw missingParameter('code');
  if (phone.codeVerificationStatus === 'VERIFIED') {
    throw whatsappError(136024, 'Phone number already verified', 'This phone number is already verified.');
  }
  // Meta documents no code for this; third-party code uses 136025 for verify_code failures.
  if (!phone.pendingCode) throw whatsappError(136025, 'Code not requested', 'Request a code with POST /{phone-number-id}/request_code first.');
  if (code.replace(/\D/g, '') !== phone.pendingCode.code || code.includes('-')) {
    throw whatsappError(136025, 'Verify code error', 'The code is invalid. Send the digits without the hyphen.');
  }
  phone.codeVerificationStatus = 'VERIFIED';
  delete phone.pendingCode;
  return { success: true };
}

function spendRegisterBudget(sb: Sandbox, phone: PhoneNumber) {
  const now = sb.clock.now();
  phone.registerCalls = phone.registerCalls.filter((t) => now - t < REGISTER_WINDOW_MS);
  if (phone.registerCalls.length >= REGISTER_BUDGET) {
    throw whatsappError(
      133016,
      'Account register deregister rate limit exceeded',
      'Registration or deregistration attempts exceeded 10 in 72 hours. The number is blocked until the window passes.',
    );
  }
  phone.registerCalls.push(now);
}

function refuseCoexistence(phone: PhoneNumber, what: string) {
  if (phone.isOnBizApp) {
    throw invalidParameter(
      `${what} is not available for WhatsApp Business app (coexistence) numbers; they are already registered.`,
      '(#100) Invalid parameter',
    );
  }
}

/** POST /{phone-number-id}/register (Meta: Registering business phone numbers). */
export function registerPhone(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  const product = stringParam(ctx, 'messaging_product');
  const pin = stringParam(ctx, 'pin');
  const region = stringParam(ctx, 'data_localization_region');
  if (!product) throw missingParameter('messaging_product');
  if (product !== 'whatsapp') throw invalidParameter('messaging_product must be "whatsapp"');
  if (!pin) throw missingParameter('pin');
  if (!/^\d{6}$/.test(pin)) throw invalidParameter('pin must be 6 digits');
  if (region !== undefined && !/^[A-Z]{2}$/.test(region)) throw invalidParameter('data_localization_region must be an ISO 3166 alpha-2 code');
  refuseCoexistence(phone, 'register');
  spendRegisterBudget(sb, phone);
  if (phone.codeVerificationStatus !== 'VERIFIED') {
    throw whatsappError(133006, 'Phone number re-verification needed', 'Verify the number (request_code, verify_code) before registering it.');
  }
  if (phone.lastOnboardedTime && !phone.registeredAt && sb.clock.now() - phone.lastOnboardedTime > REGISTER_DEADLINE_MS) {
    throw invalidParameter('The number was not registered within 14 days of completing Embedded Signup; the customer must complete the flow again.');
  }
  if (phone.pin !== undefined && phone.pin !== pin) {
    throw whatsappError(133005, 'Two step verification PIN Mismatch', 'Two-step verification is enabled on this number; send its existing PIN.');
  }
  phone.pin = pin;
  phone.status = 'CONNECTED';
  phone.platformType = 'CLOUD_API';
  phone.registeredAt = sb.clock.now();
  if (region) phone.dataLocalizationRegion = region;
  if (phone.qualityRating === 'UNKNOWN') phone.qualityRating = 'GREEN';
  if (phone.newNameStatus === 'APPROVED' && phone.requestedName) {
    // An approved display name change applies on the next register (Meta: Display names).
    phone.verifiedName = phone.requestedName;
    phone.nameStatus = 'APPROVED';
    phone.newNameStatus = 'NONE';
    delete phone.requestedName;
  }
  return { success: true };
}

export function deregisterPhone(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  refuseCoexistence(phone, 'deregister');
  spendRegisterBudget(sb, phone);
  if (!phone.registeredAt) throw whatsappError(133010, 'Phone number Not Registered', 'The number is not registered on the Cloud API.');
  delete phone.registeredAt;
  phone.status = 'DISCONNECTED';
  phone.platformType = 'NOT_APPLICABLE';
  return { success: true };
}

/** POST /{phone-number-id}: two-step PIN, display name change, or per-number webhook override. */
export async function updatePhone(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  const pin = stringParam(ctx, 'pin');
  const newName = stringParam(ctx, 'new_display_name');
  const webhook = objectParam(ctx, 'webhook_configuration');
  if (pin === undefined && newName === undefined && webhook === undefined)
    throw invalidParameter('Nothing to update: send pin, new_display_name or webhook_configuration');
  if (pin !== undefined) {
    if (!/^\d{6}$/.test(pin)) throw invalidParameter('pin must be 6 digits');
    phone.pin = pin;
  }
  if (newName !== undefined) {
    if (newName.trim() === '') throw invalidParameter('new_display_name must not be empty');
    phone.requestedName = newName.trim();
    phone.newNameStatus = 'PENDING_REVIEW';
    scheduleAutoDecisions(sb, { phoneNumberId: phone.id });
  }
  if (webhook !== undefined) {
    const uri = typeof webhook.override_callback_uri === 'string' ? webhook.override_callback_uri : undefined;
    if (uri === undefined) throw invalidParameter('webhook_configuration.override_callback_uri is required');
    if (uri === '') {
      delete phone.webhookOverride;
    } else {
      if (uri.length > 200) throw invalidParameter('override_callback_uri must be at most 200 characters');
      const verifyToken = typeof webhook.verify_token === 'string' ? webhook.verify_token : '';
      await requireVerifiedCallback(ctx, uri, verifyToken);
      phone.webhookOverride = { uri, verifyToken };
    }
  }
  return { success: true };
}
