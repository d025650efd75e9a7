import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusView } from '@/components/onboarding/status-view';
import { QueryProvider } from '@/components/query-provider';
import { browserSession } from '@/lib/onboarding/browser';
import { customerStatus } from '@/lib/onboarding/status';

export const metadata: Metadata = { title: 'Your WhatsApp setup' };

export default async function OnboardingStatusPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await browserSession(id);
  if (!session) {
    return (
      <section className="space-y-2" data-testid="status-unavailable">
        <h1 className="text-xl font-semibold">This setup page is not available here</h1>
        <p className="text-sm text-slate-600">
          A setup page opens only in the browser where the signup was started. Open it there, or{' '}
          <Link className="underline" href="/signup">
            start a new signup
          </Link>
          .
        </p>
      </section>
    );
  }
  return (
    <QueryProvider>
      <StatusView initial={await customerStatus(session)} />
    </QueryProvider>
  );
}
