'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { resolveAttentionItem } from './actions';

export function ResolveAttentionForm({ id }: { id: string }) {
  const [state, action] = useActionState(resolveAttentionItem, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <SubmitButton pendingText="Resolving…">Resolve</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
