'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { metaConfig } from '@/lib/env';
import { createSignupLink, disableSignupLink, newLinkSchema, solutionProblem } from '@/lib/onboarding/links';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

const prefillFields = ['businessName', 'businessEmail', 'businessWebsite', 'businessCountry', 'displayName', 'category', 'description'] as const;

/** The form's flat fields in the shape `newLinkSchema` reads (pre-fill nested, checkbox as a boolean). */
const linkFormSchema = z.preprocess((raw) => {
  const form = (raw ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  return {
    label: text('label') ?? '',
    flow: text('flow'),
    solutionId: text('solutionId'),
    singleUse: form.singleUse === 'on' || form.singleUse === true,
    expiresInDays: text('expiresInDays')?.trim() || undefined,
    prefill: Object.fromEntries(prefillFields.map((field) => [field, text(field) ?? ''])),
    customerReference: text('customerReference'),
  };
}, newLinkSchema);

export const createLink = staffAction({ action: 'link.create', role: 'operator', schema: linkFormSchema }, async (input, { user }) => {
  if (input.flow === 'measurement' && !metaConfig().measurementConfigId) {
    const message = 'Set META_MEASUREMENT_CONFIG_ID (your Measurement Partner configuration) before creating these links.';
    throw new UserError(message, { flow: [message] });
  }
  const solution = input.flow === 'mps' && input.solutionId ? await solutionProblem(input.solutionId) : null;
  if (solution) throw new UserError(solution, { solutionId: [solution] });
  const link = await createSignupLink(input, user.id);
  revalidatePath('/links');
  return {
    ok: `Link “${link.label}” created. Copy it from the list.`,
    target: link.id,
    details: {
      label: link.label,
      flow: link.flow,
      solutionId: link.solutionId,
      singleUse: link.singleUse,
      expiresAt: link.expiresAt,
      prefilled: link.prefill !== null,
      customerReference: link.customerReference,
    },
  };
});

export const disableLink = staffAction(
  { action: 'link.disable', role: 'operator', schema: z.object({ id: z.uuid('This link does not exist.') }), targetOf: (input) => input.id },
  async ({ id }) => {
    if (!(await disableSignupLink(id))) throw new UserError('This link is already disabled or no longer exists.');
    revalidatePath('/links');
    return { ok: 'Link disabled: customers who open it are told it is no longer active.' };
  },
);
