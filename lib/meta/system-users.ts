import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphList, graphRequest, hasCode, successSchema } from '@/lib/meta/graph';

// The partner's system users and their tasks on customer WABAs (docs/meta/system-users.md).

export const wabaTasks = [
  'MANAGE',
  'DEVELOP',
  'MANAGE_TEMPLATES',
  'MANAGE_PHONE',
  'VIEW_COST',
  'MANAGE_EXTENSIONS',
  'VIEW_PHONE_ASSETS',
  'MANAGE_PHONE_ASSETS',
  'VIEW_TEMPLATES',
  'VIEW_INSIGHTS',
  'MANAGE_USERS',
  'MANAGE_BILLING',
  'MESSAGING',
] as const;
export type WabaTask = (typeof wabaTasks)[number];

/**
 * For a WABA onboarded through a Multi-Partner Solution where our app lacks MESSAGING: MANAGE is
 * refused there, and MANAGE_BILLING is what credit-line sharing needs (docs/meta/credit-lines.md, docs/meta/system-users.md).
 */
export const granularTasksWithoutMessaging: readonly WabaTask[] = [
  'MANAGE_TEMPLATES',
  'MANAGE_PHONE',
  'MANAGE_PHONE_ASSETS',
  'MANAGE_EXTENSIONS',
  'VIEW_COST',
  'VIEW_PHONE_ASSETS',
  'VIEW_TEMPLATES',
  'VIEW_INSIGHTS',
  'MANAGE_BILLING',
];

const systemUserSchema = z.looseObject({ id: graphIdSchema, name: z.string().optional(), role: z.string().optional() });

export type SystemUser = { id: string; name?: string; role?: string };

export async function listSystemUsers(businessId: string, token: GraphToken, audit: AuditContext = {}): Promise<SystemUser[]> {
  const users = await graphList({ path: `/${businessId}/system_users`, token, audit, item: systemUserSchema });
  return users.map((u) => ({ id: u.id, name: u.name, role: u.role }));
}

const assignedUserSchema = z.looseObject({
  id: graphIdSchema,
  name: z.string().optional(),
  tasks: z.array(z.string()).optional(),
});

export type AssignedUser = { id: string; name?: string; tasks: string[] };

/** `business` is required by Meta: the portfolio that owns or has access to the WABA. */
export async function listAssignedUsers(wabaId: string, businessId: string, token: GraphToken, audit: AuditContext = {}): Promise<AssignedUser[]> {
  const users = await graphList({
    path: `/${wabaId}/assigned_users`,
    query: { business: businessId },
    token,
    audit,
    item: assignedUserSchema,
  });
  return users.map((u) => ({ id: u.id, name: u.name, tasks: u.tasks ?? [] }));
}

/**
 * Adds a system user to the WABA with `tasks` (partner system token). Re-adding an assigned
 * user has been seen to fail with code 100; that counts as success only when a re-read
 * (`listAssignedUsers` with `businessId`) shows the user on the WABA.
 */
export async function assignSystemUser(
  wabaId: string,
  input: { userId: string; tasks: readonly WabaTask[]; businessId: string },
  token: GraphToken,
  audit: AuditContext = {},
): Promise<{ alreadyAssigned: boolean }> {
  try {
    await graphRequest({
      method: 'POST',
      path: `/${wabaId}/assigned_users`,
      query: { user: input.userId, tasks: input.tasks },
      token,
      audit,
      schema: successSchema,
    });
    return { alreadyAssigned: false };
  } catch (error) {
    if (!hasCode(error, 100)) throw error;
    const assigned = await listAssignedUsers(wabaId, input.businessId, token, audit);
    if (assigned.some((u) => u.id === input.userId)) return { alreadyAssigned: true };
    throw error;
  }
}

export async function removeSystemUser(wabaId: string, userId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({
    method: 'DELETE',
    path: `/${wabaId}/assigned_users`,
    query: { user: userId },
    token,
    audit,
    schema: successSchema,
  });
}
