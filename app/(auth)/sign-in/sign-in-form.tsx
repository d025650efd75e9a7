'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import { signInWithPassword } from './actions';

export function SignInForm() {
  const [state, action] = useActionState(signInWithPassword, {});
  return (
    <form action={action} className="space-y-4">
      <Field label="Email" name="email" type="email" autoComplete="username" state={state} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" state={state} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
