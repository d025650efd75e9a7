'use client';

import { useActionState, useEffect, useState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import type { SignupFlow } from '@/lib/db/schema';
import type { FormState } from '@/lib/form';
import { createLink, disableLink } from './actions';

function FieldError({ state, name }: { state: FormState; name: string }) {
  const errors = state.fieldErrors?.[name];
  return errors ? <span className="mt-1 block text-sm text-red-700">{errors.join(' ')}</span> : null;
}

const selectClass = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2';

export function CreateLinkForm({
  flows,
  categories,
  solutions = [],
}: {
  flows: Array<{ value: SignupFlow; label: string }>;
  categories: Array<{ value: string; label: string }>;
  solutions?: Array<{ id: string; label: string }>;
}) {
  const [state, action] = useActionState(createLink, {});
  const [flow, setFlow] = useState<string>('default');
  // A successful create resets the form, so the solution id field follows the flow back to its default.
  useEffect(() => {
    if (state.ok) setFlow('default');
  }, [state]);
  return (
    <form action={action} noValidate className="space-y-3" aria-label="Create a signup link">
      <Field label="Label" name="label" state={state} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Flow</span>
        <select
          key={state.values?.flow ?? 'default'}
          name="flow"
          defaultValue={state.values?.flow ?? 'default'}
          onChange={(event) => setFlow(event.target.value)}
          aria-invalid={state.fieldErrors?.flow ? true : undefined}
          className={selectClass}
        >
          {flows.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <FieldError state={state} name="flow" />
      </label>
      {flow === 'mps' ? (
        <div>
          <Field label="Solution id" name="solutionId" state={state} list="active-solutions" />
          {/* Only Active solutions onboard customers (Meta: Multi-Partner Solutions); the list comes from the Solutions page. */}
          <datalist id="active-solutions" data-testid="active-solutions">
            {solutions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </datalist>
          <span className="mt-1 block text-xs text-slate-600" data-testid="solution-choices">
            {solutions.length > 0
              ? `Active: ${solutions.map((s) => `${s.label} (${s.id})`).join(', ')}.`
              : 'No Active solution is on record: refresh them on the Solutions page.'}
          </span>
        </div>
      ) : (
        <FieldError state={state} name="solutionId" />
      )}
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="singleUse" defaultChecked={state.values?.singleUse === 'on'} className="mt-1" />
        <span>
          <span className="font-medium text-slate-700">Single use</span>
          <span className="block text-slate-600">Stops working after one completed signup.</span>
        </span>
      </label>
      <Field label="Expires in (1 to 365 days, empty for never)" name="expiresInDays" type="text" required={false} state={state} />
      <Field label="Customer reference (optional, your own id for this customer)" name="customerReference" required={false} state={state} />
      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">Pre-fill for the customer (optional)</legend>
        <p className="text-xs text-slate-600">Meta pre-fills the business only when name, email, website and country are all given.</p>
        <Field label="Business name" name="businessName" required={false} state={state} />
        <Field label="Business email" name="businessEmail" required={false} state={state} />
        <Field label="Business website" name="businessWebsite" required={false} state={state} />
        <Field label="Business country (two letters, e.g. US)" name="businessCountry" required={false} state={state} />
        <Field label="Display name" name="displayName" required={false} state={state} />
        <div className="text-sm">
          <label htmlFor="link-category" className="block font-medium text-slate-700">
            Business category
          </label>
          <select
            // Remounted with the submitted choice: a form reset restores a select to its mount-time choice.
            key={state.values?.category ?? ''}
            id="link-category"
            name="category"
            defaultValue={state.values?.category ?? ''}
            aria-invalid={state.fieldErrors?.category ? true : undefined}
            className={selectClass}
          >
            <option value="">None</option>
            {categories.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <FieldError state={state} name="category" />
        </div>
        <Field label="Business description" name="description" required={false} state={state} />
      </fieldset>
      <FormMessage state={state} />
      <SubmitButton pendingText="Creating…">Create link</SubmitButton>
    </form>
  );
}

export function DisableLinkButton({ id, label }: { id: string; label: string }) {
  const [state, action] = useActionState(disableLink, {});
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="id" value={id} />
      <button type="submit" aria-label={`Disable ${label}`} className="rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-50">
        Disable
      </button>
      <FormMessage state={state} />
    </form>
  );
}
