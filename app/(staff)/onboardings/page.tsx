import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'Onboardings' };

export default async function OnboardingsPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="Onboardings" />
      <EmptyState title="No onboardings yet">Every Embedded Signup session, its steps and their outcome will be listed here.</EmptyState>
    </>
  );
}
