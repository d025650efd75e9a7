import { db } from '@/lib/db/client';
import type { Waba } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { type AuditContext, type GraphToken, systemToken } from '@/lib/meta/graph';
import { assignSystemUser, granularTasksWithoutMessaging, listAssignedUsers, removeSystemUser, type WabaTask } from '@/lib/meta/system-users';
import { solutionAccess } from '@/lib/onboarding/steps/solution-access';
import { UserError } from '@/lib/user-error';
import { saveMetaState } from '@/lib/accounts/state';

// Our system user on a customer's WABA (docs/meta/system-users.md): list who is assigned, add ours
// with MANAGE (or, under a Multi-Partner Solution that did not grant us MESSAGING, the granular
// tasks without it), and remove a user. Assigning and removing need the partner's system token.

function partnerIds() {
  const { systemUserId, businessId } = metaConfig();
  if (!systemUserId || !businessId) throw new UserError('META_SYSTEM_USER_ID and META_BUSINESS_ID must be configured to manage system users.');
  return { systemUserId, businessId };
}

export async function readAssignedUsers(waba: Waba, token: GraphToken, audit: AuditContext = {}) {
  const { businessId } = partnerIds();
  const users = await listAssignedUsers(waba.metaWabaId, businessId, token, audit);
  await saveMetaState(db(), waba.id, { assignedUsers: users, assignedUsersReadAt: new Date() });
  return users;
}

/** The tasks ours gets: MANAGE, unless a Multi-Partner Solution withheld MESSAGING from us (then MANAGE is refused). */
export async function tasksForUs(waba: Waba, token: GraphToken, audit: AuditContext = {}): Promise<readonly WabaTask[]> {
  if (!waba.solutionId || token.kind !== 'business') return ['MANAGE'];
  const access = await solutionAccess({ solutionId: waba.solutionId, metaWabaId: waba.metaWabaId, token, audit });
  return access.messaging ? ['MANAGE'] : granularTasksWithoutMessaging;
}

export async function addOurSystemUser(waba: Waba, token: GraphToken, audit: AuditContext = {}) {
  const { systemUserId, businessId } = partnerIds();
  const tasks = await tasksForUs(waba, token, audit);
  const { alreadyAssigned } = await assignSystemUser(waba.metaWabaId, { userId: systemUserId, tasks, businessId }, systemToken(), audit);
  await readAssignedUsers(waba, token, audit);
  return { tasks, alreadyAssigned };
}

export async function removeAssignedUser(waba: Waba, userId: string, token: GraphToken, audit: AuditContext = {}) {
  partnerIds();
  await removeSystemUser(waba.metaWabaId, userId, systemToken(), audit);
  return readAssignedUsers(waba, token, audit);
}

export function ourSystemUserId(): string | undefined {
  return metaConfig().systemUserId;
}
