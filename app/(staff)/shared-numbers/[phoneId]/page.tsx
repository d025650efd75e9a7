import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/empty-state';
import { MscPanel } from '@/components/numbers/msc-panel';
import { hasRole, requireRole } from '@/lib/auth';
import { loadMscNumber } from '@/lib/numbers/msc';

export const metadata: Metadata = { title: 'Shared number' };

export default async function SharedNumberPage({ params }: { params: Promise<{ phoneId: string }> }) {
  const user = await requireRole('viewer');
  const { phoneId } = await params;
  const found = await loadMscNumber(phoneId);
  if (!found) notFound();
  return (
    <>
      <PageHeader title={found.phone.displayPhoneNumber ?? `Number ${phoneId}`}>
        {found.phone.verifiedName ?? ''} · <span className="font-mono">{phoneId}</span>
      </PageHeader>
      <div className="max-w-3xl">
        <MscPanel phoneNumberId={phoneId} canEdit={hasRole(user, 'operator')} />
      </div>
    </>
  );
}
