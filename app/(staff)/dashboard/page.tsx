import type { Metadata } from 'next';
import { AttentionList } from '@/components/attention/attention-list';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { hasRole, requireRole } from '@/lib/auth';
import { openAttention } from '@/lib/wabas';

export const metadata: Metadata = { title: 'Overview' };

export default async function DashboardPage() {
  const user = await requireRole('viewer');
  const attention = await openAttention({ limit: 50 });
  return (
    <>
      <PageHeader title="Overview">Your customers' onboarding at a glance.</PageHeader>
      <section className="mb-8" data-testid="needs-attention">
        <h2 className="mb-3 text-lg font-medium">Needs attention</h2>
        <AttentionList items={attention} canResolve={hasRole(user, 'operator')} />
      </section>
      <EmptyState title="No customers yet">
        Share a signup link with a business customer; their onboarding appears here as it happens.
      </EmptyState>
    </>
  );
}
