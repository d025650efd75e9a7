import { hasCode, isGraphError } from '@/lib/meta/graph';
import { getPhoneNumber, verifyCode } from '@/lib/meta/phone-numbers';
import { type NumberStep, requirePhone } from '@/lib/numbers/context';
import { discardVerificationCode, pendingVerificationCode } from '@/lib/numbers/secrets';
import { StepFailure } from '@/lib/operations/types';

// Sends the code staff entered (Meta: Registering business phone numbers, step 3). The code is read
// from the vault and deleted once Meta has answered; only a lost answer keeps it for the retry.
// 136024 (verified already) lets registration go on; 136025 means the code was not accepted.

export const wrongCodeMessage =
  'Meta did not accept the code: it was mistyped, has expired, or a newer code was sent since. Send a new code and enter the one that arrives.';

export const verifyCodeStep: NumberStep = {
  name: 'verify_code',
  label: { staff: 'Verify the code', customer: 'Verify your phone number' },
  async run(ctx) {
    const phone = requirePhone(ctx);
    const id = phone.metaPhoneNumberId;
    const state = await getPhoneNumber(id, ctx.token, ctx.audit, ['code_verification_status']);
    if (state.code_verification_status === 'VERIFIED') {
      await discardVerificationCode(phone.id);
      return { status: 'done', result: { alreadyVerified: true } };
    }
    const code = await pendingVerificationCode(phone.id);
    if (!code) throw new StepFailure('no_code', 'No verification code is waiting to be checked. Send a code and enter it.');
    try {
      await verifyCode(id, code, ctx.token, ctx.audit);
    } catch (error) {
      if (isGraphError(error) && error.kind === 'transient') throw error;
      await discardVerificationCode(phone.id);
      if (hasCode(error, 136024)) return { status: 'done', result: { alreadyVerified: true } };
      if (hasCode(error, 136025)) throw new StepFailure('136025', wrongCodeMessage, error.fbtraceId);
      throw error;
    }
    await discardVerificationCode(phone.id);
    return { status: 'done', result: { alreadyVerified: false } };
  },
};
