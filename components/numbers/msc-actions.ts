'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { clearMscShare, maxMscPartners, recordMscShare } from '@/lib/numbers/msc';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

const phoneNumberId = z.string().regex(/^\d{1,30}$/, 'Invalid request.');

export const recordMscSharing = staffAction(
  {
    action: 'number.msc.record',
    role: 'operator',
    schema: z.object({
      phoneNumberId,
      partnerCount: z.coerce
        .number('Enter how many partners use the number.')
        .int('Enter a whole number.')
        .min(2, 'A shared number has at least 2 partners: us and at least one other.')
        .max(maxMscPartners, `Multi-Solution Conversations allows at most ${maxMscPartners} partners per number, us included.`),
      note: z.string().trim().max(300, 'Use at most 300 characters.').optional(),
    }),
    targetOf: (input) => input.phoneNumberId,
  },
  async (input, { audit }) => {
    await recordMscShare({ phoneNumberId: input.phoneNumberId, partnerCount: input.partnerCount, note: input.note || undefined }, audit);
    revalidatePath('/shared-numbers', 'layout');
    return { ok: `Recorded: shared with ${input.partnerCount} partners, us included.`, target: input.phoneNumberId };
  },
);

export const clearMscSharing = staffAction(
  { action: 'number.msc.clear', role: 'operator', schema: z.object({ phoneNumberId }), targetOf: (input) => input.phoneNumberId },
  async ({ phoneNumberId: id }, { audit }) => {
    if (!(await clearMscShare(id, audit))) throw new UserError('This number was not recorded as shared.');
    revalidatePath('/shared-numbers', 'layout');
    return { ok: 'Recorded as not shared.', target: id };
  },
);
