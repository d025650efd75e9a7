import { metaConfig } from '@/lib/env';
import { systemToken } from '@/lib/meta/graph';
import { assignSystemUser, granularTasksWithoutMessaging, listAssignedUsers, type WabaTask } from '@/lib/meta/system-users';
import { isReadOnly, type OnboardingStep } from '@/lib/onboarding/steps/context';
import { StepFailure } from '@/lib/operations/types';
import { solutionAccess } from '@/lib/onboarding/steps/solution-access';

/** Adds the partner's system user to the customer's WABA (system token; docs/meta/system-users.md). Solution Partners only. */
export const assignSystemUserStep: OnboardingStep = {
  name: 'assign_system_user',
  label: { staff: 'Add our system user to the WABA', customer: 'Give our team access to your account' },
  needed: (plan) => !isReadOnly(plan) && plan.partnerType === 'solution_partner',
  async run(ctx) {
    const { systemUserId, businessId } = metaConfig();
    if (!systemUserId || !businessId) {
      throw new StepFailure('not_configured', 'META_SYSTEM_USER_ID and META_BUSINESS_ID must be configured to add the system user.');
    }
    const token = systemToken();
    const wabaId = ctx.waba.metaWabaId;
    const [assigned, messaging] = await Promise.all([
      listAssignedUsers(wabaId, businessId, token, ctx.audit),
      ctx.solutionId
        ? solutionAccess({ solutionId: ctx.solutionId, metaWabaId: ctx.waba.metaWabaId, token: ctx.token, audit: ctx.audit }).then((a) => a.messaging)
        : Promise.resolve(true),
    ]);
    // Under an MPS without MESSAGING, MANAGE is refused; MANAGE_BILLING lets us share the credit line (docs/meta/credit-lines.md).
    const tasks: readonly WabaTask[] = messaging ? ['MANAGE'] : granularTasksWithoutMessaging;
    const current = assigned.find((user) => user.id === systemUserId);
    if (current && tasks.every((task) => current.tasks.includes(task))) {
      return { status: 'done', result: { userId: systemUserId, tasks: current.tasks, alreadyAssigned: true } };
    }
    const { alreadyAssigned } = await assignSystemUser(wabaId, { userId: systemUserId, tasks, businessId }, token, ctx.audit);
    return { status: 'done', result: { userId: systemUserId, tasks: [...tasks], alreadyAssigned } };
  },
};
