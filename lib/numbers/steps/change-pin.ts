import { isGraphError } from '@/lib/meta/graph';
import { setTwoStepPin } from '@/lib/meta/phone-numbers';
import { type NumberStep, requirePhone } from '@/lib/numbers/context';
import { confirmNewPin, dropNewPin, newPinToSend } from '@/lib/numbers/secrets';

// Sets a new random two-step verification PIN (docs/meta/phone-numbers.md#two-step-verification-pin).
// The new PIN is stored beside the current one before it is sent and replaces it only once Meta has
// accepted it; a refusal deletes it and the number keeps its PIN. When Meta's answer is lost the
// new PIN stays pending and the next attempt (or the next change) sends the same one.

export const changePinStep: NumberStep = {
  name: 'change_pin',
  label: { staff: 'Set a new two-step verification PIN', customer: 'Change your two-step verification PIN' },
  async run(ctx) {
    const phone = requirePhone(ctx);
    const { pin, unconfirmedBefore } = await newPinToSend(phone.id);
    try {
      await setTwoStepPin(phone.metaPhoneNumberId, pin, ctx.token, ctx.audit);
    } catch (error) {
      const unknownOutcome = isGraphError(error) && (error.source === 'timeout' || error.source === 'network' || error.kind === 'transient');
      // A refusal now says nothing of an earlier attempt whose answer was lost: that PIN stays pending.
      if (!unknownOutcome && !unconfirmedBefore) await dropNewPin(phone.id);
      throw error;
    }
    await confirmNewPin(phone.id);
    return { status: 'done', result: { changed: true } };
  },
};
