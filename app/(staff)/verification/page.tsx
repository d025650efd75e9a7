import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { decodeCursor } from '@/lib/pagination';
import { programRefusal, programSettings } from '@/lib/programs';
import { maxAttempts } from '@/lib/verification/submissions';
import { verificationStatusText } from '@/lib/verification/words';
import { listVerificationCustomers } from '@/lib/verification/workspace';

export const metadata: Metadata = { title: 'Business verification' };

export default async function VerificationListPage({ searchParams }: { searchParams: Promise<{ after?: string }> }) {
  await requireRole('viewer');
  const refusal = programRefusal('verification', await programSettings());
  if (refusal) {
    return (
      <>
        <PageHeader title="Business verification" />
        <EmptyState title="Not available for your partner type">{refusal}</EmptyState>
      </>
    );
  }
  const { after } = await searchParams;
  const page = await listVerificationCustomers({ cursor: decodeCursor(after) });
  return (
    <>
      <PageHeader title="Business verification">
        Verify your customers’ businesses on their behalf (partner-led business verification): up to {maxAttempts} submissions per customer.
      </PageHeader>
      {page.items.length === 0 ? (
        <EmptyState title="No customers yet">Customers appear here once they have onboarded through Embedded Signup.</EmptyState>
      ) : (
        <table data-testid="verification-customers" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Business</th>
              <th className="px-3 py-2">Verification</th>
              <th className="px-3 py-2">Attempts used</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((c) => (
              <tr key={c.id} className="border-t border-slate-100" data-testid="verification-customer">
                <td className="px-3 py-2">
                  <Link className="underline" href={`/verification/${c.metaBusinessId}`}>
                    {c.name ?? `Business ${c.metaBusinessId}`}
                  </Link>
                  <span className="block font-mono text-xs text-slate-500">{c.metaBusinessId}</span>
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={c.verificationStatus} label={verificationStatusText(c.verificationStatus)} />
                  {c.waiting ? <span className="ml-2 text-xs text-slate-500">submission being reviewed</span> : null}
                </td>
                <td className="px-3 py-2">
                  {Math.min(c.attempts, maxAttempts)} of {maxAttempts}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.next ? (
        <p className="mt-4 text-sm">
          <Link className="underline" href={`/verification?after=${page.next}`}>
            Older customers
          </Link>
        </p>
      ) : null}
    </>
  );
}
