'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { finishOnboardingOperation } from '@/lib/partner-wabas/finish-operation';
import { finishRuns, startFinishOnboarding } from '@/lib/partner-wabas/finish';
import { resumeRun } from '@/lib/operations/control';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

const wabaSchema = z.object({ metaWabaId: z.string().regex(/^\d{1,30}$/, 'This WhatsApp Business Account does not exist.') });

export const finishWabaAction = staffAction(
  { action: 'waba.finish_onboarding', role: 'operator', schema: wabaSchema, targetOf: (i) => i.metaWabaId },
  async ({ metaWabaId }, { user, audit }) => {
    const { explanation } = await startFinishOnboarding(metaWabaId, user, audit);
    revalidatePath(`/finish-onboarding/${metaWabaId}`);
    return { ok: `Finish onboarding started. Token: ${explanation}` };
  },
);

export const resumeFinishAction = staffAction(
  { action: 'waba.finish_onboarding.resume', role: 'operator', schema: wabaSchema, targetOf: (i) => i.metaWabaId },
  async ({ metaWabaId }) => {
    const [latest] = await finishRuns(metaWabaId);
    if (latest?.status !== 'failed') throw new UserError('Only a failed run can be resumed.');
    await resumeRun(finishOnboardingOperation, latest.id);
    revalidatePath(`/finish-onboarding/${metaWabaId}`);
    return { ok: 'Resumed: the remaining steps are running again.', details: { runId: latest.id } };
  },
);
