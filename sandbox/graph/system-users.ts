import type { SystemUser, Token } from '../state';
import { authenticate, loadWaba, requireKind } from './auth';
import type { GraphContext } from './context';
import { listParam, stringParam } from './context';
import { invalidParameter, missingParameter, objectNotFound, permissionError } from './errors';
import { pageOf, type FieldGetters } from './fields';
import { wabaDefaultFields, wabaFieldGetters } from './wabas';

// System users on customer WABAs (Meta: Manage system users).

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
  'RECEIVE_INCOMING_MESSAGES',
  'FULL_CONTROL',
];

function adminSystemUser(ctx: GraphContext, token: Token) {
  requireKind(token, ['system'], 'Managing system users');
  const system = ctx.sb.state.systemUsers[token.userId];
  if (!system) throw permissionError('Unknown system user');
  if (system.role !== 'ADMIN') throw permissionError('Only an admin system user can assign users to a WhatsApp Business Account.');
  return system;
}

/** Default fields of a system user, on the node and on /{business-id}/system_users. */
export const systemUserDefaults = ['id', 'name', 'role'];

export function systemUserGetters(u: SystemUser): FieldGetters {
  return { id: () => u.id, name: () => u.name, role: () => (u.role === 'ADMIN' ? 'ADMIN' : 'EMPLOYEE'), created_time: () => undefined };
}

/** GET /{business-id}/system_users */
export function listSystemUsers(ctx: GraphContext, businessId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  if (!sb.state.businesses[businessId]) throw objectNotFound(businessId, 'get');
  requireKind(token, ['system'], 'Listing system users');
  const system = sb.state.systemUsers[token.userId];
  if (!system || system.businessId !== businessId) throw objectNotFound(businessId, 'get');
  const users = Object.values(sb.state.systemUsers).filter((u) => u.businessId === businessId);
  return pageOf(ctx, 'SystemUser', users, systemUserGetters, systemUserDefaults);
}

/** POST /{waba-id}/assigned_users?user=&tasks= */
export function assignUser(ctx: GraphContext, wabaId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const admin = adminSystemUser(ctx, token);
  const waba = loadWaba(ctx, token, wabaId, 'read');
  const userId = stringParam(ctx, 'user');
  const tasks = listParam(ctx, 'tasks');
  if (!userId) throw missingParameter('user');
  if (!tasks || tasks.length === 0) throw missingParameter('tasks');
  const unknown = tasks.filter((t) => !wabaTasks.includes(t));
  if (unknown.length > 0) throw invalidParameter(`Unknown tasks: ${unknown.join(', ')}. Valid tasks: ${wabaTasks.join(', ')}`);
  const target = sb.state.systemUsers[userId];
  if (!target || target.businessId !== admin.businessId) throw invalidParameter(`User ${userId} is not a system user of your business portfolio.`);
  const partner = waba.partners.find((p) => p.businessId === admin.businessId);
  if (partner?.solutionId && !partner.messaging && tasks.some((t) => t === 'MANAGE' || t === 'MESSAGING' || t === 'FULL_CONTROL')) {
    // Seed, Multi-Partner Solutions step 7: MANAGE only works with full access (MESSAGING) on the solution.
    throw invalidParameter(
      'Your app was not granted MESSAGING on the Multi-Partner Solution that shared this WhatsApp Business Account, so MANAGE cannot be assigned. Assign granular tasks instead (MANAGE_BILLING is needed to share a credit line).',
      '(#100) Invalid parameter',
    );
  }
  const existing = waba.assignedUsers.find((u) => u.userId === userId);
  if (existing) {
    const same = existing.tasks.length === tasks.length && tasks.every((t) => existing.tasks.includes(t));
    // Re-adding an assigned user with the same tasks has been seen to fail with 100 (third-party integrations report it).
    if (same) throw invalidParameter('The user already has these tasks on this WhatsApp Business Account.', '(#100) Invalid parameter');
    existing.tasks = [...new Set(tasks)];
    return { success: true };
  }
  waba.assignedUsers.push({ userId, tasks: [...new Set(tasks)] });
  return { success: true };
}

/** GET /{waba-id}/assigned_users?business= */
export function listAssignedUsers(ctx: GraphContext, wabaId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, wabaId, 'read');
  if (!stringParam(ctx, 'business')) throw missingParameter('business');
  return pageOf(
    ctx,
    'AssignedUser',
    waba.assignedUsers,
    (u) => ({
      id: () => u.userId,
      name: () => sb.state.systemUsers[u.userId]?.name ?? 'System User',
      tasks: () => u.tasks,
      user_type: () => 'SYSTEM_USER',
      business: () => {
        const owner = sb.state.systemUsers[u.userId]?.businessId;
        return owner ? { id: owner, name: sb.state.businesses[owner]?.name ?? '' } : undefined;
      },
    }),
    ['id', 'name', 'tasks'],
  );
}

/** DELETE /{waba-id}/assigned_users?user= */
export function removeAssignedUser(ctx: GraphContext, wabaId: string) {
  const token = authenticate(ctx);
  adminSystemUser(ctx, token);
  const waba = loadWaba(ctx, token, wabaId, 'read');
  const userId = stringParam(ctx, 'user');
  if (!userId) throw missingParameter('user');
  if (!waba.assignedUsers.some((u) => u.userId === userId)) throw invalidParameter(`User ${userId} is not assigned to this WhatsApp Business Account.`);
  waba.assignedUsers = waba.assignedUsers.filter((u) => u.userId !== userId);
  return { success: true };
}

/** GET /{system-user-id}/assigned_whatsapp_business_accounts: the WABAs the system user was added to. */
export function listAssignedWabas(ctx: GraphContext, systemUserId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const target = sb.state.systemUsers[systemUserId];
  if (!target) throw objectNotFound(systemUserId, 'get');
  requireKind(token, ['system'], 'Listing the WABAs of a system user');
  const caller = sb.state.systemUsers[token.userId];
  if (!caller || caller.businessId !== target.businessId) throw objectNotFound(systemUserId, 'get');
  const wabas = Object.values(sb.state.wabas).filter((w) => w.assignedUsers.some((u) => u.userId === target.id));
  return pageOf(ctx, 'WhatsAppBusinessAccount', wabas, (w) => wabaFieldGetters(sb, w), wabaDefaultFields);
}
