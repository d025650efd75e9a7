import type { Metadata } from 'next';
import { Bar } from '@/components/ui/bar';
import Link from 'next/link';
import { AttentionList } from '@/components/attention/attention-list';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { age, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { cancelStepLabel, customerStateCounts, funnelDays, signupCounts, signupFunnel, stoppedOnboardings, type CustomerState } from '@/lib/overview/queries';
import { countText } from '@/lib/estimate';
import { openAttention } from '@/lib/wabas';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

const stateCards: { state: CustomerState; label: string; hint: string; tone: string }[] = [
  { state: 'live', label: 'Live', hint: 'A number can send messages now', tone: 'text-brand-700' },
  { state: 'action_needed', label: 'Customer action needed', hint: 'The customer has something to do', tone: 'text-amber-800' },
  { state: 'waiting_on_partner', label: 'Waiting on a partner', hint: 'We or the other partner act next', tone: 'text-indigo-800' },
  { state: 'connected', label: 'Connected, not sending', hint: 'No number shared, or read-only access', tone: 'text-teal-800' },
  { state: 'failed', label: 'Failed', hint: 'Setup stopped; resume it', tone: 'text-red-800' },
  { state: 'in_progress', label: 'In progress', hint: 'Setting up right now', tone: 'text-sky-800' },
  { state: 'disconnected', label: 'Disconnected', hint: 'Removed us, or deleted', tone: 'text-slate-700' },
];

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}

export default async function DashboardPage() {
  const user = await requireRole('viewer');
  const [customers, signups, funnel, attention, stopped] = await Promise.all([
    customerStateCounts(),
    signupCounts(),
    signupFunnel(),
    openAttention({ limit: 50 }),
    stoppedOnboardings(),
  ]);
  const totalCustomers = Object.values(customers.counts).reduce((sum, n) => sum + n, 0);
  const stages = [
    { key: 'opened', label: 'Signup pages opened', count: funnel.opened },
    { key: 'launched', label: 'Clicked “Connect with Facebook”', count: funnel.launched },
    { key: 'completed', label: 'Finished Meta’s signup window', count: funnel.completed },
    { key: 'live', label: 'Live now', count: funnel.live },
  ];
  const cancelled = funnel.cancels.reduce((sum, c) => sum + c.count, 0);

  return (
    <>
      <PageHeader title="Overview">Your customers’ onboarding at a glance. Times are in UTC.</PageHeader>

      <section className="mb-8" aria-labelledby="customers-heading">
        <h2 id="customers-heading" className="mb-3 text-lg font-medium">
          Customers <span className="text-sm font-normal text-slate-500">by their latest onboarding</span>
        </h2>
        {customers.exact ? null : (
          <p className="-mt-2 mb-3 text-xs text-slate-500" data-testid="customers-estimated">
            Estimated from a sample of {customers.sampled.toLocaleString('en')} of about {customers.accounts.toLocaleString('en')} accounts: counting every
            account would slow this page down.
          </p>
        )}
        {totalCustomers === 0 ? (
          <EmptyState title="No customers yet">
            Share a{' '}
            <Link href="/links" className="underline">
              signup link
            </Link>{' '}
            with a business customer; once they finish Meta’s signup window, they are counted here.
          </EmptyState>
        ) : (
          <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-4" data-testid="customer-states">
            {stateCards.map((card) => (
              <div key={card.state} data-testid={`customers-${card.state}`} className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
                <p className="text-slate-600">{card.label}</p>
                <p className={`text-2xl font-semibold ${card.tone}`} data-testid="count" data-exact={customers.exact}>
                  {countText({ n: customers.counts[card.state], exact: customers.exact })}
                </p>
                <p className="text-xs text-slate-500">{card.hint}</p>
              </div>
            ))}
          </div>
        )}
      </section>

      <section className="mb-8 grid gap-6 lg:grid-cols-[1fr_2fr]">
        <div>
          <h2 className="mb-3 text-lg font-medium">Signups</h2>
          <div className="grid grid-cols-2 gap-3" data-testid="signups">
            <div className="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="signups-today">
              <p className="text-slate-600">Today</p>
              <p className="text-2xl font-semibold" data-testid="count">
                {signups.today}
              </p>
              <p className="text-xs text-slate-500">since midnight UTC</p>
            </div>
            <div className="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="signups-week">
              <p className="text-slate-600">This week</p>
              <p className="text-2xl font-semibold" data-testid="count">
                {signups.week}
              </p>
              <p className="text-xs text-slate-500">since Monday, midnight UTC</p>
            </div>
          </div>
          <p className="mt-2 text-xs text-slate-500">A signup is a customer who finished Meta’s signup window.</p>
        </div>

        <div>
          <h2 className="mb-3 text-lg font-medium">
            Funnel{' '}
            <span className="text-sm font-normal text-slate-500">
              last {funnelDays} days, since <When at={funnel.since} />
            </span>
          </h2>
          {funnel.opened === 0 ? (
            <EmptyState title="No signup pages opened in the last 30 days">Each visit to a signup link starts the funnel.</EmptyState>
          ) : (
            <div className="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="funnel">
              <ol className="space-y-2">
                {stages.map((stage) => (
                  <li key={stage.key} data-testid={`funnel-${stage.key}`} className="grid grid-cols-[14rem_1fr_5rem] items-center gap-3">
                    <span>{stage.label}</span>
                    <Bar value={stage.count} max={funnel.opened} />
                    <span className="text-right tabular-nums">
                      <span data-testid="count">{stage.count}</span> <span className="text-xs text-slate-500">{percent(stage.count, funnel.opened)}</span>
                    </span>
                  </li>
                ))}
              </ol>
              <div className="mt-4 border-t border-slate-100 pt-3" data-testid="funnel-cancels">
                <p className="font-medium">
                  Closed the window before finishing: <span data-testid="count">{cancelled}</span>
                  {funnel.errored > 0 ? <span className="font-normal text-slate-600"> · stopped by an error in the window: {funnel.errored}</span> : null}
                </p>
                {funnel.cancels.length === 0 ? (
                  <p className="text-slate-500">Nobody closed the window early.</p>
                ) : (
                  <ul className="mt-1 space-y-0.5 text-slate-700">
                    {funnel.cancels.map((c) => (
                      <li key={c.step ?? 'none'} data-testid="cancel-step" data-step={c.step ?? ''}>
                        {cancelStepLabel(c.step)}: <span data-testid="count">{c.count}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          )}
        </div>
      </section>

      <section className="mb-8" data-testid="needs-attention">
        <h2 className="mb-3 text-lg font-medium">Needs attention</h2>
        {stopped.length > 0 ? (
          <div className="mb-3">
            <h3 className="mb-2 text-sm font-medium text-slate-700">Stopped onboardings: the customer was told we will resume them</h3>
            <ul data-testid="stopped-onboardings" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
              {stopped.map((row) => (
                <li key={row.id} data-testid="stopped-onboarding" className="px-4 py-3">
                  <Link href={`/onboardings/${row.id}`} className="font-medium text-brand-700 underline">
                    {row.businessName ?? row.wabaName ?? row.metaWabaId ?? 'Onboarding'}
                  </Link>
                  <span className="ml-2 text-xs text-slate-500">stopped {age(row.updatedAt)} ago</span>
                  {row.statusMessage ? <p className="mt-1 text-slate-600">{row.statusMessage}</p> : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <AttentionList items={attention} canResolve={hasRole(user, 'operator')} />
      </section>
    </>
  );
}
