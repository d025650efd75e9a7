import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'WhatsApp accounts' };

export default async function WhatsAppaccountsPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="WhatsApp accounts" />
      <EmptyState title="No WhatsApp Business Accounts yet">Accounts shared with you through Embedded Signup will be listed here with their status.</EmptyState>
    </>
  );
}
