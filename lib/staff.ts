import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { signInFailures, staffUsers, type StaffRole } from '@/lib/db/schema';
import { hashPassword } from '@/lib/passwords';

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

export class DuplicateEmailError extends Error {
  constructor() {
    super('A staff member with this email already exists.');
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}

export async function createStaffUser(input: { email: string; name: string; password: string; role: StaffRole }) {
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await db()
      .insert(staffUsers)
      .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: input.role })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateEmailError();
    throw error;
  }
}

/** Creates the first admin only while no staff user exists; returns undefined when one already does. */
export async function createFirstAdmin(input: { email: string; name: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return db().transaction(async (tx) => {
    // Serialises concurrent first-run submissions so that exactly one can win.
    await tx.execute(sql`select pg_advisory_xact_lock(715001)`);
    const [existing] = await tx.select({ n: count() }).from(staffUsers);
    if ((existing?.n ?? 0) > 0) return undefined;
    const [row] = await tx
      .insert(staffUsers)
      .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: 'admin' })
      .returning();
    return row;
  });
}

export async function setStaffRole(id: string, role: StaffRole) {
  const [row] = await db()
    .update(staffUsers)
    .set({ role, updatedAt: new Date() })
    .where(eq(staffUsers.id, id))
    .returning();
  return row;
}

export async function setStaffDisabled(id: string, disabled: boolean) {
  const [row] = await db()
    .update(staffUsers)
    .set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
    .where(eq(staffUsers.id, id))
    .returning();
  return row;
}

export async function countActiveAdmins(): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'admin'), sql`${staffUsers.disabledAt} is null`));
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
