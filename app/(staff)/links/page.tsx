import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';

export const metadata: Metadata = { title: 'Signup links' };

export default async function SignuplinksPage() {
  await requireRole('viewer');
  return (
    <>
      <PageHeader title="Signup links" />
      <EmptyState title="No signup links yet">Links you create for customers (flow, solution, expiry) will be listed here.</EmptyState>
    </>
  );
}
