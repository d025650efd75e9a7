import { z } from 'zod';
import { wabaCurrencies } from '@/lib/meta/credit-lines';

// The account page's form inputs. FormData values are strings; the WABA is named by our id or Meta's.

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const accountRefSchema = z.object({ wabaId: z.string().regex(/^([0-9a-f-]{36}|\d{1,30})$/, 'Invalid request.') });

export const wabaOverrideSchema = accountRefSchema.extend({
  callbackUri: z.url({ message: 'Enter a full address, e.g. https://hooks.example.com/wa.' }).max(200, 'Meta accepts at most 200 characters.'),
  verifyToken: z.preprocess(blank, z.string().trim().max(200, 'At most 200 characters.').optional()),
});

export const removeUserSchema = accountRefSchema.extend({
  userId: z.string().regex(/^\d{1,30}$/, 'Invalid request.'),
  confirm: z.literal('yes', { message: 'Tick the box to confirm the removal.' }),
});

export const shareCreditSchema = accountRefSchema.extend({
  currency: z.enum(wabaCurrencies, 'Choose the currency the customer is billed in.'),
});

export const revokeCreditSchema = accountRefSchema.extend({
  confirm: z.literal('yes', { message: 'Tick the box to confirm that the customer’s portfolio loses our credit line.' }),
});

export const offboardSchema = accountRefSchema.extend({
  deregisterNumbers: z.preprocess((v) => v === 'yes', z.boolean()),
  confirm: z.literal('yes', { message: 'Tick the box to confirm the offboarding.' }),
});
