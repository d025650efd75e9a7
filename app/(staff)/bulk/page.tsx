import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { runStatusText } from '@/components/operations/step-list';
import { requireRole } from '@/lib/auth';
import { bulkActionLabels } from '@/lib/bulk/operation';
import { listBulkRuns } from '@/lib/bulk/runs';

export const metadata: Metadata = { title: 'Bulk runs' };

export default async function BulkRunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireRole('viewer');
  const params = await searchParams;
  const cursor = typeof params.cursor === 'string' ? params.cursor : null;
  const page = await listBulkRuns({ cursor });
  return (
    <>
      <PageHeader title="Bulk runs">Actions run over many WhatsApp accounts at once, started from the accounts list.</PageHeader>
      {page.items.length === 0 ? (
        <EmptyState title="No bulk runs yet">Select accounts on the WhatsApp accounts list, or all that match a filter, and choose a bulk action.</EmptyState>
      ) : (
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="bulk-runs">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-4 py-2">Action</th>
              <th className="px-4 py-2">Accounts</th>
              <th className="px-4 py-2">Progress</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Started</th>
              <th className="px-4 py-2">By</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((run) => (
              <tr key={run.id} className="border-t border-slate-100" data-testid={`bulk-run-${run.id}`}>
                <td className="px-4 py-2">
                  <Link href={`/bulk/${run.id}`} className="underline">
                    {bulkActionLabels[run.action] ?? run.action}
                  </Link>
                </td>
                <td className="px-4 py-2">{run.total}</td>
                <td className="px-4 py-2">
                  {run.settled} of {run.total} done{run.failed > 0 ? ` · ${run.failed} need attention` : ''}
                </td>
                <td className="px-4 py-2">
                  <StatusBadge status={run.status} label={runStatusText[run.status]} />
                  {run.statusMessage ? <span className="block text-xs text-slate-600">{run.statusMessage}</span> : null}
                </td>
                <td className="px-4 py-2">
                  <When at={run.createdAt} />
                </td>
                <td className="px-4 py-2">{run.createdByName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.next ? (
        <p className="mt-4 text-sm">
          <Link className="underline" href={`/bulk?${new URLSearchParams({ cursor: page.next })}`}>
            Next page
          </Link>
        </p>
      ) : null}
    </>
  );
}
