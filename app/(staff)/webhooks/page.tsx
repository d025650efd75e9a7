import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { webhookEventStatuses } from '@/lib/db/schema';
import { knownFields, listEvents, parseEventFilter, rejectionCounters, summariseEvent, type EventFilter } from '@/lib/webhooks/event-log';
import { listDeadDeliveries, listForwards } from '@/lib/webhooks/forwards';
import { CreateForwardForm, ForwardRowActions, ReplayEventForm, ReplayFailedForm, RetryDeliveriesForm } from './webhook-forms';

export const metadata: Metadata = { title: 'Webhooks' };

type SearchParams = Record<string, string | string[] | undefined>;

const rejectionLabels = { bad_signature: 'Bad signature', bad_body: 'Bad body', oversize: 'Oversize' } as const;

/** The valid filter as query-string values (dates back in the datetime-local form, UTC). */
function filterValues(filter: EventFilter): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value instanceof Date) values[key] = value.toISOString().slice(0, 16);
    else if (typeof value === 'string') values[key] = value;
  }
  return values;
}

const input = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5';

export default async function WebhooksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireRole('viewer');
  const params = await searchParams;
  const { filter, errors } = parseEventFilter(params);
  const values = filterValues(filter);
  const cursor = typeof params.cursor === 'string' ? params.cursor : undefined;
  const [page, rejections, forwards, dead] = await Promise.all([listEvents(filter, { cursor }), rejectionCounters(), listForwards(), listDeadDeliveries()]);
  const now = new Date();
  const canAct = hasRole(user, 'operator');
  const isAdmin = hasRole(user, 'admin');
  const nextHref = page.next ? `/webhooks?${new URLSearchParams({ ...values, cursor: page.next })}` : undefined;

  return (
    <>
      <PageHeader title="Webhooks">Every change Meta sent to this portal, what we did with it, and where we forward it.</PageHeader>

      <section className="mb-6 grid gap-3 sm:grid-cols-3" data-testid="rejection-counters">
        {rejections.map((r) => (
          <div key={r.reason} data-testid={`rejections-${r.reason}`} className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
            <p className="text-slate-600">Rejected: {rejectionLabels[r.reason]}</p>
            <p className="text-2xl font-semibold" data-testid="rejection-count">
              {r.count}
            </p>
            <p className="text-xs text-slate-500">
              {r.lastSeenAt ? (
                <>
                  last seen <When at={r.lastSeenAt} />
                </>
              ) : (
                'never seen'
              )}
            </p>
          </div>
        ))}
      </section>

      <section className="mb-8">
        <h2 className="mb-3 text-lg font-medium">Event log</h2>
        <form method="get" role="search" aria-label="Filter events" className="mb-3 flex flex-wrap items-end gap-3 text-sm">
          <div>
            <label htmlFor="filter-waba" className="block font-medium text-slate-700">
              WABA id
            </label>
            <input id="filter-waba" name="waba" defaultValue={values.waba ?? ''} inputMode="numeric" className={`${input} w-44`} />
          </div>
          <div>
            <label htmlFor="filter-field" className="block font-medium text-slate-700">
              Field
            </label>
            <select id="filter-field" name="field" defaultValue={values.field ?? ''} className={input}>
              <option value="">Any</option>
              {knownFields.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
              {values.field && !(knownFields as readonly string[]).includes(values.field) ? <option value={values.field}>{values.field}</option> : null}
            </select>
          </div>
          <div>
            <label htmlFor="filter-event" className="block font-medium text-slate-700">
              Event
            </label>
            <input id="filter-event" name="event" defaultValue={values.event ?? ''} placeholder="PARTNER_ADDED" className={`${input} w-48`} />
          </div>
          <div>
            <label htmlFor="filter-status" className="block font-medium text-slate-700">
              Status
            </label>
            <select id="filter-status" name="status" defaultValue={values.status ?? ''} className={input}>
              <option value="">Any</option>
              {webhookEventStatuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-from" className="block font-medium text-slate-700">
              From (UTC)
            </label>
            <input type="datetime-local" id="filter-from" name="from" defaultValue={values.from ?? ''} className={input} />
          </div>
          <div>
            <label htmlFor="filter-to" className="block font-medium text-slate-700">
              To (UTC)
            </label>
            <input type="datetime-local" id="filter-to" name="to" defaultValue={values.to ?? ''} className={input} />
          </div>
          <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Filter
          </button>
          <Link href="/webhooks" className="py-1.5 text-slate-600 underline">
            Clear
          </Link>
        </form>
        {errors.length > 0 ? (
          <p role="alert" className="mb-3 text-sm text-red-700">
            Ignored: {errors.join('; ')}
          </p>
        ) : null}
        {canAct ? (
          <div className="mb-3">
            <ReplayFailedForm filter={values} />
          </div>
        ) : null}

        {page.events.length === 0 ? (
          <EmptyState title="No webhook events">
            {Object.keys(values).length ? 'Nothing matches this filter.' : 'Events Meta sends to this portal will be listed here.'}
          </EmptyState>
        ) : (
          <table data-testid="event-log" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">Received</th>
                <th className="px-3 py-2">WABA</th>
                <th className="px-3 py-2">Field</th>
                <th className="px-3 py-2">Event</th>
                <th className="px-3 py-2">Summary</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Attempts</th>
                {canAct ? <th className="px-3 py-2">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr key={e.id} data-testid="event-row" data-event-id={e.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 text-xs">
                    <Link className="underline" href={`/webhooks/${e.id}`}>
                      <When at={e.receivedAt} />
                    </Link>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {e.wabaId ? (
                      <Link className="underline" href={`/wabas/${e.wabaId}`}>
                        {e.wabaId}
                      </Link>
                    ) : (
                      <span title="entry.id">{e.entryId}</span>
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{e.field || '—'}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.event ?? '—'}</td>
                  <td className="px-3 py-2">
                    {summariseEvent(e)}
                    {(e.status === 'failed' || e.status === 'invalid') && e.lastError ? (
                      <span data-testid="event-problem" className="block text-xs text-red-700">
                        {e.lastError.slice(0, 200)}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="px-3 py-2">{e.attempts}</td>
                  {canAct ? <td className="px-3 py-2">{e.status === 'invalid' ? null : <ReplayEventForm id={e.id} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {nextHref ? (
          <p className="mt-3 text-sm">
            <Link className="underline" href={nextHref}>
              Older events
            </Link>
          </p>
        ) : null}
      </section>

      <section className="mb-8" data-testid="forwards">
        <h2 className="mb-1 text-lg font-medium">Forwards</h2>
        <p className="mb-3 text-sm text-slate-600">
          Each change of a field is re-sent to these URLs, signed with the forward&apos;s own secret in X-Onramp-Signature-256, retried with backoff, then kept
          below as a dead letter. A destination that keeps failing is paused for a while, so it never holds up the others.
        </p>
        <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
          {forwards.length === 0 ? (
            <EmptyState title="No forwards">Nothing is forwarded yet.</EmptyState>
          ) : (
            <table className="w-full self-start overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Field</th>
                  <th className="px-3 py-2">URL</th>
                  <th className="px-3 py-2">Delivered / waiting / dead</th>
                  <th className="px-3 py-2">State</th>
                  {isAdmin ? <th className="px-3 py-2">Configure</th> : null}
                </tr>
              </thead>
              <tbody>
                {forwards.map((f) => (
                  <tr key={f.id} data-testid="forward-row" className="border-t border-slate-100">
                    <td className="px-3 py-2 font-mono text-xs">{f.field}</td>
                    <td className="break-all px-3 py-2 text-xs">{f.url}</td>
                    <td className="px-3 py-2">
                      {f.delivered} / {f.pending} / {f.dead}
                    </td>
                    <td className="px-3 py-2" data-testid="forward-state">
                      {f.enabled ? 'Enabled' : 'Disabled'}
                      {f.enabled && f.failingSince ? (
                        <span className="block text-xs text-amber-800">
                          Failing since <When at={f.failingSince} />
                          {f.pausedUntil && f.pausedUntil > now ? (
                            <>
                              ; paused until <When at={f.pausedUntil} />
                            </>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    {isAdmin ? (
                      <td className="px-3 py-2">
                        <ForwardRowActions id={f.id} enabled={f.enabled} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {isAdmin ? (
            <div className="rounded-xl border border-slate-200 bg-white p-5">
              <h3 className="mb-3 font-medium">Forward a field</h3>
              <CreateForwardForm fields={knownFields} />
            </div>
          ) : null}
        </div>
      </section>

      <section data-testid="dead-letters">
        <h2 className="mb-3 text-lg font-medium">Dead letters</h2>
        {dead.length === 0 ? (
          <p className="text-sm text-slate-600">No forward has given up on a delivery.</p>
        ) : (
          <>
            {canAct ? (
              <div className="mb-3">
                <RetryDeliveriesForm ids={dead.map((d) => d.id)} label={`Retry all ${dead.length}`} />
              </div>
            ) : null}
            <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Event</th>
                  <th className="px-3 py-2">Destination</th>
                  <th className="px-3 py-2">Attempts</th>
                  <th className="px-3 py-2">Last result</th>
                  {canAct ? <th className="px-3 py-2">Action</th> : null}
                </tr>
              </thead>
              <tbody>
                {dead.map((d) => (
                  <tr key={d.id} data-testid="dead-letter" className="border-t border-slate-100">
                    <td className="px-3 py-2 text-xs">
                      <Link className="underline" href={`/webhooks/${d.eventId}`}>
                        {d.field}
                      </Link>
                    </td>
                    <td className="break-all px-3 py-2 text-xs">{d.url}</td>
                    <td className="px-3 py-2">{d.attempts}</td>
                    <td className="px-3 py-2 text-xs">{d.lastStatus ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td>
                    {canAct ? (
                      <td className="px-3 py-2">
                        <RetryDeliveriesForm ids={[d.id]} label="Retry" />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </>
  );
}
