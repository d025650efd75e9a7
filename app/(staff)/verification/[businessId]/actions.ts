'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction, type StaffActionState } from '@/lib/staff-action';
import { checkUploadedDocuments } from '@/lib/verification/documents';
import { checkWithMeta, requireVerificationProgram, submitVerification } from '@/lib/verification/submissions';
import { verificationStatusText } from '@/lib/verification/words';

const businessIdSchema = z.string().regex(/^\d{1,30}$/, 'Invalid request.');
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max, `Use at most ${max} characters.`).optional());

const submitSchema = z.object({
  businessId: businessIdSchema,
  legalName: optionalText(200),
  address: optionalText(300),
  website: z.preprocess((v) => (v === '' ? undefined : v), z.url('Enter a web address starting with https://').optional()),
  businessVertical: optionalText(60),
});

/** Submits 1 to 3 documents to Meta for the customer; the files are read from the form here and never stored. */
export async function submitVerificationDocuments(previous: StaffActionState, formData: FormData): Promise<StaffActionState> {
  const files = formData.getAll('documents').filter((value): value is File => typeof value !== 'string');
  const action = staffAction(
    { action: 'verification.submit', role: 'operator', schema: submitSchema, targetOf: (input) => input.businessId },
    async (input, { user, audit }) => {
      await requireVerificationProgram();
      const documents = await checkUploadedDocuments(files);
      const result = await submitVerification(input, documents, user, audit);
      revalidatePath(`/verification/${input.businessId}`);
      return {
        ok: `Submitted to Meta (attempt ${result.attempt} of 3). Meta usually decides within minutes; the decision arrives by webhook.`,
        target: input.businessId,
      };
    },
  );
  return action(previous, formData);
}

export const checkVerificationWithMeta = staffAction(
  { action: 'verification.check', role: 'operator', schema: z.object({ businessId: businessIdSchema }), targetOf: (input) => input.businessId },
  async ({ businessId }) => {
    const result = await checkWithMeta(businessId);
    revalidatePath(`/verification/${businessId}`);
    const status = result.hadToken
      ? `Meta says: ${verificationStatusText(result.status)}.`
      : 'We hold no working business token for this customer, so Meta’s status could not be read.';
    const listed = result.submissions === undefined ? '' : ` Meta lists ${result.submissions} submission${result.submissions === 1 ? '' : 's'} of ours for it.`;
    return { ok: `${status}${listed}`, target: businessId, details: { status: result.status ?? null, submissions: result.submissions ?? null } };
  },
);
