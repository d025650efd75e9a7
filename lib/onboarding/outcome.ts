import type { SignupFlow } from '@/lib/db/schema';
import type { PartnerType } from '@/lib/onboarding/steps/context';
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
