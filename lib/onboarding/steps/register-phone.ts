import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { phoneNumbers, type PhoneNumber } from '@/lib/db/schema';
import { hasCode, type AuditContext, type GraphToken } from '@/lib/meta/graph';
import { getPhoneNumber, registerPhoneNumber } from '@/lib/meta/phone-numbers';
import { isReadOnly, type OnboardingStep } from '@/lib/onboarding/steps/context';
import { StepFailure } from '@/lib/operations/types';
import { solutionAccess } from '@/lib/onboarding/steps/solution-access';
import { readSecret, storeSecret } from '@/lib/vault';

// Registers the number for Cloud API with a random per-number PIN kept in the vault (docs/meta/phone-numbers.md).

const budgetWindowMs = 72 * 3600_000;

/** The number's PIN: the stored one (so a retry sends the same PIN), or a new random one stored first. */
export async function pinFor(phoneRowId: string): Promise<string> {
  const secretId = await db().transaction(async (tx) => {
    const [row] = await tx.select({ pinSecretId: phoneNumbers.pinSecretId }).from(phoneNumbers).where(eq(phoneNumbers.id, phoneRowId)).for('update');
    if (!row) throw new Error('Phone number row not found');
    if (row.pinSecretId) return row.pinSecretId;
    const pin = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const id = await storeSecret('phone_pin', pin, tx);
    await tx.update(phoneNumbers).set({ pinSecretId: id, updatedAt: new Date() }).where(eq(phoneNumbers.id, phoneRowId));
    return id;
  });
  return readSecret(secretId);
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Cloud API numbers (default and Multi-Partner flows); the number goes live once its webhooks reach us. */
export const registerPhoneStep: OnboardingStep = {
  name: 'register_phone',
  label: { staff: 'Register the phone number for Cloud API', customer: 'Register your phone number' },
  needed: (plan) => !isReadOnly(plan) && (plan.flow === 'default' || plan.flow === 'mps'),
  after: ['subscribe_app'],
  async run(ctx) {
    const phone = ctx.phone;
    if (!phone) return { status: 'skipped', result: { reason: 'no_phone_number' } };
    const id = phone.metaPhoneNumberId;
    // The PIN is made (or read) while Meta is asked, so that registering waits for nothing else.
    const [state, solution, pin] = await Promise.all([
      getPhoneNumber(id, ctx.token, ctx.audit, ['status', 'platform_type', 'code_verification_status', 'is_on_biz_app']),
      ctx.solutionId
        ? solutionAccess({ solutionId: ctx.solutionId, metaWabaId: ctx.waba.metaWabaId, token: ctx.token, audit: ctx.audit })
        : Promise.resolve(null),
      phone.isOnBizApp ? Promise.resolve(null) : pinFor(phone.id),
    ]);
    // Coexistence numbers are registered already and refuse /register (docs/meta/phone-numbers.md, docs/meta/coexistence.md).
    if (state.is_on_biz_app) return { status: 'skipped', result: { reason: 'coexistence_number' } };
    // Only one partner registers a number; under an MPS that is the partner holding MESSAGING (docs/meta/multi-partner-solutions.md).
    if (solution && !solution.messaging) return { status: 'skipped', result: { reason: 'messaging_partner_registers', partner: solution.partner } };
    if (state.platform_type === 'CLOUD_API' && state.status === 'CONNECTED') {
      if (!phone.registeredAt) {
        await db().update(phoneNumbers).set({ registeredAt: new Date(), updatedAt: new Date() }).where(eq(phoneNumbers.id, phone.id));
      }
      return { status: 'done', result: { alreadyRegistered: true } };
    }

    await registerWithPin(phone, pin ?? (await pinFor(phone.id)), ctx.token, ctx.audit);
    return { status: 'done', result: { alreadyRegistered: false } };
  },
};

/**
 * The register call with the number's PIN and what its known refusals mean; any operation that
 * registers a number (onboarding, Finish onboarding) goes through here.
 */
export async function registerWithPin(
  phone: Pick<PhoneNumber, 'id' | 'metaPhoneNumberId'>,
  pin: string,
  token: GraphToken,
  audit: AuditContext,
): Promise<void> {
  try {
    await registerPhoneNumber(phone.metaPhoneNumberId, { pin }, token, audit);
  } catch (error) {
    // 10 register/deregister calls per 72 h; another one only extends the block (docs/meta/phone-numbers.md).
    if (hasCode(error, 133016)) {
      const until = formatUtc(new Date(Date.now() + budgetWindowMs));
      throw new StepFailure('133016', `This number was registered too many times in 72 hours. Wait until ${until}, then Resume.`, error.fbtraceId);
    }
    if (hasCode(error, 133005)) {
      throw new StepFailure(
        '133005',
        'Two-step verification is already on for this number with a different PIN. Turn it off in WhatsApp Manager (phone number settings), then Resume.',
        error.fbtraceId,
      );
    }
    throw error;
  }
  await db().update(phoneNumbers).set({ registeredAt: new Date(), updatedAt: new Date() }).where(eq(phoneNumbers.id, phone.id));
}
