import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { When } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { listMscShares } from '@/lib/numbers/msc';
import { decodeCursor } from '@/lib/pagination';
import { programRefusal, programSettings } from '@/lib/programs';

export const metadata: Metadata = { title: 'Shared numbers' };

export default async function SharedNumbersPage({ searchParams }: { searchParams: Promise<{ after?: string; phone?: string }> }) {
  await requireRole('viewer');
  const refusal = programRefusal('msc', await programSettings());
  if (refusal) {
    return (
      <>
        <PageHeader title="Shared numbers" />
        <EmptyState title="Not available for your partner type">{refusal}</EmptyState>
      </>
    );
  }
  const { after, phone } = await searchParams;
  if (phone && /^\d{1,30}$/.test(phone.trim())) redirect(`/shared-numbers/${phone.trim()}`);
  const page = await listMscShares({ cursor: decodeCursor(after) });
  return (
    <>
      <PageHeader title="Shared numbers">
        Customer numbers that other partners also use through Multi-Solution Conversations (up to 5 partners per number).
      </PageHeader>
      <form method="get" className="mb-6 flex items-end gap-3 text-sm" role="search" aria-label="Find a number">
        <label className="block">
          <span className="font-medium text-slate-700">Phone number id</span>
          <input name="phone" inputMode="numeric" className="mt-1 block w-64 rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Open
        </button>
      </form>
      {page.items.length === 0 ? (
        <EmptyState title="No shared numbers recorded">Open a number to record that the customer shares it with other partners.</EmptyState>
      ) : (
        <table data-testid="shared-numbers" className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Number</th>
              <th className="px-3 py-2">Partners</th>
              <th className="px-3 py-2">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((r) => (
              <tr key={r.share.phoneNumberId} className="border-t border-slate-100">
                <td className="px-3 py-2">
                  <Link className="underline" href={`/shared-numbers/${r.share.phoneNumberId}`}>
                    {r.displayPhoneNumber ?? r.share.phoneNumberId}
                  </Link>
                  <span className="ml-2 text-slate-500">{r.verifiedName}</span>
                </td>
                <td className="px-3 py-2">{r.share.partnerCount}</td>
                <td className="px-3 py-2">
                  <When at={r.share.recordedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.next ? (
        <p className="mt-4 text-sm">
          <Link className="underline" href={`/shared-numbers?after=${page.next}`}>
            Older records
          </Link>
        </p>
      ) : null}
    </>
  );
}
