import { shareCreditLine } from '@/lib/onboarding/steps/credit-line';
import type { FinishStep } from '@/lib/partner-wabas/finish-context';

/**
 * Shares our credit line through the API: the customer of a partner-initiated WABA cannot add a
 * payment method, and the share cannot be part of the request (Meta: Partner-initiated WABA creation).
 */
export const finishCreditLineStep: FinishStep = {
  name: 'share_credit_line',
  label: { staff: 'Share our credit line', customer: 'Set up billing through us' },
  needed: (plan) => plan.partnerType === 'solution_partner',
  after: ['assign_system_user'],
  run: (ctx) => shareCreditLine({ waba: ctx.waba, token: ctx.token, audit: ctx.audit, previous: ctx.previous, ownerBusinessId: ctx.ownerBusinessId }),
};
