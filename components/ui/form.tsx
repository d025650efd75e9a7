'use client';

import type { ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import type { FormState } from '@/lib/form';

export function SubmitButton({ children, pendingText }: { children: ReactNode; pendingText?: string }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
    >
      {pending ? (pendingText ?? 'Working…') : children}
    </button>
  );
}

export function Field({
  label,
  name,
  type = 'text',
  state,
  autoComplete,
  required = true,
  defaultValue,
  list,
}: {
  label: string;
  name: string;
  type?: string;
  state: FormState;
  autoComplete?: string;
  required?: boolean;
  defaultValue?: string;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}) {
  const errors = state.fieldErrors?.[name];
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        name={name}
        type={type}
        required={required}
        autoComplete={autoComplete}
        list={list}
        defaultValue={defaultValue ?? state.values?.[name]}
        aria-invalid={errors ? true : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-brand-600 focus:outline-none"
      />
      {errors ? <span className="mt-1 block text-red-700">{errors.join(' ')}</span> : null}
    </label>
  );
}

export function FormMessage({ state }: { state: FormState }) {
  return (
    <div aria-live="polite" role="status" className="min-h-5 text-sm">
      {state.error ? <p className="text-red-700">{state.error}</p> : null}
      {state.ok ? <p className="text-brand-700">{state.ok}</p> : null}
    </div>
  );
}
