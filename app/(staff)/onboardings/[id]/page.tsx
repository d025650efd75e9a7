import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/empty-state';
import { RunProgressBar, StepList } from '@/components/operations/step-list';
import { Facts, OnboardingStatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { flowLabels } from '@/lib/onboarding/links';
import { getOnboardingDetail, type OnboardingDetail } from '@/lib/onboarding/staff-queries';
import { partnerTypeLabels, type PartnerType } from '@/lib/settings';
import { AutoRefresh, RerunStepButton, ResumeButton } from './onboarding-controls';

export const metadata: Metadata = { title: 'Onboarding' };

const tokenStatusText: Record<string, string> = {
  valid: 'Valid',
  needs_reauth: 'Needs the customer to sign in again',
  revoked: 'Revoked',
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title}>
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

function Th({ children }: { children: ReactNode }) {
  return <th className="px-3 py-2 font-normal">{children}</th>;
}

function Td({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <td className={`px-3 py-2 align-top ${className}`}>{children}</td>;
}

function healthOf(health: unknown): string | null {
  if (!health) return null;
  if (typeof health === 'object' && 'can_send_message' in health) return String((health as { can_send_message: unknown }).can_send_message);
  return JSON.stringify(health);
}

function SessionFacts({ detail }: { detail: OnboardingDetail }) {
  const { session, link, business, token } = detail;
  const items: Array<[string, ReactNode]> = [
    ['Flow', flowLabels[session.flow]],
    ['Partner type', partnerTypeLabels[session.partnerType as PartnerType] ?? session.partnerType],
    [
      'Signup link',
      link ? (
        <Link href="/links" className="underline">
          {link.label}
        </Link>
      ) : null,
    ],
    ['Page opened', <When key="created" at={session.createdAt} />],
    ['Signup launched', <When key="launched" at={session.launchedAt} empty="Not launched" />],
    ['Completed', <When key="completed" at={session.completedAt} empty="Not completed" />],
    ['Last change', <When key="updated" at={session.updatedAt} />],
  ];
  if (session.finishEvent) items.push(['Finish event', session.finishEvent]);
  if (session.cancelStep || session.status === 'cancelled') items.push(['Cancelled at', session.cancelStep ?? 'Unknown step']);
  if (session.errorCode || session.errorMessage || session.errorSessionId) {
    items.push(['Signup window error', `${session.errorCode ?? 'no code'} · ${session.errorMessage ?? 'no message'}`]);
    items.push(['Meta session id', session.errorSessionId]);
  }
  if (business) items.push(['Business', `${business.name ?? 'Unnamed'} (${business.metaBusinessId})`]);
  if (token) {
    items.push(['Business token', `${tokenStatusText[token.status] ?? token.status}`]);
    items.push(['Token expires', <When key="expires" at={token.expiresAt} empty="Never" />]);
    items.push(['Token scopes', token.scopes.length > 0 ? token.scopes.join(', ') : null]);
  } else {
    items.push(['Business token', 'None stored']);
  }
  if (session.flow === 'coexistence') {
    items.push([
      'Chat history',
      session.historyDeclinedAt ? 'Declined by the customer' : session.historyProgress === null ? 'Not started' : `${session.historyProgress}%`,
    ]);
    items.push(['Contacts synced', String(session.contactsSynced)]);
    items.push(['Message echoes seen', String(session.echoesSeen)]);
  }
  return <Facts items={items} />;
}

function Account({ detail }: { detail: OnboardingDetail }) {
  const { waba, numbers } = detail;
  if (!waba) return <p className="text-sm text-slate-600">No WhatsApp Business Account was connected in this onboarding.</p>;
  return (
    <div className="space-y-4">
      <Facts
        items={[
          ['Name', waba.name],
          [
            'WABA id',
            <Link key="waba" href={`/wabas/${waba.metaWabaId}`} className="font-mono text-brand-700 underline">
              {waba.metaWabaId}
            </Link>,
          ],
          ['Status', waba.status],
          ['Account review', waba.accountReviewStatus],
          ['Business verification', waba.businessVerificationStatus],
          ['Ownership', waba.ownershipType],
          ['Messaging limit', waba.messagingLimit],
          ['Can send messages', healthOf(waba.healthStatus)],
          ['Credit line (funding id)', waba.primaryFundingId],
          ['Currency and time zone', [waba.currency, waba.timezoneId].filter(Boolean).join(' · ') || null],
          ['Subscribed to our app', <When key="subscribed" at={waba.subscribedAt} empty="Not yet" />],
          ['Read from Meta', <When key="synced" at={waba.syncedAt} />],
        ]}
      />
      {numbers.length === 0 ? (
        <p className="text-sm text-slate-600">No phone numbers on this account.</p>
      ) : (
        <table className="w-full text-sm" data-testid="numbers">
          <thead className="text-left text-slate-500">
            <tr>
              <Th>Number</Th>
              <Th>Display name</Th>
              <Th>Status</Th>
              <Th>Quality</Th>
              <Th>Platform</Th>
              <Th>Registered</Th>
            </tr>
          </thead>
          <tbody>
            {numbers.map((number) => (
              <tr key={number.id} className="border-t border-slate-100">
                <Td>
                  {number.displayPhoneNumber ?? '—'}
                  <span className="block font-mono text-xs text-slate-500">{number.metaPhoneNumberId}</span>
                  {number.isOnBizApp ? <span className="block text-xs text-slate-500">Also on the WhatsApp Business app</span> : null}
                </Td>
                <Td>
                  {number.verifiedName ?? '—'}
                  {number.nameStatus ? <span className="block text-xs text-slate-500">{number.nameStatus}</span> : null}
                </Td>
                <Td>
                  {number.status ?? '—'}
                  {number.codeVerificationStatus ? <span className="block text-xs text-slate-500">code {number.codeVerificationStatus}</span> : null}
                </Td>
                <Td>
                  {number.qualityRating ?? '—'}
                  {number.throughputLevel ? <span className="block text-xs text-slate-500">throughput {number.throughputLevel}</span> : null}
                </Td>
                <Td>{number.platformType ?? '—'}</Td>
                <Td>
                  <When at={number.registeredAt} empty="Not registered" />
                </Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Events({ detail }: { detail: OnboardingDetail }) {
  if (detail.events.length === 0) return <p className="text-sm text-slate-600">Nothing has happened yet.</p>;
  return (
    <ol className="space-y-2 text-sm" data-testid="events">
      {detail.events.map((event) => (
        <li key={event.id} className="grid grid-cols-[14rem_10rem_1fr] gap-3">
          <span className="text-slate-500">
            <When at={event.createdAt} />
          </span>
          <span className="font-medium">{event.type}</span>
          {event.data ? <code className="block overflow-x-auto text-xs whitespace-pre-wrap text-slate-600">{JSON.stringify(event.data)}</code> : <span />}
        </li>
      ))}
    </ol>
  );
}

function GraphCalls({ detail }: { detail: OnboardingDetail }) {
  if (detail.calls.length === 0) return <p className="text-sm text-slate-600">No calls to Meta were made for this onboarding.</p>;
  return (
    <table className="w-full text-sm" data-testid="graph-calls">
      <thead className="text-left text-slate-500">
        <tr>
          <Th>When</Th>
          <Th>Step</Th>
          <Th>Request</Th>
          <Th>Status</Th>
          <Th>Error code</Th>
          <Th>fbtrace_id</Th>
          <Th>Duration</Th>
        </tr>
      </thead>
      <tbody>
        {detail.calls.map((call) => (
          <tr key={call.id} className="border-t border-slate-100">
            <Td>
              <When at={call.createdAt} />
            </Td>
            <Td>{call.step ?? '—'}</Td>
            <Td className="font-mono text-xs break-all">
              {call.method} {call.path}
            </Td>
            <Td>{call.status ?? 'No response'}</Td>
            <Td>{call.errorCode ?? '—'}</Td>
            <Td className="font-mono text-xs">{call.fbtraceId ?? '—'}</Td>
            <Td>{call.durationMs} ms</Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function OnboardingPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  const detail = await getOnboardingDetail(id);
  if (!detail) notFound();
  const { progress } = detail;
  const { session } = detail;
  const canAct = hasRole(user, 'operator');
  const working = session.status === 'running' || session.status === 'exchanging';
  return (
    <div className="space-y-6">
      {working ? <AutoRefresh /> : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm">
            <Link href="/onboardings" className="text-slate-600 underline">
              Onboardings
            </Link>
          </p>
          <PageHeader title={detail.business?.name ?? detail.waba?.name ?? 'Onboarding'} />
          <div className="-mt-4 space-y-1" data-testid="onboarding-status" data-status={session.status}>
            <OnboardingStatusBadge status={session.status} />
            {session.statusMessage ? <p className="max-w-2xl text-sm text-slate-700">{session.statusMessage}</p> : null}
            {working ? <p className="text-xs text-slate-500">Updating every few seconds while the steps run.</p> : null}
          </div>
        </div>
        {detail.token && (session.status === 'failed' || session.status === 'running') ? <ResumeButton sessionId={session.id} allowed={canAct} /> : null}
      </div>
      <Section title="Session">
        <SessionFacts detail={detail} />
      </Section>
      <Section title="Steps">
        {progress ? (
          <div className="space-y-3">
            <RunProgressBar progress={progress} />
            <StepList
              progress={progress}
              action={(step) => <RerunStepButton sessionId={session.id} step={step.name} label={step.label.staff} allowed={canAct} />}
            />
          </div>
        ) : (
          <p className="text-sm text-slate-600">No steps yet: they start once the signup is confirmed with Meta.</p>
        )}
      </Section>
      <Section title="WhatsApp Business Account">
        <Account detail={detail} />
      </Section>
      <Section title="Events">
        <Events detail={detail} />
      </Section>
      <Section title="Calls to Meta">
        <GraphCalls detail={detail} />
      </Section>
    </div>
  );
}
