'use client';

import { useActionState } from 'react';
import { useFormStatus } from 'react-dom';
import { FormMessage } from '@/components/ui/form';
import { setReferenceAction, startBulkAction } from './actions';

/** The partner's reference of a customer, set from a list row (operators). */
export function ReferenceForm({ businessId, reference, label }: { businessId: string; reference: string | null; label: string }) {
  const [state, action] = useActionState(setReferenceAction, {});
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-slate-600 underline">{reference ? 'Change reference' : 'Set reference'}</summary>
      <form action={action} className="mt-1 flex flex-wrap items-center gap-1" aria-label={`Customer reference of ${label}`}>
        <input type="hidden" name="businessId" value={businessId} />
        <input
          name="reference"
          defaultValue={state.values?.reference ?? reference ?? ''}
          aria-label="Customer reference"
          aria-invalid={state.fieldErrors?.reference ? true : undefined}
          className="w-32 rounded border border-slate-300 px-2 py-1"
        />
        <button type="submit" className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50">
          Save
        </button>
        {state.fieldErrors?.reference ? <span className="block w-full text-red-700">{state.fieldErrors.reference.join(' ')}</span> : null}
        <FormMessage state={state} />
      </form>
    </details>
  );
}

function RunButton({ scope, children }: { scope: 'selected' | 'all'; children: string }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      name="scope"
      value={scope}
      disabled={pending}
      className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50 disabled:opacity-60"
    >
      {children}
    </button>
  );
}

/** The bulk bar: the row checkboxes belong to this form (`form="bulk-form"`), the filter rides along for "all matching". */
export function BulkBar({ filterQuery, matching }: { filterQuery: string; matching: string }) {
  const [state, action] = useActionState(startBulkAction, {});
  return (
    <form
      id="bulk-form"
      action={action}
      className="mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
      aria-label="Bulk action"
    >
      <input type="hidden" name="filter" value={filterQuery} />
      <label className="flex items-center gap-2">
        <span className="font-medium text-slate-700">Bulk action</span>
        <select name="action" defaultValue="refresh" className="rounded-md border border-slate-300 bg-white px-2 py-2">
          <option value="refresh">Refresh from Meta</option>
          <option value="resubscribe">Subscribe our app again</option>
          <option value="token_check">Check tokens</option>
        </select>
      </label>
      <RunButton scope="selected">Run on selected</RunButton>
      <RunButton scope="all">{`Run on all ${matching} matching`}</RunButton>
      <FormMessage state={state} />
    </form>
  );
}
