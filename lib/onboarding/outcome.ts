import { desc, eq } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { onboardingEvents, onboardingSessions, phoneNumbers, wabas, type SignupFlow } from '@/lib/db/schema';
import { asPartnerType, type PartnerType } from '@/lib/onboarding/steps/context';
import type { StatusSnapshot } from '@/lib/onboarding/steps/read-status';

// How a finished pipeline ends, in words the customer reads on their status page. Things only
// the customer can do make it `action_needed`; Meta's own reviews are a note on `live`, since
// the customer can already send messages and has nothing to do.

export type Outcome = { status: 'live' | 'action_needed'; message: string | null };

export function isReadOnly(flow: SignupFlow, partnerType: PartnerType): boolean {
  return flow === 'measurement' || partnerType === 'measurement_partner';
}

export function decideOutcome(input: { flow: SignupFlow; partnerType: PartnerType; snapshot: StatusSnapshot | null }): Outcome {
  const { snapshot } = input;
  if (!snapshot || isReadOnly(input.flow, input.partnerType)) return { status: 'live', message: null };
  const actions: string[] = [];
  const notes: string[] = [];
  const { waba, phone } = snapshot;
  if (waba.accountReviewStatus === 'REJECTED') {
    actions.push('Meta rejected your WhatsApp Business Account in its review: request another review in WhatsApp Manager.');
  }
  // Tech Providers' and Tech Partners' customers pay Meta directly (reference §14).
  if (input.partnerType !== 'solution_partner' && !waba.primaryFundingId) {
    actions.push('Add a payment method in WhatsApp Manager so that your messages can be sent.');
  }
  if (phone?.nameStatus === 'DECLINED' || phone?.nameStatus === 'EXPIRED') {
    actions.push('Meta did not approve your display name: choose a new one in WhatsApp Manager.');
  } else if (phone?.nameStatus === 'PENDING_REVIEW') {
    notes.push('Your display name is under review by Meta. You can already send messages; your limit goes up once it is approved.');
  }
  if (waba.accountReviewStatus === 'PENDING') notes.push('Meta is still reviewing your WhatsApp Business Account.');
  const message = [...actions, ...notes].join(' ') || null;
  return { status: actions.length > 0 ? 'action_needed' : 'live', message };
}

/**
 * Meta decides some things after the pipeline ended (display name, account review): the latest
 * finished onboarding of the WABA is re-judged from what the webhooks stored, so the customer's page
 * says "You're live" or what is still needed, as it is now.
 */
export async function refreshOutcome(tx: Tx, wabaRowId: string): Promise<void> {
  const [session] = await tx
    .select()
    .from(onboardingSessions)
    .where(eq(onboardingSessions.wabaId, wabaRowId))
    .orderBy(desc(onboardingSessions.createdAt))
    .limit(1);
  if (!session || (session.status !== 'live' && session.status !== 'action_needed')) return;
  const [waba] = await tx.select().from(wabas).where(eq(wabas.id, wabaRowId));
  const [phone] = session.phoneNumberId ? await tx.select().from(phoneNumbers).where(eq(phoneNumbers.id, session.phoneNumberId)) : [];
  if (!waba) return;
  const health = waba.healthStatus as { can_send_message?: string } | null;
  const outcome = decideOutcome({
    flow: session.flow,
    partnerType: asPartnerType(session.partnerType),
    snapshot: {
      waba: {
        accountReviewStatus: waba.accountReviewStatus,
        primaryFundingId: waba.primaryFundingId,
        canSendMessage: health?.can_send_message ?? null,
        messagingLimit: waba.messagingLimit,
      },
      phone: phone ? { status: phone.status, nameStatus: phone.nameStatus, platformType: phone.platformType, isOnBizApp: phone.isOnBizApp } : null,
      phoneCount: 0,
    },
  });
  if (outcome.status === session.status && outcome.message === session.statusMessage) return;
  await tx
    .update(onboardingSessions)
    .set({ status: outcome.status, statusMessage: outcome.message, updatedAt: new Date() })
    .where(eq(onboardingSessions.id, session.id));
  await tx.insert(onboardingEvents).values({ sessionId: session.id, type: 'outcome.updated', data: outcome });
}
