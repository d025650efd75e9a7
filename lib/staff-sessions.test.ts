import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { auditLog, signInFailures, staffSessions } from '@/lib/db/schema';
import { verifyPassword } from '@/lib/passwords';
import {
  changeOwnPassword,
  createStaffUser,
  endStaffSession,
  getStaffUser,
  openSession,
  recordSignInFailure,
  setStaffDisabled,
  signInBlocked,
  signInLimit,
  startStaffSession,
  wrongCurrentPassword,
} from '@/lib/staff';
import { UserError } from '@/lib/user-error';

let serial = 0;
async function staff(role: 'admin' | 'viewer' = 'viewer') {
  serial += 1;
  return createStaffUser({ email: `sessions-${serial}@example.com`, name: `Staff ${serial}`, password: 'first pass 11', role });
}

async function failFrom(email: string, addresses: string[], at?: Date) {
  await db()
    .insert(signInFailures)
    .values(addresses.map((address) => ({ email, address, ...(at ? { createdAt: at } : {}) })));
}

describe('sign-in limits', () => {
  it("an attacker's failures from one address do not block the owner signing in from another", async () => {
    const owner = await staff();
    await failFrom(
      owner.email,
      Array.from({ length: signInLimit.perPair * 3 }, () => '203.0.113.66'),
    );
    expect(await signInBlocked(owner.email, '203.0.113.66')).toBe('address');
    expect(await signInBlocked(owner.email, '198.51.100.10')).toBeUndefined();
  });

  it('the account ceiling stops failures spread over many addresses, but not the owner from an address they signed in from', async () => {
    const owner = await staff();
    await startStaffSession(owner, '198.51.100.20');
    const spread = Array.from({ length: signInLimit.perAccount - 1 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.9`);
    await failFrom(owner.email, spread);
    expect(await signInBlocked(owner.email, '10.9.9.9')).toBeUndefined();
    await recordSignInFailure(owner.email, '10.9.9.8');
    expect(await signInBlocked(owner.email, '10.9.9.9')).toBe('account');
    expect(await signInBlocked(owner.email, '198.51.100.20')).toBeUndefined();
    expect(await signInBlocked('someone-else@example.com', '10.9.9.9')).toBeUndefined();
  });

  it('the account ceiling counts only the last hour', async () => {
    const owner = await staff();
    const hourAgo = new Date(Date.now() - (signInLimit.accountWindowMinutes + 1) * 60_000);
    await failFrom(
      owner.email,
      Array.from({ length: signInLimit.perAccount }, (_, i) => `10.50.${i % 250}.${Math.floor(i / 250)}`),
      hourAgo,
    );
    expect(await signInBlocked(owner.email, '10.9.9.9')).toBeUndefined();
  });
});

describe('staff sessions', () => {
  it('a sign-in records the failed attempts since the previous sign-in and from how many addresses; the next starts from zero', async () => {
    const owner = await staff();
    const first = await startStaffSession(owner, '198.51.100.1');
    expect(first).toMatchObject({ failedAttempts: 0, failedAddresses: 0, failedSince: null });

    await failFrom(owner.email, ['203.0.113.1', '203.0.113.1', '203.0.113.2']);
    await failFrom('not-the-owner@example.com', ['203.0.113.3']);
    const second = await startStaffSession(owner, '198.51.100.1');
    expect(second).toMatchObject({ failedAttempts: 3, failedAddresses: 2, failedSince: first.createdAt });

    const third = await startStaffSession(owner, '198.51.100.1');
    expect(third).toMatchObject({ failedAttempts: 0, failedAddresses: 0, failedSince: null });
  });

  it('counts failures since the account was created when it has never signed in', async () => {
    const owner = await staff();
    await failFrom(owner.email, ['203.0.113.9']);
    const session = await startStaffSession(owner, '198.51.100.1');
    expect(session).toMatchObject({ failedAttempts: 1, failedAddresses: 1, failedSince: owner.createdAt });
  });

  it('a session is open until it is ended or expires, and only for its own staff member', async () => {
    const owner = await staff();
    const other = await staff();
    const session = await startStaffSession(owner, '198.51.100.1');
    expect((await openSession(session.id, owner.id))?.user.id).toBe(owner.id);
    expect(await openSession(session.id, other.id)).toBeUndefined();

    await endStaffSession(session.id);
    expect(await openSession(session.id, owner.id)).toBeUndefined();

    const expiring = await startStaffSession(owner, '198.51.100.1');
    await db()
      .update(staffSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(staffSessions.id, expiring.id));
    expect(await openSession(expiring.id, owner.id)).toBeUndefined();
  });

  it('disabling a staff member ends their sessions, and enabling them again does not reopen any', async () => {
    const admin = await staff('admin');
    const member = await staff();
    const [a, b] = [await startStaffSession(member, '198.51.100.1'), await startStaffSession(member, '198.51.100.2')];
    const kept = await startStaffSession(admin, '198.51.100.3');

    await setStaffDisabled(member.id, true, new Auditor(admin.id, 'staff.access'));
    await setStaffDisabled(member.id, false, new Auditor(admin.id, 'staff.access'));
    expect(await openSession(a.id, member.id)).toBeUndefined();
    expect(await openSession(b.id, member.id)).toBeUndefined();
    expect(await openSession(kept.id, admin.id)).toBeDefined();
    const [disable] = await db().select().from(auditLog).where(eq(auditLog.target, member.id));
    expect(disable).toMatchObject({ action: 'staff.disable', details: { endedSessions: 2 } });
  });

  it('changing the password keeps this session, ends the others, and records it without the password', async () => {
    const member = await staff();
    const here = await startStaffSession(member, '198.51.100.1');
    const elsewhere = await startStaffSession(member, '198.51.100.2');

    const result = await changeOwnPassword(
      { staffId: member.id, sessionId: here.id, address: '198.51.100.1', currentPassword: 'first pass 11', newPassword: 'second pass 22' },
      new Auditor(member.id, 'account.password'),
    );
    expect(result).toEqual({ endedSessions: 1 });
    expect(await openSession(here.id, member.id)).toBeDefined();
    expect(await openSession(elsewhere.id, member.id)).toBeUndefined();
    const updated = await getStaffUser(member.id);
    expect(await verifyPassword(updated!.passwordHash, 'second pass 22')).toBe(true);
    const [row] = await db().select().from(auditLog).where(eq(auditLog.action, 'account.password'));
    expect(row).toMatchObject({ actorId: member.id, target: member.id, details: { endedSessions: 1 } });
    expect(JSON.stringify(row)).not.toMatch(/first pass|second pass|argon2/);
  });

  it('a wrong current password changes nothing and counts as a failed sign-in', async () => {
    const member = await staff();
    const here = await startStaffSession(member, '198.51.100.1');
    const elsewhere = await startStaffSession(member, '198.51.100.2');
    const attempt = changeOwnPassword(
      { staffId: member.id, sessionId: here.id, address: '198.51.100.1', currentPassword: 'wrong pass 11', newPassword: 'second pass 22' },
      new Auditor(member.id, 'account.password'),
    );
    await expect(attempt).rejects.toEqual(new UserError(wrongCurrentPassword, { currentPassword: [wrongCurrentPassword] }));
    expect(await verifyPassword((await getStaffUser(member.id))!.passwordHash, 'first pass 11')).toBe(true);
    expect(await openSession(elsewhere.id, member.id)).toBeDefined();
    expect(await db().select().from(signInFailures).where(eq(signInFailures.email, member.email))).toEqual([
      expect.objectContaining({ address: '198.51.100.1' }),
    ]);
  });

  it('refuses to change the password from an address that failed too often', async () => {
    const member = await staff();
    const here = await startStaffSession(member, '198.51.100.1');
    await failFrom(
      member.email,
      Array.from({ length: signInLimit.perPair }, () => '198.51.100.1'),
    );
    await expect(
      changeOwnPassword(
        { staffId: member.id, sessionId: here.id, address: '198.51.100.1', currentPassword: 'first pass 11', newPassword: 'second pass 22' },
        new Auditor(member.id, 'account.password'),
      ),
    ).rejects.toThrow('Too many wrong passwords');
    expect(await verifyPassword((await getStaffUser(member.id))!.passwordHash, 'first pass 11')).toBe(true);
  });
});
