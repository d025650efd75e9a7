'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { accountFilterSchema } from '@/lib/accounts/list';
import { bulkActions } from '@/lib/bulk/account-steps';
import { startBulkRun } from '@/lib/bulk/runs';
import { customerReferenceSchema, setCustomerReference } from '@/lib/customers/queries';
import { staffAction } from '@/lib/staff-action';

const referenceSchema = z.object({
  businessId: z.uuid('This customer does not exist.'),
  reference: customerReferenceSchema,
});

export const setReferenceAction = staffAction(
  { action: 'business.set_reference', role: 'operator', schema: referenceSchema, targetOf: (input) => input.businessId },
  async ({ businessId, reference }, { audit }) => {
    const result = await setCustomerReference(businessId, reference, audit);
    revalidatePath('/wabas');
    revalidatePath('/customers');
    return { ok: result.reference ? `Reference set to “${result.reference}”.` : 'Reference removed.', target: businessId };
  },
);

const asList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const bulkSchema = z.object({
  action: z.enum(bulkActions, 'Choose what to run.'),
  scope: z.enum(['selected', 'all']),
  wabaIds: z.preprocess(asList, z.array(z.string().regex(/^\d{1,30}$/, 'Not a WhatsApp Business Account id.')).max(1000, 'Select at most 1,000 accounts.')),
  filter: z.preprocess((v) => {
    if (typeof v !== 'string' || v === '') return {};
    return Object.fromEntries(new URLSearchParams(v));
  }, accountFilterSchema),
});

export const startBulkAction = staffAction({ action: 'accounts.bulk_start', role: 'operator', schema: bulkSchema }, async (input, { audit }) => {
  const { runId } = await startBulkRun(input.action, input.scope === 'all' ? { filter: input.filter } : { wabaIds: input.wabaIds }, audit);
  revalidatePath('/bulk');
  redirect(`/bulk/${runId}`);
});
