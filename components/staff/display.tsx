import type { ReactNode } from 'react';
import type { OnboardingStatus } from '@/lib/db/schema';

// Small read-only pieces shared by the staff pages (server components only).

export const onboardingStatusLabels: Record<OnboardingStatus, string> = {
  started: 'Started',
  cancelled: 'Cancelled by the customer',
  errored: 'Error in the signup window',
  exchanging: 'Confirming with Meta',
  running: 'Setting up',
  failed: 'Failed',
  action_needed: 'Action needed',
  live: 'Live',
  rejected: 'Rejected',
};

const statusTones: Record<OnboardingStatus, string> = {
  started: 'bg-slate-100 text-slate-700',
  cancelled: 'bg-slate-100 text-slate-700',
  errored: 'bg-red-50 text-red-800',
  exchanging: 'bg-sky-50 text-sky-800',
  running: 'bg-sky-50 text-sky-800',
  failed: 'bg-red-50 text-red-800',
  action_needed: 'bg-amber-50 text-amber-800',
  live: 'bg-brand-50 text-brand-700',
  rejected: 'bg-red-50 text-red-800',
};

export function StatusBadge({ status }: { status: OnboardingStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${statusTones[status]}`}>{onboardingStatusLabels[status]}</span>;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/** A timestamp in UTC, the same for every viewer, or a dash when there is none. */
export function When({ at, empty = '—' }: { at: Date | null | undefined; empty?: string }) {
  if (!at) return <>{empty}</>;
  return <time dateTime={at.toISOString()}>{dateTime.format(at)} UTC</time>;
}

export function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
      {items.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500">{term}</dt>
          <dd className="break-words">{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
