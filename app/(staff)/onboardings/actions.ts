'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import type { FormState } from '@/lib/form';
import { log } from '@/lib/log';
import { rerunStep, resumeOnboarding } from '@/lib/onboarding/pipeline';

const resumeSchema = z.object({ sessionId: z.uuid() });
const rerunSchema = z.object({ sessionId: z.uuid(), step: z.string().regex(/^[a-z0-9_]{1,64}$/) });

/** The pipeline's errors are written for staff (unknown step, wrong state); anything else is logged. */
function failure(error: unknown, fallback: string): string {
  if (error instanceof Error && error.message) return error.message;
  log.error({ err: error }, fallback);
  return fallback;
}

export async function resumeOnboardingAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireRole('operator');
  const parsed = resumeSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'This onboarding does not exist.' };
  const { sessionId } = parsed.data;
  try {
    await resumeOnboarding(sessionId);
  } catch (error) {
    const message = failure(error, 'The onboarding could not be resumed.');
    await recordAudit(user.id, 'onboarding.resume', sessionId, { ok: false, error: message });
    return { error: message };
  }
  await recordAudit(user.id, 'onboarding.resume', sessionId, { ok: true });
  revalidatePath(`/onboardings/${sessionId}`);
  return { ok: 'Resumed: the remaining steps are running again.' };
}

export async function rerunStepAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireRole('operator');
  const parsed = rerunSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'This step does not exist.' };
  const { sessionId, step } = parsed.data;
  try {
    await rerunStep(sessionId, step);
  } catch (error) {
    const message = failure(error, 'The step could not be run again.');
    await recordAudit(user.id, 'onboarding.rerun_step', sessionId, { step, ok: false, error: message });
    return { error: message };
  }
  await recordAudit(user.id, 'onboarding.rerun_step', sessionId, { step, ok: true });
  revalidatePath(`/onboardings/${sessionId}`);
  return { ok: 'Running this step again.' };
}
