'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { cancelBulkAction } from './actions';

export function CancelBulkButton({ runId }: { runId: string }) {
  const [state, action] = useActionState(cancelBulkAction, {});
  return (
    <form action={action} className="space-y-1" aria-label="Cancel this bulk run">
      <input type="hidden" name="runId" value={runId} />
      <SubmitButton pendingText="Cancelling…">Cancel run</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** Reloads the server-rendered page while the run is still going. */
export function AutoRefresh({ everyMs = 1_500 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
