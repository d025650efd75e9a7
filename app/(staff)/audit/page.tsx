import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditlogPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="Audit log" />
      <EmptyState title="Nothing recorded yet">Staff actions and every call to Meta's Graph API will be recorded here.</EmptyState>
    </>
  );
}
