import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'Overview' };

export default async function DashboardPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="Overview">Your customers' onboarding at a glance.</PageHeader>
      <EmptyState title="No customers yet">
        Share a signup link with a business customer; their onboarding appears here as it happens.
      </EmptyState>
    </>
  );
}
