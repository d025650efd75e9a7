'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { partnerTypes, writeSettings } from '@/lib/settings';
import { staffAction } from '@/lib/staff-action';

const settingsSchema = z.object({
  partnerType: z.enum(partnerTypes, 'Choose a partner type.'),
  // An unticked checkbox is absent from the form.
  revokeCreditLine: z.literal('on').optional(),
  partnerName: z.string().trim().max(100, 'Use at most 100 characters.').default(''),
  supportContact: z.string().trim().max(200, 'Use at most 200 characters.').default(''),
});

export const saveSettings = staffAction({ action: 'settings.update', role: 'admin', schema: settingsSchema }, async (input, { audit }) => {
  await writeSettings(
    {
      'partner.type': input.partnerType,
      'webhooks.revokeCreditLineOnPartnerRemoved': input.revokeCreditLine === 'on',
      'partner.name': input.partnerName,
      'partner.supportContact': input.supportContact,
    },
    audit,
  );
  revalidatePath('/settings');
  return { ok: 'Settings saved. New signups use them from now on.' };
});
