import { describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/passwords';
import {
  countStaff,
  createFirstAdmin,
  createStaffUser,
  DuplicateEmailError,
  findStaffByEmail,
  recordSignInFailure,
  signInBlocked,
  signInLimit,
} from '@/lib/staff';

describe('staff', () => {
  it('creates exactly one first admin, even when submissions race', async () => {
    const attempts = await Promise.all(
      ['a@example.com', 'b@example.com', 'c@example.com'].map((email) =>
        createFirstAdmin({ email, name: 'First', password: 'correct horse 1' }),
      ),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await countStaff()).toBe(1);
    expect(await createFirstAdmin({ email: 'd@example.com', name: 'Late', password: 'correct horse 1' })).toBeUndefined();
  });

  it('stores an argon2id hash and refuses a duplicate email in any case', async () => {
    const user = await createStaffUser({ email: 'Viewer@Example.com', name: 'V', password: 'viewer pass 1', role: 'viewer' });
    expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(user.passwordHash, 'viewer pass 1')).toBe(true);
    expect(await verifyPassword(user.passwordHash, 'viewer pass 2')).toBe(false);
    expect((await findStaffByEmail('VIEWER@example.com'))?.id).toBe(user.id);
    await expect(
      createStaffUser({ email: 'viewer@example.COM', name: 'Copy', password: 'viewer pass 1', role: 'admin' }),
    ).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it('blocks an account after the failure limit, and only that account', async () => {
    for (let i = 0; i < signInLimit.failures - 1; i++) await recordSignInFailure('target@example.com', `10.0.0.${i}`);
    expect(await signInBlocked('target@example.com', '10.0.0.99')).toBe(false);
    await recordSignInFailure('Target@example.com', '10.0.0.50');
    expect(await signInBlocked('target@example.com', '10.0.0.99')).toBe(true);
    expect(await signInBlocked('other@example.com', '10.0.0.99')).toBe(false);
  });

  it('blocks an address that fails across many accounts', async () => {
    for (let i = 0; i < signInLimit.perAddress; i++) await recordSignInFailure(`user${i}@example.com`, '192.0.2.7');
    expect(await signInBlocked('fresh@example.com', '192.0.2.7')).toBe(true);
    expect(await signInBlocked('fresh@example.com', '192.0.2.8')).toBe(false);
  });
});
