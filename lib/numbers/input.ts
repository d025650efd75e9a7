import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { countryName } from '@/lib/numbers/words';

// What the number pages' forms send, checked before anything reaches Meta. Phone numbers are parsed
// with libphonenumber-js (Google's numbering plan data): it knows each country's number lengths,
// which a hand-written digits check does not.

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const metaIdSchema = z.string().regex(/^\d{1,30}$/, 'This phone number does not exist.');

export const numberRefSchema = z.object({
  wabaId: z.string().regex(/^\d{1,30}$/, 'This WhatsApp account does not exist.'),
  phoneNumberId: metaIdSchema,
});

export const codeMethodSchema = z.enum(['SMS', 'VOICE'], { message: 'Choose SMS or a voice call.' });

export const languageSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'Use a language code like en_US.');

/** Optional local storage country: ISO 3166-1 alpha-2, e.g. DE. */
export const regionSchema = z.preprocess(
  (v) => (typeof blank(v) === 'string' ? (v as string).trim().toUpperCase() : undefined),
  z
    .string()
    .refine((code) => countryName(code) !== undefined, 'Use a two-letter country code, like DE for Germany.')
    .optional(),
);

/** Digits in international format, e.g. +16505551234 (spaces, dashes and brackets are allowed). */
export const internationalNumberSchema = z
  .string()
  .trim()
  .min(1, 'Enter the phone number.')
  .transform((value, ctx) => {
    const text = value.startsWith('+') ? value : `+${value}`;
    if (!/^\+[\d\s().-]+$/.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'Use digits only, in international format, e.g. +16505551234.' });
      return z.NEVER;
    }
    const parsed = parsePhoneNumberFromString(text);
    if (!parsed?.isPossible()) {
      ctx.addIssue({ code: 'custom', message: 'This is not a possible phone number: give the country code and the full number, e.g. +16505551234.' });
      return z.NEVER;
    }
    return { e164: parsed.number.slice(1), cc: parsed.countryCallingCode, national: parsed.nationalNumber };
  });

export const addNumberSchema = z
  .object({
    wabaId: z.string().regex(/^\d{1,30}$/, 'This WhatsApp account does not exist.'),
    cc: z
      .string()
      .trim()
      .regex(/^\+?\d{1,3}$/, 'The country calling code is 1 to 3 digits, e.g. 1 or 44.'),
    phoneNumber: z
      .string()
      .trim()
      .min(1, 'Enter the phone number.')
      .regex(/^[\d\s().-]+$/, 'Use digits only.'),
    verifiedName: z.string().trim().min(3, 'The display name needs at least 3 characters.').max(512, 'The display name is too long.'),
    codeMethod: codeMethodSchema,
    language: languageSchema,
    dataLocalizationRegion: regionSchema,
  })
  .transform((input, ctx) => {
    const cc = input.cc.replace(/\D/g, '');
    const parsed = parsePhoneNumberFromString(`+${cc}${input.phoneNumber.replace(/\D/g, '')}`);
    if (!parsed?.isPossible() || parsed.countryCallingCode !== cc) {
      ctx.addIssue({
        code: 'custom',
        path: ['phoneNumber'],
        message: 'This is not a possible number for that country code. Give the number without the country code.',
      });
      return z.NEVER;
    }
    return { ...input, cc, phoneNumber: parsed.nationalNumber };
  });

export const codeSchema = numberRefSchema.extend({
  code: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'The code has 6 digits (the SMS reads like “WhatsApp code 123-456”).')),
});

export const sendCodeSchema = numberRefSchema.extend({ codeMethod: codeMethodSchema, language: languageSchema });

export const registerSchema = numberRefSchema.extend({ dataLocalizationRegion: regionSchema });

export const deregisterSchema = numberRefSchema.extend({
  confirm: z.literal('yes', { message: 'Tick the box to confirm that messaging on this number stops.' }),
});

export const displayNameSchema = numberRefSchema.extend({
  newDisplayName: z.string().trim().min(3, 'The display name needs at least 3 characters.').max(512, 'The display name is too long.'),
});

export const testMessageSchema = numberRefSchema.extend({
  to: internationalNumberSchema,
  kind: z.enum(['text', 'template'], { message: 'Choose a text or a template.' }),
  body: z.preprocess(blank, z.string().trim().max(1024, 'Keep the text under 1,024 characters.').optional()),
  /** `name|language` of an approved template. */
  template: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[a-z0-9_]{1,512}\|[a-z]{2,3}(_[A-Z]{2})?$/, 'Choose one of the approved templates.')
      .optional(),
  ),
});

/** A per-number callback override: Meta verifies the URL with a GET handshake carrying the verify token. */
export const webhookOverrideSchema = numberRefSchema.extend({
  callbackUri: z
    .string()
    .trim()
    .max(200, 'Meta takes callback URLs of at most 200 characters.')
    .pipe(z.url({ protocol: /^https?$/, message: 'Enter the full address, e.g. https://hooks.example.com/whatsapp.' })),
  /** The receiving server's verify token (named `token` so that a form error never echoes it). */
  token: z.preprocess(blank, z.string().trim().max(200, 'Keep the verify token under 200 characters.').optional()),
});
