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
  action_needed: 'Customer action needed',
  waiting_on_partner: 'Waiting on a partner',
  connected: 'Connected, not sending',
  live: 'Live',
  rejected: 'Rejected',
  expired: 'Expired (not finished in time)',
};

// Onboarding endings that share a word with other statuses get their own colour ("connected" WABA vs onboarding).
const onboardingTones: Partial<Record<OnboardingStatus, string>> = {
  connected: 'bg-teal-50 text-teal-800',
  waiting_on_partner: 'bg-indigo-50 text-indigo-800',
};

const tones: Record<string, string> = {
  live: 'bg-brand-50 text-brand-700',
  connected: 'bg-brand-50 text-brand-700',
  processed: 'bg-brand-50 text-brand-700',
  delivered: 'bg-brand-50 text-brand-700',
  APPROVED: 'bg-brand-50 text-brand-700',
  exchanging: 'bg-sky-50 text-sky-800',
  running: 'bg-sky-50 text-sky-800',
  received: 'bg-sky-50 text-sky-800',
  action_needed: 'bg-amber-50 text-amber-800',
  disconnected: 'bg-amber-50 text-amber-800',
  unhandled: 'bg-amber-50 text-amber-800',
  retrying: 'bg-amber-50 text-amber-800',
  failed: 'bg-red-50 text-red-800',
  errored: 'bg-red-50 text-red-800',
  rejected: 'bg-red-50 text-red-800',
  deleted: 'bg-red-50 text-red-800',
  dead: 'bg-red-50 text-red-800',
  invalid: 'bg-red-50 text-red-800',
  REJECTED: 'bg-red-50 text-red-800',
};

/** A status as a coloured tag; `label` replaces the raw value for people. */
export function StatusBadge({ status, label, tone }: { status: string | null | undefined; label?: string; tone?: string }) {
  if (!status) return <span className="text-slate-400">—</span>;
  return (
    <span
      data-status={status}
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${tone ?? tones[status] ?? 'bg-slate-100 text-slate-700'}`}
    >
      {label ?? status}
    </span>
  );
}

export function OnboardingStatusBadge({ status }: { status: OnboardingStatus }) {
  return <StatusBadge status={status} label={onboardingStatusLabels[status]} tone={onboardingTones[status]} />;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/** A timestamp in UTC, the same for every viewer, or a dash when there is none. */
export function When({ at, empty = '—' }: { at: Date | null | undefined; empty?: string }) {
  if (!at) return <>{empty}</>;
  return <time dateTime={at.toISOString()}>{dateTime.format(at)} UTC</time>;
}

/** "5 min", "3 h", "2 d": how long something has been waiting. */
export function age(at: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
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
