import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import {
  auditActions,
  auditActors,
  graphCallFilterSchema,
  graphCallSteps,
  listGraphCalls,
  listStaffActions,
  parseFilter,
  staffActionFilterSchema,
} from '@/lib/audit-log/queries';
import { stepLabel } from '@/lib/onboarding/pipeline';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Record<string, string | string[] | undefined>;

const input = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5';

const completionSteps: Record<string, string> = {
  exchange_code: 'Exchange the signup code',
  verify_token: 'Check what the customer granted',
  verify_waba: 'Read the WhatsApp account',
  verify_phone: 'Read the phone numbers',
};

/** The valid filter as query-string values (dates back in the datetime-local form, UTC). */
function queryValues(filter: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value instanceof Date) values[key] = value.toISOString().slice(0, 16);
    else if (typeof value === 'string') values[key] = value;
  }
  return values;
}

function shown(value: unknown): string {
  if (value === undefined || value === '') return '(empty)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Details as "key: value" lines; a before/after change lists only what changed. */
function Details({ value }: { value: unknown }) {
  if (!isRecord(value) || Object.keys(value).length === 0) return <span className="text-slate-400">—</span>;
  const { from, to } = value;
  const lines: Array<[string, string]> =
    isRecord(from) && isRecord(to)
      ? Object.keys(to)
          .filter((key) => JSON.stringify(from[key]) !== JSON.stringify(to[key]))
          .map((key) => [key, `${shown(from[key])} → ${shown(to[key])}`])
      : Object.entries(value).map(([key, inner]) => [key, shown(inner)]);
  if (lines.length === 0) return <span className="text-slate-500">No change</span>;
  return (
    <dl className="max-w-md text-xs text-slate-700">
      {lines.map(([key, text]) => (
        <div key={key} className="break-all">
          <dt className="inline font-mono text-slate-500">{key}:</dt> <dd className="inline font-mono">{text}</dd>
        </div>
      ))}
    </dl>
  );
}

function Tabs({ view }: { view: 'staff' | 'graph' }) {
  const tab = (active: boolean) => `rounded-md px-3 py-1.5 ${active ? 'bg-slate-900 text-white' : 'border border-slate-300 bg-white hover:bg-slate-50'}`;
  return (
    <nav aria-label="Audit log views" className="mb-4 flex gap-2 text-sm">
      <Link href="/audit" className={tab(view === 'staff')} aria-current={view === 'staff' ? 'page' : undefined}>
        Staff actions
      </Link>
      <Link href="/audit?view=graph" className={tab(view === 'graph')} aria-current={view === 'graph' ? 'page' : undefined}>
        Calls to Meta
      </Link>
    </nav>
  );
}

function TimeFilters({ values }: { values: Record<string, string> }) {
  return (
    <>
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
    </>
  );
}

function Ignored({ errors }: { errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <p role="alert" className="mb-3 text-sm text-red-700">
      Ignored: {errors.join('; ')}
    </p>
  );
}

function Pages({ base, values, next, first }: { base: Record<string, string>; values: Record<string, string>; next: string | null; first: boolean }) {
  if (!next && first) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
      {!first ? (
        <Link href={`/audit?${new URLSearchParams({ ...base, ...values })}`} className="underline">
          Newest
        </Link>
      ) : null}
      {next ? (
        <Link href={`/audit?${new URLSearchParams({ ...base, ...values, cursor: next })}`} className="underline">
          Older
        </Link>
      ) : null}
    </nav>
  );
}

async function StaffActions({ params }: { params: SearchParams }) {
  const { filter, errors } = parseFilter(staffActionFilterSchema, params);
  const values = queryValues(filter);
  const cursor = typeof params.cursor === 'string' ? params.cursor : undefined;
  const [page, actors, actions] = await Promise.all([listStaffActions(filter, { cursor }), auditActors(), auditActions()]);
  const filtered = Object.keys(values).length > 0;
  return (
    <section aria-label="Staff actions">
      <form method="get" role="search" aria-label="Filter staff actions" className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <div>
          <label htmlFor="filter-actor" className="block font-medium text-slate-700">
            Who
          </label>
          <select id="filter-actor" name="actor" defaultValue={values.actor ?? ''} className={input}>
            <option value="">Anyone</option>
            <option value="system">Onramp itself (automatic)</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.email})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-action" className="block font-medium text-slate-700">
            Action
          </label>
          <select id="filter-action" name="action" defaultValue={values.action ?? ''} className={input}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
            {values.action && !actions.includes(values.action) ? <option value={values.action}>{values.action}</option> : null}
          </select>
        </div>
        <div>
          <label htmlFor="filter-waba" className="block font-medium text-slate-700">
            WABA id
          </label>
          <input id="filter-waba" name="waba" defaultValue={values.waba ?? ''} inputMode="numeric" className={`${input} w-44`} />
        </div>
        <TimeFilters values={values} />
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          Filter
        </button>
        {filtered ? (
          <Link href="/audit" className="py-1.5 text-slate-600 underline">
            Clear
          </Link>
        ) : null}
      </form>
      <Ignored errors={errors} />
      {page.items.length === 0 ? (
        <EmptyState title={filtered || cursor ? 'No staff actions match' : 'No staff actions yet'}>
          {filtered || cursor
            ? 'Try another person, action, WABA or time, or clear the filter.'
            : 'Whenever someone on your team changes something (settings, links, staff, a resumed onboarding), it is recorded here with who did it and when.'}
        </EmptyState>
      ) : (
        <table data-testid="staff-actions" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Who</th>
              <th className="px-3 py-2">Action</th>
              <th className="px-3 py-2">On</th>
              <th className="px-3 py-2">Details</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => (
              <tr key={row.id} data-testid="staff-action" data-action={row.action} className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap px-3 py-2">
                  <When at={row.createdAt} />
                </td>
                <td className="px-3 py-2">{row.actorId ? (row.actorName ?? row.actorEmail ?? 'A removed staff member') : 'Onramp itself'}</td>
                <td className="px-3 py-2 font-mono text-xs">{row.action}</td>
                <td className="px-3 py-2 font-mono text-xs">{row.target ?? '—'}</td>
                <td className="px-3 py-2">
                  <Details value={row.details} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pages base={{}} values={values} next={page.next} first={!cursor} />
    </section>
  );
}

async function GraphCalls({ params }: { params: SearchParams }) {
  const { filter, errors } = parseFilter(graphCallFilterSchema, params);
  const values = queryValues(filter);
  const cursor = typeof params.cursor === 'string' ? params.cursor : undefined;
  const page = await listGraphCalls(filter, { cursor });
  const filtered = Object.keys(values).length > 0;
  return (
    <section aria-label="Calls to Meta">
      <form method="get" role="search" aria-label="Filter calls to Meta" className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <input type="hidden" name="view" value="graph" />
        <div>
          <label htmlFor="filter-waba" className="block font-medium text-slate-700">
            WABA id
          </label>
          <input id="filter-waba" name="waba" defaultValue={values.waba ?? ''} inputMode="numeric" className={`${input} w-44`} />
        </div>
        <div>
          <label htmlFor="filter-step" className="block font-medium text-slate-700">
            Onboarding step
          </label>
          <select id="filter-step" name="step" defaultValue={values.step ?? ''} className={input}>
            <option value="">Any</option>
            {graphCallSteps.map((s) => (
              <option key={s} value={s}>
                {completionSteps[s] ?? stepLabel(s, 'staff')}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-result" className="block font-medium text-slate-700">
            Result
          </label>
          <select id="filter-result" name="result" defaultValue={values.result ?? ''} className={input}>
            <option value="">Any</option>
            <option value="ok">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </div>
        <TimeFilters values={values} />
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          Filter
        </button>
        {filtered ? (
          <Link href="/audit?view=graph" className="py-1.5 text-slate-600 underline">
            Clear
          </Link>
        ) : null}
      </form>
      <Ignored errors={errors} />
      <p className="mb-3 text-xs text-slate-500">Paths are recorded with ids only; tokens, secrets and request bodies are never kept.</p>
      {page.items.length === 0 ? (
        <EmptyState title={filtered || cursor ? 'No calls to Meta match' : 'No calls to Meta yet'}>
          {filtered || cursor
            ? 'Try another WABA, step, result or time, or clear the filter.'
            : 'Every Graph API call Onramp makes (onboarding steps, staff actions, background jobs) is recorded here.'}
        </EmptyState>
      ) : (
        <table data-testid="graph-calls" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">When</th>
              <th className="px-3 py-2">Call</th>
              <th className="px-3 py-2">Result</th>
              <th className="px-3 py-2">Time taken</th>
              <th className="px-3 py-2">Onboarding step</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((row) => (
              <tr key={row.id} data-testid="graph-call" className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap px-3 py-2">
                  <When at={row.createdAt} />
                </td>
                <td className="px-3 py-2 font-mono text-xs">
                  {row.method} {row.path}
                </td>
                <td className="px-3 py-2">
                  {row.errorCode ? (
                    <StatusBadge status="failed" label={`Failed: ${row.errorCode}`} />
                  ) : (
                    <StatusBadge status="processed" label={`OK ${row.status ?? ''}`.trim()} />
                  )}
                  {row.fbtraceId && row.errorCode ? <span className="mt-1 block font-mono text-xs text-slate-500">fbtrace_id {row.fbtraceId}</span> : null}
                </td>
                <td className="px-3 py-2 tabular-nums">{row.durationMs} ms</td>
                <td className="px-3 py-2">
                  {row.sessionId ? (
                    <Link href={`/onboardings/${row.sessionId}`} className="text-brand-700 underline">
                      {row.step ? (completionSteps[row.step] ?? stepLabel(row.step, 'staff')) : 'Onboarding'}
                    </Link>
                  ) : (
                    <span className="text-slate-500">
                      {row.step ? (completionSteps[row.step] ?? stepLabel(row.step, 'staff')) : 'Not part of an onboarding'}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pages base={{ view: 'graph' }} values={values} next={page.next} first={!cursor} />
    </section>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireRole('viewer');
  const params = await searchParams;
  const view = params.view === 'graph' ? 'graph' : 'staff';
  return (
    <>
      <PageHeader title="Audit log">What your team changed, and every call Onramp made to Meta’s Graph API. Times are in UTC.</PageHeader>
      <Tabs view={view} />
      {view === 'graph' ? <GraphCalls params={params} /> : <StaffActions params={params} />}
    </>
  );
}
