import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { phoneNumbers } from '@/lib/db/schema';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { savePhoneNumbers } from '@/lib/onboarding/records';
import { pinFor, registerWithPin } from '@/lib/onboarding/steps/register-phone';
import type { FinishStep } from '@/lib/partner-wabas/finish-context';

/**
 * Registers every number already on the WABA for Cloud API, with the run's token and a vaulted
 * per-number PIN (the onboarding's register logic). Numbers Meta reports as connected, and
 * WhatsApp Business app numbers, are left alone; a retry registers only what is left.
 */
export const registerNumbersStep: FinishStep = {
  name: 'register_numbers',
  label: { staff: 'Register the account’s phone numbers for Cloud API', customer: 'Register your phone numbers' },
  after: ['subscribe_app'],
  async run(ctx) {
    const numbers = await listPhoneNumbers(ctx.waba.metaWabaId, ctx.token, ctx.audit);
    const ids = await db().transaction((tx) => savePhoneNumbers(tx, ctx.waba.id, numbers));
    if (numbers.length === 0) return { status: 'done', result: { numbers: 0, addNumber: true } };
    // Under a solution only the partner holding MESSAGING registers numbers (Meta: Multi-Partner Solutions).
    if (ctx.plan.weHoldMessaging === false) return { status: 'skipped', result: { numbers: numbers.length, reason: 'messaging_partner_registers' } };
    const registered: string[] = [];
    const already: string[] = [];
    const appNumbers: string[] = [];
    for (const number of numbers) {
      const rowId = ids.get(number.id)!;
      if (number.is_on_biz_app) {
        appNumbers.push(number.id);
        continue;
      }
      if (number.platform_type === 'CLOUD_API' && number.status === 'CONNECTED') {
        await db().update(phoneNumbers).set({ registeredAt: new Date(), updatedAt: new Date() }).where(eq(phoneNumbers.id, rowId));
        already.push(number.id);
        continue;
      }
      await registerWithPin({ id: rowId, metaPhoneNumberId: number.id }, await pinFor(rowId), ctx.token, ctx.audit);
      registered.push(number.id);
    }
    return { status: 'done', result: { numbers: numbers.length, registered, alreadyRegistered: already, coexistence: appNumbers } };
  },
};
