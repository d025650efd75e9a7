import { createHash } from 'node:crypto';
import { hasCode } from '@/lib/meta/graph';
import { getPhoneNumber, requestVerificationCode } from '@/lib/meta/phone-numbers';
import { type NumberStepContext, type NumberStep, requirePhone } from '@/lib/numbers/context';
import { verifyPhoneNumberOperation } from '@/lib/numbers/operations/verify';

// Asks Meta to send the verification code by SMS or voice call (Meta: Registering business phone
// numbers, step 2). A number that is verified already needs no code: the run continues into
// verify-and-register, as 136024 means (docs/meta/phone-numbers.md#lifecycle-error-codes).

/** The same id for every attempt of this run, so the continuation starts once however often this step runs. */
function continuationId(runId: string): string {
  const hex = createHash('sha256').update(`${runId}:verify_phone_number`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function continueToRegistration(ctx: NumberStepContext, phoneNumberId: string) {
  // Loaded here: the runner's control module reads the operation registry, which lists this step.
  const { startRun } = await import('@/lib/operations/control');
  const { runId } = await startRun(verifyPhoneNumberOperation, {
    id: continuationId(ctx.runId),
    subjectId: phoneNumberId,
    input: { wabaId: ctx.plan.wabaId, phoneNumberId, dataLocalizationRegion: ctx.plan.dataLocalizationRegion, startedBy: ctx.plan.startedBy ?? null },
    createdBy: ctx.plan.startedBy ?? null,
  });
  return { status: 'done' as const, result: { alreadyVerified: true, continuedIn: runId } };
}

export const requestCodeStep: NumberStep = {
  name: 'request_code',
  label: { staff: 'Send the verification code', customer: 'Send the verification code' },
  after: ['create_number'],
  async run(ctx) {
    const phone = requirePhone(ctx);
    const id = phone.metaPhoneNumberId;
    const state = await getPhoneNumber(id, ctx.token, ctx.audit, ['code_verification_status']);
    if (state.code_verification_status === 'VERIFIED') return continueToRegistration(ctx, id);
    const method = ctx.plan.codeMethod ?? 'SMS';
    const language = ctx.plan.language ?? 'en_US';
    try {
      await requestVerificationCode(id, { method, language }, ctx.token, ctx.audit);
    } catch (error) {
      if (hasCode(error, 136024)) return continueToRegistration(ctx, id);
      throw error;
    }
    return { status: 'done', result: { method, language, sentTo: phone.displayPhoneNumber } };
  },
};
