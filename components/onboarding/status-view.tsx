'use client';

import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { CustomerStatus } from '@/lib/onboarding/status';

const stepIcons: Record<string, string> = { done: '✓', skipped: '–', failed: '✕', running: '…', retrying: '↻', pending: '○' };

async function fetchStatus(id: string): Promise<CustomerStatus> {
  const response = await fetch(`/api/onboarding/${id}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`Status ${response.status}`);
  return (await response.json()) as CustomerStatus;
}

// Only Meta's own pages are turned into links: the text comes from our server, but a link is a promise.
const metaLink = /(https:\/\/business\.facebook\.com\/[A-Za-z0-9/_\-.?=&]*[A-Za-z0-9/_-])/g;

function withLinks(text: string): ReactNode[] {
  return text.split(metaLink).map((part, i) =>
    i % 2 === 1 ? (
      <a key={i} href={part} target="_blank" rel="noreferrer" className="font-medium text-brand-700 underline">
        WhatsApp Manager
      </a>
    ) : (
      part.replace(/WhatsApp Manager \($/, '').replace(/^\)/, '')
    ),
  );
}

function Contact({ contact }: { contact: string | null }) {
  if (!contact) return <>Questions? Contact the business that sent you the signup link.</>;
  const href = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact) ? `mailto:${contact}` : /^https?:\/\//.test(contact) ? contact : null;
  return (
    <>
      Questions? Contact{' '}
      {href ? (
        <a href={href} className="underline">
          {contact}
        </a>
      ) : (
        contact
      )}
      .
    </>
  );
}

const slowPolling: ReadonlySet<string> = new Set(['action_needed', 'waiting_on_partner', 'failed']);

/** The live status of one onboarding, polled until nothing more can happen without someone acting. */
export function StatusView({ initial }: { initial: CustomerStatus }) {
  const { data = initial, isError } = useQuery({
    queryKey: ['onboarding', initial.id],
    queryFn: () => fetchStatus(initial.id),
    initialData: initial,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (!status || query.state.data?.settled) return false;
      return slowPolling.has(status) ? 10_000 : 1_000;
    },
  });
  const live = data.status === 'live';
  return (
    <section className="space-y-5" data-testid="onboarding-status" data-status={data.status}>
      <div>
        <h1 className={`text-xl font-semibold ${live ? 'text-brand-700' : ''}`} data-testid="status-headline">
          {data.headline}
        </h1>
        {live ? <p className="mt-2 text-sm text-slate-700">Your WhatsApp Business Account is connected and ready to send and receive messages.</p> : null}
        {data.message ? (
          <p
            role={data.status === 'failed' || data.status === 'rejected' ? 'alert' : undefined}
            className="mt-2 text-sm text-slate-700"
            data-testid="status-message"
          >
            {withLinks(data.message)}
          </p>
        ) : null}
        {data.next ? (
          <p className="mt-2 text-sm font-medium text-slate-800" data-testid="status-next">
            {withLinks(data.next)}
          </p>
        ) : null}
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
                {data.phone.nameStatus ? (
                  <span className="ml-2 text-xs text-slate-500">name {data.phone.nameStatus.toLowerCase().replaceAll('_', ' ')}</span>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {data.steps.length > 0 ? (
        <ol className="space-y-2" aria-label="Setup steps">
          {data.steps.map((step) => (
            <li key={step.name} className="flex gap-3 text-sm" data-step={step.name} data-step-status={step.status}>
              <span aria-hidden className="w-4 text-center">
                {stepIcons[step.status] ?? '○'}
              </span>
              <span className="flex-1">
                {step.label}
                {step.note ? <span className="block text-xs text-slate-600">{step.note}</span> : null}
              </span>
              <span className="text-xs text-slate-500">{step.statusText}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {data.restartPath ? (
        <a href={data.restartPath} className="inline-block rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Start a new signup
        </a>
      ) : null}
      <p className="border-t border-slate-100 pt-4 text-xs text-slate-600" data-testid="support-contact">
        <Contact contact={data.contact} />
      </p>
      {isError ? <p className="text-xs text-amber-700">Lost contact with the server; retrying…</p> : null}
    </section>
  );
}
