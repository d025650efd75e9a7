'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { clearMscSharing, recordMscSharing } from './msc-actions';

export function RecordMscForm({ phoneNumberId, partnerCount, note }: { phoneNumberId: string; partnerCount?: number; note?: string | null }) {
  const [state, action] = useActionState(recordMscSharing, {});
  const errors = state.fieldErrors?.partnerCount;
  return (
    <form action={action} className="space-y-3" aria-label="Record Multi-Solution Conversations sharing">
      <input type="hidden" name="phoneNumberId" value={phoneNumberId} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Partners using this number, us included</span>
        <input
          name="partnerCount"
          type="number"
          min={2}
          defaultValue={state.values?.partnerCount ?? partnerCount ?? 2}
          aria-invalid={errors ? true : undefined}
          className="mt-1 block w-24 rounded-md border border-slate-300 px-2 py-1.5"
        />
        <span className="mt-1 block text-slate-600">As the customer told you: Meta does not show partners how many others share a number. At most 5.</span>
        {errors ? <span className="mt-1 block text-red-700">{errors.join(' ')}</span> : null}
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Note (optional)</span>
        <input name="note" defaultValue={state.values?.note ?? note ?? ''} className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5" />
      </label>
      <FormMessage state={state} />
      <SubmitButton pendingText="Saving…">{partnerCount ? 'Update sharing' : 'Record as shared'}</SubmitButton>
    </form>
  );
}

export function ClearMscForm({ phoneNumberId }: { phoneNumberId: string }) {
  const [state, action] = useActionState(clearMscSharing, {});
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="phoneNumberId" value={phoneNumberId} />
      <SubmitButton pendingText="Saving…">Record as not shared</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
