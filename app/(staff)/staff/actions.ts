'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import { staffRoles } from '@/lib/db/schema';
import { fieldErrorsOf, formValues, type FormState } from '@/lib/form';
import { newPasswordSchema } from '@/lib/passwords';
import {
  countActiveAdmins,
  createStaffUser,
  DuplicateEmailError,
  getStaffUser,
  setStaffDisabled,
  setStaffRole,
} from '@/lib/staff';

const createSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100),
  email: z.string().trim().email('Enter a valid email address.').max(320),
  role: z.enum(staffRoles, { message: 'Choose a role.' }),
  password: newPasswordSchema,
});

export async function createStaff(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = createSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return fieldErrorsOf(parsed.error, formData);
  try {
    const user = await createStaffUser(parsed.data);
    await recordAudit(admin.id, 'staff.create', user.id, { email: user.email, role: user.role });
  } catch (error) {
    if (error instanceof DuplicateEmailError) return { error: error.message, fieldErrors: { email: [error.message] }, values: formValues(formData) };
    throw error;
  }
  revalidatePath('/staff');
  return { ok: `${parsed.data.name} can now sign in as ${parsed.data.role}.` };
}

const roleSchema = z.object({ id: z.string().uuid(), role: z.enum(staffRoles) });

export async function changeStaffRole(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = roleSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Choose a valid role.' };
  const target = await getStaffUser(parsed.data.id);
  if (!target) return { error: 'This staff member no longer exists.' };
  if (target.role === 'admin' && parsed.data.role !== 'admin' && (await countActiveAdmins()) <= 1) {
    return { error: 'Onramp needs at least one admin: promote someone else first.' };
  }
  await setStaffRole(target.id, parsed.data.role);
  await recordAudit(admin.id, 'staff.role', target.id, { from: target.role, to: parsed.data.role });
  revalidatePath('/staff');
  return { ok: `${target.name} is now ${parsed.data.role}.` };
}

const disableSchema = z.object({ id: z.string().uuid(), disabled: z.enum(['true', 'false']) });

export async function setStaffAccess(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = disableSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Invalid request.' };
  const disabled = parsed.data.disabled === 'true';
  if (parsed.data.id === admin.id && disabled) return { error: 'You cannot disable your own account.' };
  const target = await getStaffUser(parsed.data.id);
  if (!target) return { error: 'This staff member no longer exists.' };
  if (disabled && target.role === 'admin' && (await countActiveAdmins()) <= 1) {
    return { error: 'Onramp needs at least one admin.' };
  }
  await setStaffDisabled(target.id, disabled);
  await recordAudit(admin.id, disabled ? 'staff.disable' : 'staff.enable', target.id);
  revalidatePath('/staff');
  return { ok: `${target.name} is ${disabled ? 'disabled' : 'enabled'}.` };
}
