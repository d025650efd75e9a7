import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/empty-state';
import { RunProgressBar, StepList } from '@/components/operations/step-list';
import { Facts, StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { finishRuns, openFinishItems } from '@/lib/partner-wabas/finish';
import { addNumberPath } from '@/lib/partner-wabas/finish-operation';
import { requestForWaba } from '@/lib/partner-wabas/requests';
import type { FinishSnapshot } from '@/lib/partner-wabas/steps/read-status';
import { previewToken } from '@/lib/partner-wabas/tokens';
import { partnerType } from '@/lib/settings';
import { findWaba } from '@/lib/wabas';
import { AutoRefresh } from '../../onboardings/[id]/onboarding-controls';
import { FinishButton, ResumeFinishButton } from '../finish-forms';

export const metadata: Metadata = { title: 'Finish onboarding' };

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title} data-testid={testId}>
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

export default async function FinishOnboardingPage({ params }: { params: Promise<{ wabaId: string }> }) {
  const user = await requireRole('viewer');
  const { wabaId } = await params;
  if (!/^\d{1,30}$/.test(wabaId)) notFound();
  const found = await findWaba(wabaId);
  if (!found) notFound();
  const { waba, business } = found;
  const canAct = hasRole(user, 'operator');
  const [runs, items, request, token] = await Promise.all([
    finishRuns(wabaId),
    openFinishItems(wabaId),
    requestForWaba(wabaId),
    partnerType().then((t) => previewToken(t, waba)),
  ]);
  const latest = runs[0];
  const readBack = latest?.steps.find((s) => s.name === 'read_status')?.result as FinishSnapshot | null | undefined;
  const noNumber = latest?.status === 'done' && readBack?.phones.length === 0;
  return (
    <>
      {latest?.status === 'running' ? <AutoRefresh /> : null}
      <PageHeader title={`Finish onboarding: ${waba.name ?? `WABA ${waba.metaWabaId}`}`}>
        Shared with us outside an Onramp signup. Finish onboarding subscribes our app, shares our credit line (Solution Partners), registers its numbers and
        reads the result back.
      </PageHeader>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Section title="Account" testId="finish-facts">
          <Facts
            items={[
              [
                'WABA',
                <Link key="w" className="font-mono underline" href={`/wabas/${waba.metaWabaId}`}>
                  {waba.metaWabaId}
                </Link>,
              ],
              ['Business', business ? `${business.name ?? 'Business'} (${business.metaBusinessId})` : null],
              ['Status', <StatusBadge key="s" status={waba.status} />],
              [
                'Solution',
                waba.solutionId ? (
                  <Link key="sol" className="underline" href={`/solutions/${waba.solutionId}`}>
                    {waba.solutionId}
                  </Link>
                ) : (
                  'None'
                ),
              ],
              ['Request', request ? `${request.customerName}, sent ${request.sentAt.toISOString().slice(0, 10)}, accepted` : 'None recorded'],
              ['Open items', items.length > 0 ? items.map((i) => i.message).join(' ') : 'None'],
            ]}
          />
        </Section>
        <Section title="Token" testId="finish-token">
          <p className="text-sm" data-usable={token.usable}>
            {token.text}
          </p>
          {canAct && token.usable && latest?.status !== 'running' ? (
            <div className="mt-4">
              <FinishButton metaWabaId={waba.metaWabaId} label={latest ? 'Run Finish onboarding again' : 'Finish onboarding'} />
            </div>
          ) : null}
          {canAct && latest?.status === 'failed' ? (
            <div className="mt-2">
              <ResumeFinishButton metaWabaId={waba.metaWabaId} />
            </div>
          ) : null}
        </Section>
      </div>
      {latest ? (
        <section className="mt-6 rounded-xl border border-slate-200 bg-white p-5" aria-label="Progress" data-testid="finish-run" data-status={latest.status}>
          <h2 className="mb-3 font-medium">
            Latest run · started <When at={latest.createdAt} />
          </h2>
          <RunProgressBar progress={latest} />
          {latest.statusMessage ? (
            <p className="mt-3 text-sm" data-testid="finish-message">
              {latest.statusMessage}
            </p>
          ) : null}
          {noNumber ? (
            <p className="mt-2 text-sm">
              <Link className="font-medium underline" href={addNumberPath(waba.metaWabaId)} data-testid="add-number">
                Add a number
              </Link>{' '}
              to this account, then run Finish onboarding again to register it.
            </p>
          ) : null}
          <div className="mt-4">
            <StepList progress={latest} />
          </div>
        </section>
      ) : null}
    </>
  );
}
