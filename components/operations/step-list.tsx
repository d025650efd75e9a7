import type { ReactNode } from 'react';
import { StatusBadge, When } from '@/components/staff/display';
import { Bar } from '@/components/ui/bar';
import type { RunProgress, StepProgress } from '@/lib/operations/progress';

// Any operation's steps for staff: status, attempts, times and the last error with Meta's code,
// fbtrace_id and what to do about it. Server component; `action` adds a control per step.

export const stepStatusText: Record<StepProgress['status'], string> = {
  pending: 'Waiting',
  running: 'Running',
  retrying: 'Retrying',
  done: 'Done',
  skipped: 'Not needed',
  failed: 'Failed',
};

export const runStatusText: Record<RunProgress['status'], string> = {
  running: 'In progress',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function LastError({ error }: { error: NonNullable<StepProgress['lastError']> }) {
  return (
    <>
      {error.code ? <span className="font-mono text-xs">#{error.code} </span> : null}
      {error.message}
      {error.fbtraceId ? <span className="block font-mono text-xs text-slate-500">fbtrace_id {error.fbtraceId}</span> : null}
      {error.advice ? <span className="mt-1 block text-xs text-slate-600">{error.advice}</span> : null}
    </>
  );
}

/** A bar and "3 of 5 steps done" for a run. */
export function RunProgressBar({ progress }: { progress: RunProgress }) {
  return (
    <div className="space-y-1" data-testid="run-progress" data-status={progress.status}>
      <Bar
        value={progress.settled}
        max={progress.total}
        tone={progress.status === 'failed' ? 'red' : 'brand'}
        label={`${progress.settled} of ${progress.total} steps done`}
      />
      <p className="text-xs text-slate-600">
        {progress.settled} of {progress.total} steps done · <StatusBadge status={progress.status} label={runStatusText[progress.status]} />
      </p>
    </div>
  );
}

export function StepList({ progress, action }: { progress: RunProgress; action?: (step: StepProgress) => ReactNode }) {
  if (progress.steps.length === 0) return <p className="text-sm text-slate-600">No steps have been recorded.</p>;
  return (
    <table className="w-full text-sm" data-testid="steps">
      <thead className="text-left text-slate-500">
        <tr>
          <th className="px-3 py-2 font-normal">Step</th>
          <th className="px-3 py-2 font-normal">Status</th>
          <th className="px-3 py-2 font-normal">Attempts</th>
          <th className="px-3 py-2 font-normal">Started</th>
          <th className="px-3 py-2 font-normal">Finished</th>
          <th className="px-3 py-2 font-normal">Last error</th>
          {action ? (
            <th className="px-3 py-2 font-normal">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {progress.steps.map((step) => (
          <tr key={step.name} className="border-t border-slate-100" data-step={step.name} data-status={step.status}>
            <td className="px-3 py-2 align-top">
              {step.label.staff}
              <span className="block text-xs text-slate-500">{step.name}</span>
            </td>
            <td className="px-3 py-2 align-top">{stepStatusText[step.status]}</td>
            <td className="px-3 py-2 align-top">{step.attempts}</td>
            <td className="px-3 py-2 align-top">
              <When at={step.startedAt} />
            </td>
            <td className="px-3 py-2 align-top">
              <When at={step.finishedAt} />
            </td>
            <td className="max-w-sm px-3 py-2 align-top">{step.lastError ? <LastError error={step.lastError} /> : '—'}</td>
            {action ? <td className="px-3 py-2 align-top">{action(step)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
