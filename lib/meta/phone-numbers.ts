import { z } from 'zod';
import { type AuditContext, type GraphToken, fieldList, graphIdSchema, graphList, graphRequest, lenientEnum, successSchema, readNode } from '@/lib/meta/graph';
import { healthStatusSchema } from '@/lib/meta/wabas';

// Business phone numbers (docs/meta/phone-numbers.md).

export const phoneNumberSchema = z.looseObject({
  id: graphIdSchema,
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  code_verification_status: lenientEnum(['VERIFIED', 'NOT_VERIFIED', 'UNVERIFIED', 'EXPIRED'] as const).optional(),
  quality_rating: lenientEnum(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN'] as const).optional(),
  status: lenientEnum(['CONNECTED', 'PENDING', 'DISCONNECTED', 'FLAGGED', 'RESTRICTED', 'RATE_LIMITED', 'BANNED', 'DELETED', 'MIGRATED'] as const).optional(),
  name_status: z.string().optional(),
  new_name_status: z.string().optional(),
  platform_type: lenientEnum(['CLOUD_API', 'ON_PREMISE', 'NOT_APPLICABLE'] as const).optional(),
  throughput: z.looseObject({ level: z.string() }).optional(),
  is_official_business_account: z.boolean().optional(),
  account_mode: lenientEnum(['SANDBOX', 'LIVE'] as const).optional(),
  is_on_biz_app: z.boolean().optional(),
  is_pin_enabled: z.boolean().optional(),
  last_onboarded_time: z.string().optional(),
  country_code: z.string().optional(),
  country_dial_code: z.string().optional(),
  webhook_configuration: z.looseObject({}).optional(),
  health_status: healthStatusSchema.optional(),
});

export type PhoneNumber = z.output<typeof phoneNumberSchema>;

/** What onboarding and the dashboard read (docs/meta/onboarding-sequences.md); `messaging_limit_tier` is deprecated and left out. */
export const phoneNumberFields = [
  'id',
  'display_phone_number',
  'verified_name',
  'code_verification_status',
  'quality_rating',
  'status',
  'name_status',
  'new_name_status',
  'platform_type',
  'throughput',
  'account_mode',
  'is_on_biz_app',
  'is_official_business_account',
  'health_status',
] as const;

/**
 * Everything the staff number page shows (docs/meta/phone-numbers.md#list-and-read-numbers): the
 * onboarding fields plus two-step state, webhook routing, country and onboarding time. Meta does not
 * report `data_localization_region`, so it is not asked for.
 */
export const phoneNumberDetailFields = [
  ...phoneNumberFields,
  'is_pin_enabled',
  'webhook_configuration',
  'last_onboarded_time',
  'country_code',
  'country_dial_code',
  'new_display_name',
] as const;

export async function listPhoneNumbers(
  wabaId: string,
  token: GraphToken,
  audit: AuditContext = {},
  fields: readonly string[] = phoneNumberFields,
): Promise<PhoneNumber[]> {
  return graphList({ path: `/${wabaId}/phone_numbers`, query: { fields: fieldList(fields) }, token, audit, item: phoneNumberSchema });
}

export async function getPhoneNumber(
  phoneNumberId: string,
  token: GraphToken,
  audit: AuditContext = {},
  fields: readonly string[] = phoneNumberFields,
): Promise<PhoneNumber> {
  return readNode(phoneNumberId, fields, phoneNumberSchema, token, audit);
}

export type NewPhoneNumber = { cc: string; phoneNumber: string; verifiedName: string; preverifiedId?: string };

/** Adds an unverified number to a WABA (only when Embedded Signup did not). Returns its id. */
export async function createPhoneNumber(wabaId: string, input: NewPhoneNumber, token: GraphToken, audit: AuditContext = {}): Promise<string> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${wabaId}/phone_numbers`,
    json: {
      cc: input.cc,
      phone_number: input.phoneNumber,
      verified_name: input.verifiedName,
      ...(input.preverifiedId ? { preverified_id: input.preverifiedId } : {}),
    },
    token,
    audit,
    schema: z.looseObject({ id: graphIdSchema }),
  });
  return result.id;
}

export async function requestVerificationCode(
  phoneNumberId: string,
  input: { method: 'SMS' | 'VOICE'; language: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<void> {
  // Meta's guide sends these as query parameters (docs/meta/phone-numbers.md, docs/meta/uncertain.md#request-code-parameters).
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}/request_code`,
    query: { code_method: input.method, language: input.language },
    token,
    audit,
    schema: successSchema,
  });
}

export async function verifyCode(phoneNumberId: string, code: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  // The SMS reads "123-830"; Meta wants the digits only (docs/meta/phone-numbers.md). In the body, to keep it out of URLs.
  const digits = code.replace(/\D/g, '');
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}/verify_code`,
    json: { code: digits },
    token,
    audit,
    secrets: [code, digits],
    schema: successSchema,
  });
}

function assertPin(pin: string): void {
  if (!/^\d{6}$/.test(pin)) throw new Error('A two-step verification PIN is exactly 6 digits');
}

/**
 * Registers the number for Cloud API (docs/meta/phone-numbers.md). Never for coexistence numbers. Register
 * and deregister share a budget of 10 per 72 h (133016): callers must not retry blindly.
 */
export async function registerPhoneNumber(
  phoneNumberId: string,
  input: { pin: string; dataLocalizationRegion?: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<void> {
  assertPin(input.pin);
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}/register`,
    json: {
      messaging_product: 'whatsapp',
      pin: input.pin,
      ...(input.dataLocalizationRegion ? { data_localization_region: input.dataLocalizationRegion } : {}),
    },
    token,
    audit,
    secrets: [input.pin],
    schema: successSchema,
  });
}

export async function deregisterPhoneNumber(phoneNumberId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({ method: 'POST', path: `/${phoneNumberId}/deregister`, token, audit, schema: successSchema });
}

/** Sets (or changes) the two-step verification PIN; there is no API to turn it off (docs/meta/phone-numbers.md). */
export async function setTwoStepPin(phoneNumberId: string, pin: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  assertPin(pin);
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}`,
    json: { pin },
    token,
    audit,
    secrets: [pin],
    schema: successSchema,
  });
}

/** Starts Meta's review of a new display name; the outcome arrives as a `phone_number_name_update` webhook. */
export async function requestDisplayNameChange(phoneNumberId: string, newDisplayName: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}`,
    query: { new_display_name: newDisplayName },
    token,
    audit,
    schema: successSchema,
  });
}

/** Per-number webhook override (docs/meta/webhook-subscriptions.md); an empty `callbackUri` clears it. */
export async function setPhoneNumberCallbackOverride(
  phoneNumberId: string,
  override: { callbackUri: string; verifyToken?: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<void> {
  await graphRequest({
    method: 'POST',
    path: `/${phoneNumberId}`,
    json: {
      webhook_configuration: {
        override_callback_uri: override.callbackUri,
        ...(override.verifyToken !== undefined ? { verify_token: override.verifyToken } : {}),
      },
    },
    token,
    audit,
    secrets: override.verifyToken ? [override.verifyToken] : [],
    schema: successSchema,
  });
}
