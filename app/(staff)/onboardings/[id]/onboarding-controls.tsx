'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, type ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import { FormMessage } from '@/components/ui/form';
import { rerunStepAction, resumeOnboardingAction } from '../actions';

const operatorsOnly = 'Only operators and admins can do this.';

function ActionButton({ children, allowed, pendingText }: { children: ReactNode; allowed: boolean; pendingText: string }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={!allowed || pending}
      title={allowed ? undefined : operatorsOnly}
      className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
    >
      {pending ? pendingText : children}
    </button>
  );
}

export function ResumeButton({ sessionId, allowed }: { sessionId: string; allowed: boolean }) {
  const [state, action] = useActionState(resumeOnboardingAction, {});
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="sessionId" value={sessionId} />
      <ActionButton allowed={allowed} pendingText="Resuming…">
        Resume
      </ActionButton>
      <FormMessage state={state} />
    </form>
  );
}

export function RerunStepButton({ sessionId, step, label, allowed }: { sessionId: string; step: string; label: string; allowed: boolean }) {
  const [state, action] = useActionState(rerunStepAction, {});
  return (
    <form action={action} className="space-y-1" aria-label={`Re-run ${label}`}>
      <input type="hidden" name="sessionId" value={sessionId} />
      <input type="hidden" name="step" value={step} />
      <ActionButton allowed={allowed} pendingText="Starting…">
        Re-run step
      </ActionButton>
      <FormMessage state={state} />
    </form>
  );
}

/** Reloads the server-rendered page while the pipeline is still working. */
export function AutoRefresh({ everyMs = 2_000 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
