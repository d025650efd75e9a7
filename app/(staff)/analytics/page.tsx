import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { listWabas } from '@/lib/wabas';

export const metadata: Metadata = { title: 'Customer analytics' };

export default async function AnalyticsIndexPage({ searchParams }: { searchParams: Promise<{ after?: string }> }) {
  await requireRole('viewer');
  const { after } = await searchParams;
  const { wabas, next } = await listWabas({}, { cursor: after });
  return (
    <>
      <PageHeader title="Customer analytics">Each customer’s conversations, delivered messages and costs as Meta reports them.</PageHeader>
      {wabas.length === 0 ? (
        <EmptyState title="No customers yet">Customers appear here once they have shared their WhatsApp account with you.</EmptyState>
      ) : (
        <ul data-testid="analytics-accounts" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
          {wabas.map((w) => (
            <li key={w.id} className="flex items-center justify-between gap-4 px-4 py-3">
              <span>
                <Link className="font-medium underline" href={`/wabas/${w.metaWabaId}/analytics`}>
                  {w.name ?? `WABA ${w.metaWabaId}`}
                </Link>
                <span className="ml-2 text-slate-500">{w.businessName ?? w.metaBusinessId}</span>
              </span>
              <StatusBadge status={w.status} />
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <p className="mt-4 text-sm">
          <Link className="underline" href={`/analytics?after=${next}`}>
            Older accounts
          </Link>
        </p>
      ) : null}
    </>
  );
}
