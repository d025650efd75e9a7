import { and, asc, count, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { db, type Tx } from '@/lib/db/client';
import { auditLog, signInFailures, staffUsers, type StaffRole } from '@/lib/db/schema';
import { hashPassword } from '@/lib/passwords';
import { UserError } from '@/lib/user-error';

export const signInLimit = { failures: 10, perAddress: 30, windowMinutes: 15 };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function countStaff(): Promise<number> {
  const [row] = await db().select({ n: count() }).from(staffUsers);
  return row?.n ?? 0;
}

export async function getStaffUser(id: string) {
  const [row] = await db().select().from(staffUsers).where(eq(staffUsers.id, id));
  return row;
}

export async function findStaffByEmail(email: string) {
  const [row] = await db()
    .select()
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${normalizeEmail(email)}`);
  return row;
}

export async function listStaff() {
  return db().select().from(staffUsers).orderBy(asc(staffUsers.createdAt));
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}

const duplicateEmail = 'A staff member with this email already exists.';

export async function createStaffUser(input: { email: string; name: string; password: string; role: StaffRole }, audit?: Auditor) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().transaction(async (tx) => {
      const [row] = await tx
        .insert(staffUsers)
        .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: input.role })
        .returning();
      await audit?.record(tx, { target: row!.id, details: { email: row!.email, role: row!.role } });
      return row!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(duplicateEmail, { email: [duplicateEmail] });
    throw error;
  }
}

// Serialises every change that could leave Onramp without an active admin (first run, demotions,
// disabling), so that two concurrent changes cannot each see "another admin is left".
async function lockAdmins(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(715001)`);
}

/** Creates the first admin only while no staff user exists; returns undefined when one already does. */
export async function createFirstAdmin(input: { email: string; name: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return db().transaction(async (tx) => {
    await lockAdmins(tx);
    const [existing] = await tx.select({ n: count() }).from(staffUsers);
    if ((existing?.n ?? 0) > 0) return undefined;
    const [row] = await tx
      .insert(staffUsers)
      .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: 'admin' })
      .returning();
    await tx.insert(auditLog).values({ actorId: row!.id, action: 'staff.first_admin', target: row!.id, details: { email: row!.email } });
    return row;
  });
}

async function otherActiveAdmins(tx: Tx, exceptId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), isNull(staffUsers.disabledAt), ne(staffUsers.id, exceptId)));
  return row?.n ?? 0;
}

async function lockedStaff(tx: Tx, id: string) {
  await lockAdmins(tx);
  const [target] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for('update');
  if (!target) throw new UserError('This staff member no longer exists.');
  return target;
}

/** Changes a role; refuses to demote the last active admin. */
export async function setStaffRole(id: string, role: StaffRole, audit: Auditor) {
  return db().transaction(async (tx) => {
    const target = await lockedStaff(tx, id);
    if (target.role === 'admin' && role !== 'admin' && !target.disabledAt && (await otherActiveAdmins(tx, id)) === 0) {
      throw new UserError('Onramp needs at least one admin: promote someone else first.');
    }
    const [row] = await tx.update(staffUsers).set({ role, updatedAt: new Date() }).where(eq(staffUsers.id, id)).returning();
    await audit.record(tx, { target: id, details: { from: target.role, to: role } });
    return row!;
  });
}

/** Disables or enables an account; refuses to disable yourself or the last active admin. */
export async function setStaffDisabled(id: string, disabled: boolean, audit: Auditor) {
  if (disabled && id === audit.actorId) throw new UserError('You cannot disable your own account.');
  return db().transaction(async (tx) => {
    const target = await lockedStaff(tx, id);
    if (disabled && target.role === 'admin' && (await otherActiveAdmins(tx, id)) === 0) {
      throw new UserError('Onramp needs at least one admin.');
    }
    const [row] = await tx
      .update(staffUsers)
      .set({ disabledAt: disabled ? (target.disabledAt ?? new Date()) : null, updatedAt: new Date() })
      .where(eq(staffUsers.id, id))
      .returning();
    await audit.record(tx, { action: disabled ? 'staff.disable' : 'staff.enable', target: id });
    return row!;
  });
}

export async function countActiveAdmins(): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), isNull(staffUsers.disabledAt)));
  return row?.n ?? 0;
}

export async function recordSignInFailure(email: string, address: string): Promise<void> {
  await db().insert(signInFailures).values({ email: normalizeEmail(email), address });
}

/** True when this account, or this address, has failed too often within the window. */
export async function signInBlocked(email: string, address: string): Promise<boolean> {
  const since = new Date(Date.now() - signInLimit.windowMinutes * 60_000);
  const [byAccount] = await db()
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, normalizeEmail(email)), gt(signInFailures.createdAt, since)));
  if ((byAccount?.n ?? 0) >= signInLimit.failures) return true;
  const [byAddress] = await db()
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.address, address), gt(signInFailures.createdAt, since)));
  return (byAddress?.n ?? 0) >= signInLimit.perAddress;
}
