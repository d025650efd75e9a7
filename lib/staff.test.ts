import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { verifyPassword } from '@/lib/passwords';
import { readSetting, writeSettings } from '@/lib/settings';
import {
  countActiveAdmins,
  countStaff,
  createFirstAdmin,
  createStaffUser,
  findStaffByEmail,
  setStaffDisabled,
  setStaffRole,
  recordSignInFailure,
  signInBlocked,
  signInLimit,
} from '@/lib/staff';
import { UserError } from '@/lib/user-error';

describe('staff', () => {
  it('creates exactly one first admin, even when submissions race', async () => {
    const attempts = await Promise.all(
      ['a@example.com', 'b@example.com', 'c@example.com'].map((email) => createFirstAdmin({ email, name: 'First', password: 'correct horse 1' })),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await countStaff()).toBe(1);
    expect(await createFirstAdmin({ email: 'd@example.com', name: 'Late', password: 'correct horse 1' })).toBeUndefined();
    const first = attempts.find(Boolean)!;
    expect(await db().select().from(auditLog).where(eq(auditLog.action, 'staff.first_admin'))).toEqual([
      expect.objectContaining({ actorId: first.id, target: first.id }),
    ]);
  });

  it('stores an argon2id hash and refuses a duplicate email in any case', async () => {
    const user = await createStaffUser({ email: 'Viewer@Example.com', name: 'V', password: 'viewer pass 1', role: 'viewer' });
    expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(user.passwordHash, 'viewer pass 1')).toBe(true);
    expect(await verifyPassword(user.passwordHash, 'viewer pass 2')).toBe(false);
    expect((await findStaffByEmail('VIEWER@example.com'))?.id).toBe(user.id);
    await expect(createStaffUser({ email: 'viewer@example.COM', name: 'Copy', password: 'viewer pass 1', role: 'admin' })).rejects.toBeInstanceOf(UserError);
  });

  it('blocks an address after the failure limit on one account, and only that address and account', async () => {
    for (let i = 0; i < signInLimit.perPair - 1; i++) await recordSignInFailure('target@example.com', '10.0.0.1');
    expect(await signInBlocked('target@example.com', '10.0.0.1')).toBeUndefined();
    await recordSignInFailure('Target@example.com', '10.0.0.1');
    expect(await signInBlocked('target@example.com', '10.0.0.1')).toBe('address');
    expect(await signInBlocked('target@example.com', '10.0.0.2')).toBeUndefined();
    expect(await signInBlocked('other@example.com', '10.0.0.1')).toBeUndefined();
  });

  it('blocks an address that fails across many accounts', async () => {
    for (let i = 0; i < signInLimit.perAddress; i++) await recordSignInFailure(`user${i}@example.com`, '192.0.2.7');
    expect(await signInBlocked('fresh@example.com', '192.0.2.7')).toBe('address');
    expect(await signInBlocked('fresh@example.com', '192.0.2.8')).toBeUndefined();
  });

  it('keeps one active admin when two admins are demoted or disabled at the same moment', async () => {
    const [a, b] = await Promise.all([
      createStaffUser({ email: 'race-a@example.com', name: 'A', password: 'admin pass 11', role: 'admin' }),
      createStaffUser({ email: 'race-b@example.com', name: 'B', password: 'admin pass 11', role: 'admin' }),
    ]);
    // Leave exactly these two admins active (on a server database, earlier files left theirs).
    const others = (await db().query.staffUsers.findMany()).filter((u) => u.role === 'admin' && u.id !== a.id && u.id !== b.id && !u.disabledAt);
    for (const other of others) await setStaffRole(other.id, 'viewer', new Auditor(a.id, 'staff.role'));
    expect(await countActiveAdmins()).toBe(2);

    const results = await Promise.allSettled([
      setStaffRole(a.id, 'operator', new Auditor(b.id, 'staff.role')),
      setStaffDisabled(b.id, true, new Auditor(a.id, 'staff.access')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(UserError);
    expect(await countActiveAdmins()).toBe(1);
  });

  it('writes settings and their audit row together', async () => {
    const admin = await createStaffUser({ email: 'settings-admin@example.com', name: 'S', password: 'admin pass 11', role: 'admin' });
    await writeSettings({ 'partner.type': 'tech_provider', 'webhooks.revokeCreditLineOnPartnerRemoved': true }, new Auditor(admin.id, 'settings.update'));
    expect(await readSetting('partner.type')).toBe('tech_provider');
    const [row] = await db().select().from(auditLog).where(eq(auditLog.action, 'settings.update'));
    expect(row).toMatchObject({ actorId: admin.id, details: { to: { 'partner.type': 'tech_provider', 'webhooks.revokeCreditLineOnPartnerRemoved': true } } });

    // An invalid value writes neither the settings nor an audit row.
    await expect(writeSettings({ 'partner.type': 'nonsense' as never }, new Auditor(admin.id, 'settings.update'))).rejects.toThrow();
    expect(await readSetting('partner.type')).toBe('tech_provider');
    expect(await db().select().from(auditLog).where(eq(auditLog.action, 'settings.update'))).toHaveLength(1);
  });
});
