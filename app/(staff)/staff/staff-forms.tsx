'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import type { StaffRole } from '@/lib/db/schema';
import { changeStaffRole, createStaff, setStaffAccess } from './actions';

const roles: Array<{ value: StaffRole; label: string }> = [
  { value: 'viewer', label: 'Viewer: sees everything, changes nothing' },
  { value: 'operator', label: 'Operator: runs onboarding' },
  { value: 'admin', label: 'Admin: also manages staff and settings' },
];

export function CreateStaffForm() {
  const [state, action] = useActionState(createStaff, {});
  return (
    <form action={action} className="space-y-3">
      <Field label="Name" name="name" state={state} />
      <Field label="Email" name="email" type="email" state={state} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Role</span>
        <select name="role" defaultValue={state.values?.role ?? 'viewer'} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-2">
          {roles.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <Field label="Initial password" name="password" type="password" autoComplete="new-password" state={state} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Adding…">Add staff member</SubmitButton>
    </form>
  );
}

export function StaffRowActions({ id, role, disabled, self }: { id: string; role: StaffRole; disabled: boolean; self: boolean }) {
  const [roleState, roleAction] = useActionState(changeStaffRole, {});
  const [accessState, accessAction] = useActionState(setStaffAccess, {});
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <form action={roleAction} className="flex items-center gap-2">
          <input type="hidden" name="id" value={id} />
          <select name="role" defaultValue={role} aria-label="Role" className="rounded-md border border-slate-300 px-2 py-1">
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.value}
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50">
            Save role
          </button>
        </form>
        {self ? null : (
          <form action={accessAction}>
            <input type="hidden" name="id" value={id} />
            <input type="hidden" name="disabled" value={disabled ? 'false' : 'true'} />
            <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50">
              {disabled ? 'Enable' : 'Disable'}
            </button>
          </form>
        )}
      </div>
      <FormMessage state={roleState.error || roleState.ok ? roleState : accessState} />
    </div>
  );
}
