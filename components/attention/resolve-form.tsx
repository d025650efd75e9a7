'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { resolveAttentionItem } from './actions';

export function ResolveAttentionForm({ id }: { id: string }) {
  const [state, action] = useActionState(resolveAttentionItem, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <input
        name="reason"
        aria-label="Why it is resolved"
        placeholder="Why (optional)"
        maxLength={500}
        className="w-44 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
      />
      <SubmitButton pendingText="Resolving…">Resolve</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
