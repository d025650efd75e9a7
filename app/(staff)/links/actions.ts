'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import { metaConfig } from '@/lib/env';
import { formValues, type FormState } from '@/lib/form';
import { createSignupLink, disableSignupLink, newLinkSchema, type NewLink } from '@/lib/onboarding/links';

const prefillFields = ['businessName', 'businessEmail', 'businessWebsite', 'businessCountry', 'displayName', 'category', 'description'] as const;

/** The form's flat fields in the shape `newLinkSchema` reads (pre-fill nested, checkbox as a boolean). */
function linkInput(formData: FormData) {
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    label: text('label') ?? '',
    flow: text('flow'),
    solutionId: text('solutionId'),
    singleUse: formData.get('singleUse') === 'on',
    expiresInDays: text('expiresInDays')?.trim() || undefined,
    prefill: Object.fromEntries(prefillFields.map((field) => [field, text(field) ?? ''])),
  };
}

export async function createLink(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireRole('operator');
  const input = linkInput(formData);
  const parsed = newLinkSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    // Pre-fill issues are nested (prefill.businessEmail); the form's fields are flat.
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path.at(-1) ?? 'form')] ??= []).push(issue.message);
    return { error: 'Please correct the highlighted fields.', fieldErrors, values: formValues(formData) };
  }
  if (parsed.data.flow === 'measurement' && !metaConfig().measurementConfigId) {
    const message = 'Set META_MEASUREMENT_CONFIG_ID (your Measurement Partner configuration) before creating these links.';
    return { error: message, fieldErrors: { flow: [message] }, values: formValues(formData) };
  }
  const link = await createSignupLink(input as NewLink, user.id);
  await recordAudit(user.id, 'link.create', link.id, {
    label: link.label,
    flow: link.flow,
    solutionId: link.solutionId,
    singleUse: link.singleUse,
    expiresAt: link.expiresAt,
    prefilled: link.prefill !== null,
  });
  revalidatePath('/links');
  return { ok: `Link “${link.label}” created. Copy it from the list.` };
}

const disableSchema = z.object({ id: z.uuid() });

export async function disableLink(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireRole('operator');
  const parsed = disableSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'This link does not exist.' };
  if (!(await disableSignupLink(parsed.data.id))) return { error: 'This link is already disabled or no longer exists.' };
  await recordAudit(user.id, 'link.disable', parsed.data.id);
  revalidatePath('/links');
  return { ok: 'Link disabled: customers who open it are told it is no longer active.' };
}
