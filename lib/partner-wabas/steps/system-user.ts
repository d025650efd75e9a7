import { metaConfig } from '@/lib/env';
import { systemToken } from '@/lib/meta/graph';
import { assignSystemUser, granularTasksWithoutMessaging, listAssignedUsers, type WabaTask } from '@/lib/meta/system-users';
import type { FinishStep } from '@/lib/partner-wabas/finish-context';
import { StepFailure } from '@/lib/operations/types';

/**
 * Our system user on the WABA, which sharing the credit line needs (Meta: Manage system users). A
 * partner-initiated WABA has it already, with the tasks chosen in the request; under a solution
 * where we lack MESSAGING, MANAGE is refused, so granular tasks with MANAGE_BILLING are asked for.
 */
export const finishSystemUserStep: FinishStep = {
  name: 'assign_system_user',
  label: { staff: 'Add our system user to the WABA', customer: 'Give our team access to your account' },
  needed: (plan) => plan.partnerType === 'solution_partner',
  async run(ctx) {
    const { systemUserId, businessId } = metaConfig();
    if (!systemUserId || !businessId) {
      throw new StepFailure('not_configured', 'META_SYSTEM_USER_ID and META_BUSINESS_ID must be configured to add the system user.');
    }
    const token = systemToken();
    const assigned = await listAssignedUsers(ctx.waba.metaWabaId, businessId, token, ctx.audit);
    const current = assigned.find((user) => user.id === systemUserId);
    // Already there with the tasks the credit line needs: keep what the request granted.
    if (current && (current.tasks.includes('MANAGE') || current.tasks.includes('MANAGE_BILLING'))) {
      return { status: 'done', result: { userId: systemUserId, tasks: current.tasks, alreadyAssigned: true } };
    }
    const tasks: readonly WabaTask[] = ctx.plan.weHoldMessaging === false ? granularTasksWithoutMessaging : ['MANAGE'];
    const { alreadyAssigned } = await assignSystemUser(ctx.waba.metaWabaId, { userId: systemUserId, tasks, businessId }, token, ctx.audit);
    return { status: 'done', result: { userId: systemUserId, tasks: [...tasks], alreadyAssigned } };
  },
};
