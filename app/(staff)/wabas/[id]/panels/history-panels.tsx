import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import type { eventsForWaba } from '@/lib/webhooks/event-log';
import { summariseEvent } from '@/lib/webhooks/event-log';
import type { onboardingsOf } from '@/lib/wabas';
import { Panel } from './panel';

export function OnboardingsPanel({ sessions }: { sessions: Awaited<ReturnType<typeof onboardingsOf>> }) {
  return (
    <Panel title="Onboardings" testId="waba-onboardings">
      {sessions.length === 0 ? (
        <p className="text-sm text-slate-600">No onboarding session of ours references this account.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {sessions.map((s) => (
            <li key={s.id}>
              <Link className="underline" href={`/onboardings/${s.id}`}>
                {s.flow} onboarding
              </Link>{' '}
              <StatusBadge status={s.status} /> · started <When at={s.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function TimelinePanel({ metaWabaId, timeline }: { metaWabaId: string; timeline: Awaited<ReturnType<typeof eventsForWaba>> }) {
  return (
    <Panel title="Webhook timeline" testId="waba-timeline">
      {timeline.length === 0 ? (
        <EmptyState title="No webhook events yet">Events Meta sends about this account will appear here.</EmptyState>
      ) : (
        <ol className="divide-y divide-slate-100 text-sm">
          {timeline.map((e) => (
            <li key={e.id} data-testid="timeline-event" data-field={e.field} data-event={e.event ?? ''} className="flex flex-wrap items-center gap-3 py-2">
              <span className="w-44 shrink-0 text-xs text-slate-500">
                <When at={e.receivedAt} />
              </span>
              <span className="font-mono text-xs text-slate-600">{e.field}</span>
              <span data-testid="timeline-summary" className="flex-1">
                {summariseEvent(e)}
              </span>
              <StatusBadge status={e.status} />
              <Link className="underline" href={`/webhooks/${e.id}`}>
                Details
              </Link>
            </li>
          ))}
        </ol>
      )}
      <p className="mt-2 text-sm">
        <Link className="underline" href={`/webhooks?waba=${metaWabaId}`}>
          All events of this account in the event log
        </Link>
      </p>
    </Panel>
  );
}
