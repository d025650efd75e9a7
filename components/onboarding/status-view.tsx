'use client';

import { useQuery } from '@tanstack/react-query';
import type { CustomerStatus } from '@/lib/onboarding/status';

const stepIcons: Record<string, string> = { done: '✓', skipped: '–', failed: '✕', running: '…', retrying: '↻', pending: '○' };
const stepText: Record<string, string> = { done: 'Done', skipped: 'Not needed', failed: 'Stopped', running: 'In progress', retrying: 'Retrying', pending: 'Waiting' };

async function fetchStatus(id: string): Promise<CustomerStatus> {
  const response = await fetch(`/api/onboarding/${id}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`Status ${response.status}`);
  return (await response.json()) as CustomerStatus;
}

/** The live status of one onboarding, polled until nothing more can happen without someone acting. */
export function StatusView({ initial }: { initial: CustomerStatus }) {
  const { data = initial, isError } = useQuery({
    queryKey: ['onboarding', initial.id],
    queryFn: () => fetchStatus(initial.id),
    initialData: initial,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (!status || query.state.data?.settled) return false;
      return status === 'action_needed' || status === 'failed' ? 10_000 : 1_000;
    },
  });
  const live = data.status === 'live';
  return (
    <section className="space-y-5" data-testid="onboarding-status" data-status={data.status}>
      <div>
        <h1 className={`text-xl font-semibold ${live ? 'text-brand-700' : ''}`}>{data.headline}</h1>
        {data.message ? (
          <p role={data.status === 'failed' || data.status === 'rejected' ? 'alert' : undefined} className="mt-2 text-sm text-slate-700" data-testid="status-message">
            {data.message}
          </p>
        ) : null}
        {live ? <p className="mt-2 text-sm text-slate-700">Your WhatsApp Business Account is connected and ready to send and receive messages.</p> : null}
      </div>
      {data.waba ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Account</dt>
          <dd>{data.waba.name ?? data.waba.id}</dd>
          {data.phone ? (
            <>
              <dt className="text-slate-500">Number</dt>
              <dd>
                {data.phone.number ?? '—'}
                {data.phone.name ? ` · ${data.phone.name}` : ''}
                {data.phone.nameStatus ? <span className="ml-2 text-xs text-slate-500">name {data.phone.nameStatus.toLowerCase().replaceAll('_', ' ')}</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {data.steps.length > 0 ? (
        <ol className="space-y-2" aria-label="Setup steps">
          {data.steps.map((step) => (
            <li key={step.name} className="flex gap-3 text-sm" data-step={step.name} data-step-status={step.status}>
              <span aria-hidden className="w-4 text-center">{stepIcons[step.status] ?? '○'}</span>
              <span className="flex-1">
                {step.label}
                {step.note ? <span className="block text-xs text-slate-600">{step.note}</span> : null}
              </span>
              <span className="text-xs text-slate-500">{stepText[step.status] ?? step.status}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {data.restartPath ? (
        <a href={data.restartPath} className="inline-block rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Start a new signup
        </a>
      ) : null}
      {isError ? <p className="text-xs text-amber-700">Lost contact with the server; retrying…</p> : null}
    </section>
  );
}
