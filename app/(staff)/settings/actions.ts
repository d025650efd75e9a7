'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import { fieldErrorsOf, type FormState } from '@/lib/form';
import { partnerTypes, readSetting, writeSetting } from '@/lib/settings';

const settingsSchema = z.object({
  partnerType: z.enum(partnerTypes, 'Choose a partner type.'),
  // An unticked checkbox is absent from the form.
  revokeCreditLine: z.literal('on').optional(),
});

export async function saveSettings(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = settingsSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return fieldErrorsOf(parsed.error, formData);
  const next = { partnerType: parsed.data.partnerType, revokeCreditLine: parsed.data.revokeCreditLine === 'on' };
  const before = {
    partnerType: await readSetting('partner.type'),
    revokeCreditLine: await readSetting('webhooks.revokeCreditLineOnPartnerRemoved'),
  };
  await writeSetting('partner.type', next.partnerType, admin.id);
  await writeSetting('webhooks.revokeCreditLineOnPartnerRemoved', next.revokeCreditLine, admin.id);
  await recordAudit(admin.id, 'settings.update', undefined, { from: before, to: next });
  revalidatePath('/settings');
  return { ok: 'Settings saved. New signups use them from now on.' };
}
