import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { phoneNumbers } from '@/lib/db/schema';
import { hasCode } from '@/lib/meta/graph';
import { deregisterPhoneNumber, getPhoneNumber } from '@/lib/meta/phone-numbers';
import { registrationBudget } from '@/lib/numbers/budget';
import { type NumberStep, requirePhone } from '@/lib/numbers/context';
import { budgetMessage } from '@/lib/numbers/steps/register-number';
import { StepFailure } from '@/lib/operations/types';

// Takes the number off the Cloud API (docs/meta/phone-numbers.md#deregister). It counts against the
// same 10-in-72-hours budget as register; a number Meta already reports unregistered is left alone.

export const deregisterNumberStep: NumberStep = {
  name: 'deregister_number',
  label: { staff: 'Deregister the number from the Cloud API', customer: 'Take your number off the Cloud API' },
  async run(ctx) {
    const phone = requirePhone(ctx);
    const id = phone.metaPhoneNumberId;
    const state = await getPhoneNumber(id, ctx.token, ctx.audit, ['status', 'platform_type', 'is_on_biz_app']);
    if (state.is_on_biz_app) {
      throw new StepFailure('coexistence', 'This number is also on the WhatsApp Business app (coexistence): Meta does not let a partner deregister it.');
    }
    if (state.platform_type !== 'CLOUD_API') return { status: 'done', result: { alreadyDeregistered: true } };
    const budget = await registrationBudget(id);
    if (budget.freesAt) throw new StepFailure('133016', await budgetMessage(id));
    try {
      await deregisterPhoneNumber(id, ctx.token, ctx.audit);
    } catch (error) {
      if (hasCode(error, 133016)) throw new StepFailure('133016', await budgetMessage(id), error.fbtraceId);
      throw error;
    }
    await db().update(phoneNumbers).set({ registeredAt: null, updatedAt: new Date() }).where(eq(phoneNumbers.id, phone.id));
    return { status: 'done', result: { alreadyDeregistered: false } };
  },
};
