'use server';

import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { fieldErrorsOf, type FormState } from '@/lib/form';
import { log } from '@/lib/log';
import { newPasswordSchema } from '@/lib/passwords';
import { countStaff, createFirstAdmin } from '@/lib/staff';

const setupSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100),
  email: z.string().trim().email('Enter a valid email address.').max(320),
  password: newPasswordSchema,
});

// First run only: anyone may call this while no staff user exists, and nobody afterwards.
export async function createAdmin(_prev: FormState, formData: FormData): Promise<FormState> {
  if ((await countStaff()) > 0) notFound();
  const parsed = setupSchema.safeParse({
    name: formData.get('name'),
    email: formData.get('email'),
    password: formData.get('password'),
  });
  if (!parsed.success) return fieldErrorsOf(parsed.error, formData);
  const admin = await createFirstAdmin(parsed.data);
  if (!admin) notFound();
  log.info({ staffId: admin.id }, 'First admin created');
  redirect('/sign-in?setup=done');
}
