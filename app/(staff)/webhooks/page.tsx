import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="Webhooks" />
      <EmptyState title="No webhook events yet">Events Meta sends to this portal will be listed here.</EmptyState>
    </>
  );
}
