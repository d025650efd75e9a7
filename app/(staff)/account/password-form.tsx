'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import { changePassword } from './actions';

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePassword, {});
  return (
    <form action={action} aria-label="Change password" className="space-y-3">
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" state={state} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" state={state} />
      <Field label="New password again" name="confirmPassword" type="password" autoComplete="new-password" state={state} />
      <p className="text-xs text-slate-500">At least 10 characters, mixing letters with numbers or symbols. Your other sessions are signed out.</p>
      <FormMessage state={state} />
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}
