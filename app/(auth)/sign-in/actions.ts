'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { signIn, signInMessages } from '@/lib/auth';
import { fieldErrorsOf, formValues, type FormState } from '@/lib/form';

const signInSchema = z.object({
  email: z.string().trim().email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});

export async function signInWithPassword(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = signInSchema.safeParse({ email: formData.get('email'), password: formData.get('password') });
  if (!parsed.success) return fieldErrorsOf(parsed.error, formData);
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: '/dashboard' });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return { error: signInMessages[error.code] ?? signInMessages.invalid_credentials, values: formValues(formData) };
    }
    if (error instanceof AuthError) return { error: 'Sign-in failed. Try again.' };
    throw error;
  }
  return {};
}
