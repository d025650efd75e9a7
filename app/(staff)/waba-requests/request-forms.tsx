'use client';

import { useActionState, useState } from 'react';
import { useFormStatus } from 'react-dom';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import { cancelRequestAction, finishRequestAction, recordRequestAction } from './actions';

export function RecordRequestForm({ today }: { today: string }) {
  const [state, action] = useActionState(recordRequestAction, {});
  return (
    <form action={action} noValidate className="space-y-3" aria-label="Record a WABA creation request">
      <Field label="Customer’s business portfolio id" name="customerBusinessId" state={state} />
      <Field label="Customer’s business name" name="customerName" state={state} />
      <Field label="Date you sent it" name="sentOn" type="date" state={state} defaultValue={state.values?.sentOn ?? today} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Note (optional)</span>
        <textarea name="note" defaultValue={state.values?.note} rows={2} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2" />
        {state.fieldErrors?.note ? <span className="mt-1 block text-red-700">{state.fieldErrors.note.join(' ')}</span> : null}
      </label>
      <FormMessage state={state} />
      <SubmitButton pendingText="Recording…">Record the request</SubmitButton>
    </form>
  );
}

function Submit({ label, pending: pendingText }: { label: string; pending: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-50">
      {pending ? pendingText : label}
    </button>
  );
}

export function FinishRequestButton({ requestId, customer }: { requestId: string; customer: string }) {
  const [state, action] = useActionState(finishRequestAction, {});
  return (
    <form action={action} className="space-y-1" aria-label={`Finish onboarding of ${customer}`}>
      <input type="hidden" name="requestId" value={requestId} />
      <Submit label="Finish onboarding" pending="Starting…" />
      <FormMessage state={state} />
    </form>
  );
}

export function CancelRequestButton({ id, customer }: { id: string; customer: string }) {
  const [state, action] = useActionState(cancelRequestAction, {});
  return (
    <form action={action} className="space-y-1" aria-label={`Mark the request to ${customer} cancelled`}>
      <input type="hidden" name="id" value={id} />
      <Submit label="Mark cancelled" pending="Saving…" />
      <FormMessage state={state} />
    </form>
  );
}

export function CopyInstructions({ text }: { text: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 2_000);
  }
  return (
    <button type="button" onClick={copy} className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50">
      <span aria-live="polite">{copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy them' : 'Copy the instructions'}</span>
    </button>
  );
}
