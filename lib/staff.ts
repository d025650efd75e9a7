import { and, asc, count, countDistinct, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { db, type Tx } from '@/lib/db/client';
import { auditLog, signInFailures, staffSessions, staffUsers, type StaffRole, type StaffSession, type StaffUser } from '@/lib/db/schema';
import { hashPassword, verifyPassword } from '@/lib/passwords';
import { UserError } from '@/lib/user-error';

/**
 * Sign-in limits. A stranger's failures block only their own address (per account and address,
 * and per address across accounts), so they cannot lock the owner out; a slower ceiling per
 * account stops a guess spread over many addresses, except from addresses the owner signed in from.
 */
export const signInLimit = { perPair: 10, perAddress: 30, windowMinutes: 15, perAccount: 100, accountWindowMinutes: 60 };

/** How long a staff session lasts from sign-in (the cookie and its row alike). */
export const sessionHours = 8;

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
    const endedSessions = disabled ? await endSessionsOf(tx, id) : 0;
    await audit.record(tx, { action: disabled ? 'staff.disable' : 'staff.enable', target: id, details: disabled ? { endedSessions } : undefined });
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
  await db()
    .insert(signInFailures)
    .values({ email: normalizeEmail(email), address });
}

export type SignInBlock = 'address' | 'account';

async function failuresSince(since: Date, ...where: Parameters<typeof and>): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(signInFailures)
    .where(and(gt(signInFailures.createdAt, since), ...where));
  return row?.n ?? 0;
}

/** An address the account has signed in from before. */
async function knownAddress(email: string, address: string): Promise<boolean> {
  const [row] = await db()
    .select({ id: staffSessions.id })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffId))
    .where(and(sql`lower(${staffUsers.email}) = ${normalizeEmail(email)}`, eq(staffSessions.address, address)))
    .limit(1);
  return Boolean(row);
}

/**
 * Why a sign-in for this account from this address must wait, if it must: `address` when this
 * address failed too often (on this account, or across accounts), `account` when the account's
 * ceiling is reached and the address is not one its owner signed in from.
 */
export async function signInBlocked(email: string, address: string): Promise<SignInBlock | undefined> {
  const account = normalizeEmail(email);
  const since = new Date(Date.now() - signInLimit.windowMinutes * 60_000);
  const byPair = await failuresSince(since, eq(signInFailures.email, account), eq(signInFailures.address, address));
  if (byPair >= signInLimit.perPair) return 'address';
  if ((await failuresSince(since, eq(signInFailures.address, address))) >= signInLimit.perAddress) return 'address';
  const accountSince = new Date(Date.now() - signInLimit.accountWindowMinutes * 60_000);
  if ((await failuresSince(accountSince, eq(signInFailures.email, account))) < signInLimit.perAccount) return undefined;
  return (await knownAddress(account, address)) ? undefined : 'account';
}

/**
 * Opens a session for a sign-in that passed, noting the failed attempts on the account since the
 * previous sign-in (or since the account was created) for the owner to see.
 */
export async function startStaffSession(user: Pick<StaffUser, 'id' | 'email' | 'createdAt'>, address: string): Promise<StaffSession> {
  return db().transaction(async (tx) => {
    const [previous] = await tx
      .select({ createdAt: staffSessions.createdAt })
      .from(staffSessions)
      .where(eq(staffSessions.staffId, user.id))
      .orderBy(desc(staffSessions.createdAt))
      .limit(1);
    const since = previous?.createdAt ?? user.createdAt;
    const [failed] = await tx
      .select({ attempts: count(), addresses: countDistinct(signInFailures.address) })
      .from(signInFailures)
      .where(and(eq(signInFailures.email, normalizeEmail(user.email)), gt(signInFailures.createdAt, since)));
    const attempts = failed?.attempts ?? 0;
    const [row] = await tx
      .insert(staffSessions)
      .values({
        staffId: user.id,
        address,
        expiresAt: new Date(Date.now() + sessionHours * 3600_000),
        failedAttempts: attempts,
        failedAddresses: failed?.addresses ?? 0,
        failedSince: attempts > 0 ? since : null,
      })
      .returning();
    return row!;
  });
}

/** The session and its user while the session is open (not ended, not expired). */
export async function openSession(sessionId: string, staffId: string): Promise<{ session: StaffSession; user: StaffUser } | undefined> {
  const [row] = await db()
    .select({ session: staffSessions, user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffId))
    .where(and(eq(staffSessions.id, sessionId), eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt), gt(staffSessions.expiresAt, sql`now()`)));
  return row;
}

export async function endStaffSession(sessionId: string): Promise<void> {
  await db()
    .update(staffSessions)
    .set({ endedAt: new Date() })
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.endedAt)));
}

/** Ends every open session of a staff member, except `keep`; returns how many it ended. */
async function endSessionsOf(tx: Tx, staffId: string, keep?: string): Promise<number> {
  const ended = await tx
    .update(staffSessions)
    .set({ endedAt: new Date() })
    .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt), keep ? ne(staffSessions.id, keep) : undefined))
    .returning({ id: staffSessions.id });
  return ended.length;
}

export const wrongCurrentPassword = 'Your current password is not correct.';

/**
 * A signed-in staff member changes their own password: the current one must match (a wrong one
 * counts as a failed sign-in, under the same limits), and their other sessions end.
 */
export async function changeOwnPassword(
  input: { staffId: string; sessionId: string; address: string; currentPassword: string; newPassword: string },
  audit: Auditor,
): Promise<{ endedSessions: number }> {
  const user = await getStaffUser(input.staffId);
  if (!user) throw new UserError('This staff member no longer exists.');
  if (await signInBlocked(user.email, input.address)) {
    throw new UserError('Too many wrong passwords. Wait 15 minutes and try again.');
  }
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordSignInFailure(user.email, input.address);
    throw new UserError(wrongCurrentPassword, { currentPassword: [wrongCurrentPassword] });
  }
  if (input.newPassword === input.currentPassword) {
    const same = 'Choose a password different from your current one.';
    throw new UserError(same, { newPassword: [same] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db().transaction(async (tx) => {
    await tx.update(staffUsers).set({ passwordHash, updatedAt: new Date() }).where(eq(staffUsers.id, user.id));
    const endedSessions = await endSessionsOf(tx, user.id, input.sessionId);
    await audit.record(tx, { target: user.id, details: { endedSessions } });
    return { endedSessions };
  });
}
