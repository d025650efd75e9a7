'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import { finishWabaAction, resumeFinishAction } from './actions';

export function FinishButton({ metaWabaId, label = 'Finish onboarding' }: { metaWabaId: string; label?: string }) {
  const [state, action] = useActionState(finishWabaAction, {});
  return (
    <form action={action} className="space-y-1" aria-label="Finish onboarding">
      <input type="hidden" name="metaWabaId" value={metaWabaId} />
      <SubmitButton pendingText="Starting…">{label}</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function ResumeFinishButton({ metaWabaId }: { metaWabaId: string }) {
  const [state, action] = useActionState(resumeFinishAction, {});
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="metaWabaId" value={metaWabaId} />
      <SubmitButton pendingText="Resuming…">Resume</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
