'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffRoles } from '@/lib/db/schema';
import { newPasswordSchema } from '@/lib/passwords';
import { staffAction } from '@/lib/staff-action';
import { createStaffUser, setStaffDisabled, setStaffRole } from '@/lib/staff';

const createSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100),
  email: z.string().trim().email('Enter a valid email address.').max(320),
  role: z.enum(staffRoles, { message: 'Choose a role.' }),
  password: newPasswordSchema,
});

export const createStaff = staffAction({ action: 'staff.create', role: 'admin', schema: createSchema }, async (input, { audit }) => {
  await createStaffUser(input, audit);
  revalidatePath('/staff');
  return { ok: `${input.name} can now sign in as ${input.role}.` };
});

const roleSchema = z.object({ id: z.uuid('Invalid request.'), role: z.enum(staffRoles, 'Choose a valid role.') });

export const changeStaffRole = staffAction(
  { action: 'staff.role', role: 'admin', schema: roleSchema, targetOf: (input) => input.id },
  async (input, { audit }) => {
    const user = await setStaffRole(input.id, input.role, audit);
    revalidatePath('/staff');
    return { ok: `${user.name} is now ${input.role}.` };
  },
);

const accessSchema = z.object({ id: z.uuid('Invalid request.'), disabled: z.enum(['true', 'false']).transform((v) => v === 'true') });

export const setStaffAccess = staffAction(
  { action: 'staff.access', role: 'admin', schema: accessSchema, targetOf: (input) => input.id },
  async (input, { audit }) => {
    const user = await setStaffDisabled(input.id, input.disabled, audit);
    revalidatePath('/staff');
    return { ok: `${user.name} is ${input.disabled ? 'disabled' : 'enabled'}.` };
  },
);
