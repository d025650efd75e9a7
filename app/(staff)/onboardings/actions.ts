'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { rerunStep, resumeOnboarding } from '@/lib/onboarding/pipeline';
import { staffAction } from '@/lib/staff-action';

const resumeSchema = z.object({ sessionId: z.uuid('This onboarding does not exist.') });
const rerunSchema = z.object({
  sessionId: z.uuid('This onboarding does not exist.'),
  step: z.string().regex(/^[a-z0-9_]{1,64}$/, 'This step does not exist.'),
});

export const resumeOnboardingAction = staffAction(
  { action: 'onboarding.resume', role: 'operator', schema: resumeSchema, targetOf: (input) => input.sessionId },
  async ({ sessionId }) => {
    await resumeOnboarding(sessionId);
    revalidatePath(`/onboardings/${sessionId}`);
    return { ok: 'Resumed: the remaining steps are running again.' };
  },
);

export const rerunStepAction = staffAction(
  { action: 'onboarding.rerun_step', role: 'operator', schema: rerunSchema, targetOf: (input) => input.sessionId, hidden: ['step'] },
  async ({ sessionId, step }) => {
    await rerunStep(sessionId, step);
    revalidatePath(`/onboardings/${sessionId}`);
    return { ok: 'Running this step again.', details: { step } };
  },
);
