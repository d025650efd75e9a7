'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { checkVerificationWithMeta, submitVerificationDocuments } from './actions';

const verticals = [
  ['', 'Not given'],
  ['PROFESSIONAL', 'Professional services'],
  ['RETAIL', 'Retail'],
  ['RESTAURANTS', 'Restaurants'],
  ['MEDICAL_HEALTHCARE', 'Medical and health care'],
] as const;

function TextInput({ name, label, hint, errors, defaultValue }: { name: string; label: string; hint?: string; errors?: string[]; defaultValue?: string }) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        name={name}
        defaultValue={defaultValue}
        aria-invalid={errors ? true : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-brand-600 focus:outline-none"
      />
      {hint ? <span className="mt-1 block text-slate-600">{hint}</span> : null}
      {errors ? <span className="mt-1 block text-red-700">{errors.join(' ')}</span> : null}
    </label>
  );
}

export function SubmitVerificationForm({ businessId, attemptNumber, businessName }: { businessId: string; attemptNumber: number; businessName: string }) {
  const [state, action] = useActionState(submitVerificationDocuments, {});
  const documentErrors = state.fieldErrors?.documents;
  return (
    <form action={action} className="space-y-4" data-testid="verification-submit-form">
      <input type="hidden" name="businessId" value={businessId} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Documents (1 to 3)</span>
        <input
          type="file"
          name="documents"
          multiple
          required
          accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
          aria-invalid={documentErrors ? true : undefined}
          className="mt-1 block w-full text-sm"
        />
        <span className="mt-1 block text-slate-600">PDF, JPEG or PNG, at most 5 MB each. They are sent to Meta and not kept by us.</span>
        {documentErrors ? (
          <span className="mt-1 block text-red-700" data-testid="documents-error">
            {documentErrors.join(' ')}
          </span>
        ) : null}
      </label>
      <TextInput
        name="legalName"
        label="Legal name (optional)"
        hint="Exactly as it appears on the documents."
        errors={state.fieldErrors?.legalName}
        defaultValue={state.values?.legalName ?? businessName}
      />
      <TextInput name="address" label="Registered address (optional)" errors={state.fieldErrors?.address} defaultValue={state.values?.address} />
      <TextInput name="website" label="Website (optional)" errors={state.fieldErrors?.website} defaultValue={state.values?.website} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Business vertical (optional)</span>
        <select
          name="businessVertical"
          defaultValue={state.values?.businessVertical ?? ''}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2"
        >
          {verticals.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <FormMessage state={state} />
      <SubmitButton pendingText="Sending to Meta…">Submit attempt {attemptNumber} of 3</SubmitButton>
    </form>
  );
}

export function CheckWithMetaForm({ businessId }: { businessId: string }) {
  const [state, action] = useActionState(checkVerificationWithMeta, {});
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="businessId" value={businessId} />
      <SubmitButton pendingText="Asking Meta…">Check with Meta</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
