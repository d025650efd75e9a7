import { createPhoneNumber, listPhoneNumbers, phoneNumberDetailFields } from '@/lib/meta/phone-numbers';
import type { NumberStep } from '@/lib/numbers/context';
import { readAndSaveNumber, saveNumberRead } from '@/lib/numbers/records';
import { StepFailure } from '@/lib/operations/types';

// Adds the number to the WABA (Meta: Registering business phone numbers, step 1). The WABA's numbers
// are read first, so a retry after a lost answer finds the number instead of adding it twice.

const digitsOf = (value: string | undefined) => (value ?? '').replace(/\D/g, '');

export const createNumberStep: NumberStep = {
  name: 'create_number',
  label: { staff: 'Add the number to the WhatsApp account', customer: 'Add your phone number' },
  needed: (plan) => !plan.phoneNumberId,
  async run(ctx) {
    const { plan } = ctx;
    if (!plan.cc || !plan.phoneNumber || !plan.verifiedName) throw new StepFailure('bad_input', 'The country code, number and display name are required.');
    if (ctx.phone) return { status: 'done', result: { phoneNumberId: ctx.phone.metaPhoneNumberId, created: false } };
    const wanted = `${plan.cc}${plan.phoneNumber}`;
    const numbers = await listPhoneNumbers(ctx.waba.metaWabaId, ctx.token, ctx.audit, phoneNumberDetailFields);
    const existing = numbers.find((n) => digitsOf(n.display_phone_number) === wanted);
    if (existing) {
      await saveNumberRead(ctx.waba, existing);
      return { status: 'done', result: { phoneNumberId: existing.id, created: false } };
    }
    const id = await createPhoneNumber(
      ctx.waba.metaWabaId,
      { cc: plan.cc, phoneNumber: plan.phoneNumber, verifiedName: plan.verifiedName },
      ctx.token,
      ctx.audit,
    );
    await readAndSaveNumber(ctx.waba, id, ctx.token, ctx.audit);
    return { status: 'done', result: { phoneNumberId: id, created: true } };
  },
};
