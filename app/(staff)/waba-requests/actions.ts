'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { startFinishOnboarding, wabaOfRequest } from '@/lib/partner-wabas/finish';
import { cancelWabaRequest, newRequestSchema, recordWabaRequest, requestState } from '@/lib/partner-wabas/requests';
import { solutionRules } from '@/lib/programs';
import { partnerType } from '@/lib/settings';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

async function solutionPartnerOnly() {
  if (!solutionRules(await partnerType()).wabaRequests) throw new UserError('Partner-initiated WABA creation is for Solution Partners only.');
}

export const recordRequestAction = staffAction({ action: 'waba_request.create', role: 'operator', schema: newRequestSchema }, async (input, { audit }) => {
  await solutionPartnerOnly();
  const request = await recordWabaRequest(input, audit);
  revalidatePath('/waba-requests');
  if (requestState(request) === 'expired') {
    return {
      ok: `Recorded the request to ${request.customerName}, which Meta has already cancelled: invitations last 90 days. Send a new one in Business Suite.`,
    };
  }
  return { ok: `Recorded the request to ${request.customerName}. Send them the instructions below.` };
});

const idSchema = z.object({ id: z.uuid('This request does not exist.') });

export const cancelRequestAction = staffAction(
  { action: 'waba_request.cancel', role: 'operator', schema: idSchema, targetOf: (i) => i.id },
  async ({ id }, { audit }) => {
    await cancelWabaRequest(id, audit);
    revalidatePath('/waba-requests');
    return { ok: 'Marked cancelled.' };
  },
);

export const finishRequestAction = staffAction(
  { action: 'waba.finish_onboarding', role: 'operator', schema: z.object({ requestId: z.uuid('This request does not exist.') }), targetOf: (i) => i.requestId },
  async ({ requestId }, { user, audit }) => {
    await solutionPartnerOnly();
    const metaWabaId = await wabaOfRequest(requestId);
    await startFinishOnboarding(metaWabaId, user, audit);
    redirect(`/finish-onboarding/${metaWabaId}`);
  },
);
