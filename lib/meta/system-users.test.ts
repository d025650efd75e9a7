import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemToken } from '@/lib/meta/graph';
import { assignSystemUser, granularTasksWithoutMessaging, listAssignedUsers, listSystemUsers, removeSystemUser } from '@/lib/meta/system-users';
import { startMetaSandbox, sandboxIds, type MetaSandbox } from '@/test/meta-sandbox';

// Against the sandbox: the partner's system user on customer WABAs (docs/meta/system-users.md).

let meta: MetaSandbox;
const { partnerBusinessId, systemUserId } = sandboxIds;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

describe('system users', () => {
  it("lists the partner's system users", async () => {
    const users = await listSystemUsers(partnerBusinessId, systemToken());
    expect(users).toContainEqual(expect.objectContaining({ id: systemUserId }));
  });

  it('assigns the system user with MANAGE, treats a repeat as already assigned, and removes it', async () => {
    const { wabaId } = await meta.onboard();
    const input = { userId: systemUserId, tasks: ['MANAGE'] as const, businessId: partnerBusinessId };
    expect(await assignSystemUser(wabaId, input, systemToken(), { step: 'assign_system_user' })).toEqual({ alreadyAssigned: false });
    expect(await listAssignedUsers(wabaId, partnerBusinessId, systemToken())).toEqual([expect.objectContaining({ id: systemUserId, tasks: ['MANAGE'] })]);
    expect(await assignSystemUser(wabaId, input, systemToken())).toEqual({ alreadyAssigned: true });
    await removeSystemUser(wabaId, systemUserId, systemToken());
    expect(await listAssignedUsers(wabaId, partnerBusinessId, systemToken())).toEqual([]);
  });

  it('does not mistake another code-100 failure for "already assigned"', async () => {
    const { wabaId } = await meta.onboard();
    const error = await assignSystemUser(wabaId, { userId: '3999999999999999', tasks: ['MANAGE'], businessId: partnerBusinessId }, systemToken()).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 100, kind: 'permanent' });
  });

  it('assigns granular tasks including MANAGE_BILLING', async () => {
    const { wabaId } = await meta.onboard();
    await assignSystemUser(wabaId, { userId: systemUserId, tasks: granularTasksWithoutMessaging, businessId: partnerBusinessId }, systemToken());
    const [user] = await listAssignedUsers(wabaId, partnerBusinessId, systemToken());
    expect(user?.tasks).toContain('MANAGE_BILLING');
    expect(user?.tasks).not.toContain('MANAGE');
  });
});
