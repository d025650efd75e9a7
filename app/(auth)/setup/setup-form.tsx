'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import { createAdmin } from './actions';

export function SetupForm() {
  const [state, action] = useActionState(createAdmin, {});
  return (
    <form action={action} className="space-y-4">
      <Field label="Your name" name="name" autoComplete="name" state={state} />
      <Field label="Email" name="email" type="email" autoComplete="username" state={state} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" state={state} />
      <p className="text-xs text-slate-500">At least 10 characters, mixing letters with numbers or symbols.</p>
      <FormMessage state={state} />
      <SubmitButton pendingText="Creating…">Create admin account</SubmitButton>
    </form>
  );
}
