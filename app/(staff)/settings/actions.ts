'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { partnerTypes, writeSettings } from '@/lib/settings';
import { staffAction } from '@/lib/staff-action';

const settingsSchema = z.object({
  partnerType: z.enum(partnerTypes, 'Choose a partner type.'),
  // An unticked checkbox is absent from the form.
  revokeCreditLine: z.literal('on').optional(),
});

export const saveSettings = staffAction({ action: 'settings.update', role: 'admin', schema: settingsSchema }, async (input, { audit }) => {
  await writeSettings(
    { 'partner.type': input.partnerType, 'webhooks.revokeCreditLineOnPartnerRemoved': input.revokeCreditLine === 'on' },
    audit,
  );
  revalidatePath('/settings');
  return { ok: 'Settings saved. New signups use them from now on.' };
});
