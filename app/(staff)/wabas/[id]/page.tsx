import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { AttentionList } from '@/components/attention/attention-list';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { eventsForWaba, maskPayload, summariseEvent } from '@/lib/webhooks/event-log';
import { findWaba, onboardingsOf, openAttention, phoneNumbersOf } from '@/lib/wabas';
import { PhoneNumberTable } from './phone-number-rows';

export const metadata: Metadata = { title: 'WhatsApp account' };

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5">{children ?? <span className="text-slate-400">—</span>}</dd>
    </div>
  );
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>;
  return <pre className="max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(maskPayload(value), null, 2)}</pre>;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="mb-8" data-testid={testId}>
      <h2 className="mb-3 text-lg font-medium">{title}</h2>
      {children}
    </section>
  );
}

export default async function WabaPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  const found = await findWaba(id);
  if (!found && /^\d{1,30}$/.test(id)) {
    // Webhooks can name a WABA we hold no record of (another partner's, or one never onboarded here).
    return (
      <>
        <PageHeader title={`WABA ${id}`} />
        <EmptyState title="No record of this account">
          Nothing was onboarded or stored for it.{' '}
          <Link className="underline" href={`/webhooks?waba=${id}`}>
            Its webhook events
          </Link>{' '}
          are in the event log.
        </EmptyState>
      </>
    );
  }
  if (!found) notFound();
  const { waba, business } = found;
  const [numbers, sessions, attention, timeline] = await Promise.all([
    phoneNumbersOf(waba.id),
    onboardingsOf(waba.id),
    openAttention({ metaWabaId: waba.metaWabaId }),
    eventsForWaba(waba.metaWabaId),
  ]);

  return (
    <>
      <PageHeader title={waba.name ?? `WABA ${waba.metaWabaId}`}>
        <span data-testid="waba-meta-id" className="font-mono">
          {waba.metaWabaId}
        </span>
        {business ? ` · ${business.name ?? 'Business'} (${business.metaBusinessId})` : ''}
      </PageHeader>

      <Section title="Account" testId="waba-facts">
        <dl className="grid gap-4 rounded-xl border border-slate-200 bg-white p-5 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="Status">
            <span data-testid="waba-status">
              <StatusBadge status={waba.status} />
            </span>
            {waba.disconnectedAt ? (
              <span className="block text-xs text-slate-500">
                since <When at={waba.disconnectedAt} />
              </span>
            ) : null}
          </Fact>
          <Fact label="Account review">
            <StatusBadge status={waba.accountReviewStatus} />
          </Fact>
          <Fact label="Business verification">{waba.businessVerificationStatus ?? business?.verificationStatus}</Fact>
          <Fact label="Messaging limit">{waba.messagingLimit}</Fact>
          <Fact label="Ban state">{waba.banState}</Fact>
          <Fact label="Violation">{waba.violationType}</Fact>
          <Fact label="Ownership">{waba.ownershipType}</Fact>
          <Fact label="Country">{waba.country}</Fact>
          <Fact label="Currency">{waba.currency}</Fact>
          <Fact label="Credit line allocation">{waba.allocationConfigId}</Fact>
          <Fact label="Solution">{waba.solutionId}</Fact>
          <Fact label="Last synced">
            <When at={waba.syncedAt} />
          </Fact>
        </dl>
        <div className="mt-4 grid gap-4 text-sm lg:grid-cols-3">
          <div>
            <h3 className="mb-1 font-medium">Health status</h3>
            <Json value={waba.healthStatus} />
          </div>
          <div>
            <h3 className="mb-1 font-medium">Restrictions</h3>
            <Json value={waba.restrictions} />
          </div>
          <div>
            <h3 className="mb-1 font-medium">Flags (latest per event)</h3>
            <Json value={Object.keys(waba.flags).length ? waba.flags : null} />
          </div>
        </div>
      </Section>

      <Section title="Phone numbers" testId="waba-numbers">
        {numbers.length === 0 ? (
          <EmptyState title="No phone numbers">This account has no phone number on record yet.</EmptyState>
        ) : (
          <PhoneNumberTable numbers={numbers} />
        )}
      </Section>

      <Section title="Needs attention" testId="waba-attention">
        <AttentionList items={attention} canResolve={hasRole(user, 'operator')} showWaba={false} />
      </Section>

      <Section title="Onboardings" testId="waba-onboardings">
        {sessions.length === 0 ? (
          <p className="text-sm text-slate-600">No onboarding session of ours references this account.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {sessions.map((s) => (
              <li key={s.id}>
                <Link className="underline" href={`/onboardings/${s.id}`}>
                  {s.flow} onboarding
                </Link>{' '}
                <StatusBadge status={s.status} /> · started <When at={s.createdAt} />
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Webhook timeline" testId="waba-timeline">
        {timeline.length === 0 ? (
          <EmptyState title="No webhook events yet">Events Meta sends about this account will appear here.</EmptyState>
        ) : (
          <ol className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
            {timeline.map((e) => (
              <li
                key={e.id}
                data-testid="timeline-event"
                data-field={e.field}
                data-event={e.event ?? ''}
                className="flex flex-wrap items-center gap-3 px-4 py-2"
              >
                <span className="w-44 shrink-0 text-xs text-slate-500">
                  <When at={e.receivedAt} />
                </span>
                <span className="font-mono text-xs text-slate-600">{e.field}</span>
                <span data-testid="timeline-summary" className="flex-1">
                  {summariseEvent(e)}
                </span>
                <StatusBadge status={e.status} />
                <Link className="underline" href={`/webhooks/${e.id}`}>
                  Details
                </Link>
              </li>
            ))}
          </ol>
        )}
        <p className="mt-2 text-sm">
          <Link className="underline" href={`/webhooks?waba=${waba.metaWabaId}`}>
            All events of this account in the event log
          </Link>
        </p>
      </Section>
    </>
  );
}
