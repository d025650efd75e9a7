import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { wabaStatuses } from '@/lib/db/schema';
import { listWabas, wabaListFilterSchema } from '@/lib/wabas';

export const metadata: Metadata = { title: 'WhatsApp accounts' };

type SearchParams = Record<string, string | string[] | undefined>;

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export default async function WabasPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireRole('viewer');
  const params = await searchParams;
  const parsed = wabaListFilterSchema.safeParse({ status: one(params.status), q: one(params.q) });
  const filter = parsed.success ? parsed.data : {};
  const { wabas, next } = await listWabas(filter, { cursor: one(params.cursor) });
  const nextHref = next ? `/wabas?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}), cursor: next })}` : undefined;

  return (
    <>
      <PageHeader title="WhatsApp accounts">WhatsApp Business Accounts shared with you, as Meta last told us.</PageHeader>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm" role="search">
        <label className="block">
          <span className="font-medium text-slate-700">Search</span>
          <input name="q" defaultValue={filter.q ?? ''} placeholder="WABA id, name or business" className="mt-1 block w-64 rounded-md border border-slate-300 bg-white px-3 py-2" />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Status</span>
          <select name="status" defaultValue={filter.status ?? ''} className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-2">
            <option value="">Any</option>
            {wabaStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-2 hover:bg-slate-50">
          Filter
        </button>
        {!parsed.success ? <p className="text-red-700">That status does not exist; showing every account.</p> : null}
      </form>
      {wabas.length === 0 ? (
        <EmptyState title="No WhatsApp Business Accounts found">
          {filter.q || filter.status ? 'Nothing matches this filter.' : 'Accounts shared with you through Embedded Signup will be listed here with their status.'}
        </EmptyState>
      ) : (
        <table data-testid="waba-list" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-4 py-2">Name</th>
              <th className="px-4 py-2">Meta id</th>
              <th className="px-4 py-2">Business</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Review</th>
              <th className="px-4 py-2">Numbers</th>
            </tr>
          </thead>
          <tbody>
            {wabas.map((waba) => (
              <tr key={waba.id} className="border-t border-slate-100" data-testid={`waba-${waba.metaWabaId}`}>
                <td className="px-4 py-2">
                  <Link className="underline" href={`/wabas/${waba.id}`}>
                    {waba.name ?? '(unnamed)'}
                  </Link>
                </td>
                <td className="px-4 py-2 font-mono text-xs">{waba.metaWabaId}</td>
                <td className="px-4 py-2">
                  {waba.businessName ?? '—'}
                  {waba.metaBusinessId ? <span className="block font-mono text-xs text-slate-500">{waba.metaBusinessId}</span> : null}
                </td>
                <td className="px-4 py-2">
                  <StatusBadge status={waba.status} />
                </td>
                <td className="px-4 py-2">
                  <StatusBadge status={waba.accountReviewStatus} />
                </td>
                <td className="px-4 py-2">{waba.numbers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextHref ? (
        <p className="mt-4 text-sm">
          <Link className="underline" href={nextHref}>
            Next page
          </Link>
        </p>
      ) : null}
    </>
  );
}
