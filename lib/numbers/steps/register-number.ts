import { and, eq, isNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { graphCalls, phoneNumbers } from '@/lib/db/schema';
import { hasCode } from '@/lib/meta/graph';
import { getPhoneNumber, registerPhoneNumber } from '@/lib/meta/phone-numbers';
import { registrationBudget } from '@/lib/numbers/budget';
import { type NumberStep, requirePhone } from '@/lib/numbers/context';
import { utc } from '@/lib/numbers/words';
import { pinFor } from '@/lib/onboarding/steps/register-phone';
import { StepFailure } from '@/lib/operations/types';

// Registers the number for the Cloud API with its random PIN from the vault, optionally with local
// storage in one country (docs/meta/phone-numbers.md#register). Register and deregister share 10
// requests in 72 hours: our own count is checked first, and 133016 is never retried.

export const pinMismatchMessage =
  'Two-step verification is on for this number with a PIN we do not hold (it was set in WhatsApp Manager or by another partner). ' +
  'Turn two-step verification off in WhatsApp Manager (the number’s settings), then register again.';

/** What staff read when the budget is used up: when it frees, from our own calls. */
export async function budgetMessage(metaPhoneNumberId: string): Promise<string> {
  const budget = await registrationBudget(metaPhoneNumberId);
  const base = 'This number has used its 10 register and deregister requests of the last 72 hours, and Meta blocks it until the window has passed.';
  if (budget.freesAt) return `${base} From our own calls, the next request is possible at ${utc(budget.freesAt)}.`;
  if (budget.oldestLeavesAt) {
    return `${base} We sent ${budget.used} of them ourselves (the others came from elsewhere, such as WhatsApp Manager); the oldest of ours leaves the window at ${utc(budget.oldestLeavesAt)}.`;
  }
  return `${base} None of them were ours (they came from elsewhere, such as WhatsApp Manager), so we cannot tell when it frees up; at the latest 72 hours after the last attempt.`;
}

/** A re-register already went through in this run (its answer was lost in a later failure): do not spend another request. */
async function registeredInThisRun(runId: string, step: string, metaPhoneNumberId: string): Promise<boolean> {
  const [call] = await db()
    .select({ id: graphCalls.id })
    .from(graphCalls)
    .where(
      and(
        eq(graphCalls.runId, runId),
        eq(graphCalls.step, step),
        eq(graphCalls.path, `/${metaPhoneNumberId}/register`),
        eq(graphCalls.status, 200),
        isNull(graphCalls.errorCode),
      ),
    )
    .limit(1);
  return call !== undefined;
}

export const registerNumberStep: NumberStep = {
  name: 'register_number',
  label: { staff: 'Register the number for the Cloud API', customer: 'Register your phone number' },
  after: ['verify_code'],
  async run(ctx) {
    const phone = requirePhone(ctx);
    const id = phone.metaPhoneNumberId;
    const region = ctx.plan.dataLocalizationRegion;
    const state = await getPhoneNumber(id, ctx.token, ctx.audit, ['status', 'platform_type', 'is_on_biz_app']);
    if (state.is_on_biz_app) {
      throw new StepFailure(
        'coexistence',
        'This number is also on the WhatsApp Business app (coexistence): the app keeps it registered, and Meta refuses to register it again.',
      );
    }
    const registered = state.platform_type === 'CLOUD_API' && state.status === 'CONNECTED';
    if (registered && !ctx.plan.reregister) return { status: 'done', result: { alreadyRegistered: true } };
    if (ctx.plan.reregister && (await registeredInThisRun(ctx.runId, ctx.step, id))) return { status: 'done', result: { alreadyRegistered: true } };
    const budget = await registrationBudget(id);
    if (budget.freesAt) throw new StepFailure('133016', await budgetMessage(id));

    const pin = await pinFor(phone.id);
    try {
      await registerPhoneNumber(id, { pin, dataLocalizationRegion: region }, ctx.token, ctx.audit);
    } catch (error) {
      if (hasCode(error, 133016)) throw new StepFailure('133016', await budgetMessage(id), error.fbtraceId);
      if (hasCode(error, 133005)) throw new StepFailure('133005', pinMismatchMessage, error.fbtraceId);
      throw error;
    }
    await db()
      .update(phoneNumbers)
      .set({ registeredAt: new Date(), dataLocalizationRegion: region ?? null, updatedAt: new Date() })
      .where(eq(phoneNumbers.id, phone.id));
    return { status: 'done', result: { alreadyRegistered: false, dataLocalizationRegion: region ?? null } };
  },
};
