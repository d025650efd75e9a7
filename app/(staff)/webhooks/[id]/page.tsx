import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { readSetting } from '@/lib/settings';
import { getEvent, maskPayload, summariseEvent } from '@/lib/webhooks/event-log';
import { KeepEventForm, ReplayEventForm } from '../webhook-forms';

export const metadata: Metadata = { title: 'Webhook event' };

export default async function WebhookEventPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  const [event, retentionDays] = await Promise.all([getEvent(id), readSetting('webhooks.retentionDays')]);
  if (!event) notFound();
  const rows: Array<[string, ReactNode]> = [
    ['Status', <StatusBadge key="s" status={event.status} />],
    ['Field', event.field ? <code key="f">{event.field}</code> : '—'],
    ['Event', event.event ?? '—'],
    ['Entry id', <code key="e">{event.entryId}</code>],
    [
      'WABA',
      event.wabaId ? (
        <Link key="w" className="underline" href={`/wabas/${event.wabaId}`}>
          {event.wabaId}
        </Link>
      ) : (
        '—'
      ),
    ],
    ['Meta time (entry.time)', <When key="t" at={event.entryTime} />],
    ['Received', <When key="r" at={event.receivedAt} />],
    ['Processed', <When key="p" at={event.processedAt} />],
    ['Attempts', String(event.attempts)],
    ['Next attempt', <When key="n" at={event.nextAttemptAt} />],
    [
      'Retention',
      <span key="k" data-testid="event-retention">
        {event.keptAt ? (
          <>
            Kept since <When at={event.keptAt} />
          </>
        ) : event.status === 'failed' || event.status === 'received' ? (
          'Kept while it is not processed'
        ) : (
          `Deleted after ${retentionDays} days`
        )}
      </span>,
    ],
  ];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="underline" href="/webhooks">
          ← Event log
        </Link>
      </p>
      <PageHeader title={summariseEvent(event)}>Webhook event {event.id}</PageHeader>
      <div className="mb-6 grid gap-6 lg:grid-cols-[22rem_1fr]">
        <dl className="space-y-2 self-start rounded-xl border border-slate-200 bg-white p-5 text-sm" data-testid="event-facts">
          {rows.map(([label, value]) => (
            <div key={label} className="flex justify-between gap-4">
              <dt className="text-slate-500">{label}</dt>
              <dd className="text-right">{value}</dd>
            </div>
          ))}
          {event.lastError ? (
            <div>
              <dt className="text-slate-500">{event.status === 'invalid' ? 'Why it is invalid' : 'Last error'}</dt>
              <dd data-testid="event-last-error" className="mt-1 whitespace-pre-wrap break-words text-red-700">
                {event.lastError}
              </dd>
            </div>
          ) : null}
          {hasRole(user, 'operator') ? (
            <div className="flex flex-wrap gap-3 pt-2">
              {event.status !== 'invalid' ? <ReplayEventForm id={event.id} /> : null}
              <KeepEventForm id={event.id} kept={event.keptAt !== null} />
            </div>
          ) : null}
        </dl>
        <section>
          <h2 className="mb-2 font-medium">
            {event.status === 'invalid' ? 'The malformed part as received' : 'Payload as received'} (PINs, codes and tokens masked)
          </h2>
          <pre data-testid="event-payload" className="max-h-[70vh] overflow-auto rounded-xl border border-slate-200 bg-white p-4 text-xs">
            {JSON.stringify(
              event.status === 'invalid'
                ? maskPayload(event.value)
                : { object: event.object, entry: [{ id: event.entryId, changes: [{ field: event.field, value: maskPayload(event.value) }] }] },
              null,
              2,
            )}
          </pre>
        </section>
      </div>
    </>
  );
}
