'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defaultRetentionDays, partnerTypes, retentionDaysSchema, solutionPartnerTiers, writeSettings } from '@/lib/settings';
import { staffAction } from '@/lib/staff-action';

const settingsSchema = z.object({
  partnerType: z.enum(partnerTypes, 'Choose a partner type.'),
  // An unticked checkbox is absent from the form.
  revokeCreditLine: z.literal('on').optional(),
  twoCallCreditLine: z.literal('on').optional(),
  partnerName: z.string().trim().max(100, 'Use at most 100 characters.').default(''),
  supportContact: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
  solutionPartnerTier: z.enum(solutionPartnerTiers, 'Choose a tier.').default('none'),
  retentionDays: z.coerce.number('Enter a number of days.').pipe(retentionDaysSchema).default(defaultRetentionDays),
});

export const saveSettings = staffAction({ action: 'settings.update', role: 'admin', schema: settingsSchema }, async (input, { audit }) => {
  await writeSettings(
    {
      'partner.type': input.partnerType,
      'webhooks.revokeCreditLineOnPartnerRemoved': input.revokeCreditLine === 'on',
      'creditLines.method': input.twoCallCreditLine === 'on' ? 'two_calls' : 'share_and_attach',
      'partner.name': input.partnerName,
      'partner.supportContact': input.supportContact,
      'partner.solutionPartnerTier': input.solutionPartnerTier,
      'webhooks.retentionDays': input.retentionDays,
    },
    audit,
  );
  revalidatePath('/', 'layout');
  return { ok: 'Settings saved. New signups use them from now on.' };
});
