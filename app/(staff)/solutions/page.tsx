import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { When } from '@/components/staff/display';
import { Bar } from '@/components/ui/bar';
import { hasRole, requireRole } from '@/lib/auth';
import { onboardingLimit, type OnboardingLimit } from '@/lib/solutions/limit';
import { solutionRules } from '@/lib/programs';
import { solutionStateHelp } from '@/lib/solutions/states';
import { listStoredSolutions, solutionsVersion } from '@/lib/solutions/store';
import { partnerType } from '@/lib/settings';
import { ActionsCell, messagingText, partnerOf, sdkConfig, SolutionStateBadge } from './solution-parts';
import { CreateSolutionForm, EmbeddedCreation, RefreshSolutionsButton, type WriteMode } from './solution-forms';
import { SolutionsWatcher } from './solutions-watcher';

export const metadata: Metadata = { title: 'Multi-Partner Solutions' };

function LimitPanel({ limit }: { limit: OnboardingLimit }) {
  const tone = limit.reached ? 'border-red-300 bg-red-50' : limit.warning ? 'border-amber-300 bg-amber-50' : 'border-slate-200 bg-white';
  return (
    <section className={`mb-6 rounded-xl border p-5 ${tone}`} aria-label="Onboarding limit" data-testid="onboarding-limit" data-count={limit.count}>
      <h2 className="font-medium">Onboarding limit</h2>
      <p className="mt-1 text-sm">
        <span data-testid="limit-count" className="text-lg font-semibold">
          {limit.count}
        </span>{' '}
        of {limit.limit} new customers in the last 7 days, through solutions.
      </p>
      <div className="mt-2">
        <Bar value={limit.count} max={limit.limit} tone={limit.reached ? 'red' : 'brand'} label={`${limit.count} of ${limit.limit} new customers this week`} />
      </div>
      <p className="mt-2 text-sm text-slate-700" data-testid="limit-reset">
        {limit.resetsAt ? (
          <>
            A place frees up at <When at={limit.resetsAt} />, when the oldest counted customer leaves the window.
          </>
        ) : (
          'No customer is counted yet.'
        )}
      </p>
      {limit.reached ? (
        <p role="alert" className="mt-2 text-sm font-medium text-red-800">
          Limit reached: solution signup links tell customers to try again later, and no new solution signup starts until a place frees up.
        </p>
      ) : limit.warning ? (
        <p role="alert" className="mt-2 text-sm font-medium text-amber-900">
          {limit.limit - limit.count} places left this week: Meta lets a Tech Provider in a solution onboard {limit.limit} new customers per rolling 7 days.
        </p>
      ) : null}
      {!limit.applies ? <p className="mt-2 text-xs text-slate-600">The limit applies while you are a Tech Provider in an Active solution.</p> : null}
    </section>
  );
}

export default async function SolutionsPage() {
  const user = await requireRole('viewer');
  const type = await partnerType();
  const programs = solutionRules(type);
  if (!programs.solutions) {
    return (
      <>
        <PageHeader title="Multi-Partner Solutions" />
        <EmptyState title="Not available to Measurement Partners">
          Multi-Partner Solutions are for Solution Partners, Tech Providers and Tech Partners. An admin can change the partner type under Settings.
        </EmptyState>
      </>
    );
  }
  const canAct = hasRole(user, 'operator');
  const [rows, version, limit] = await Promise.all([
    listStoredSolutions(),
    solutionsVersion(),
    programs.onboardingLimit ? onboardingLimit() : Promise.resolve(null),
  ]);
  const mode: WriteMode = programs.solutionWrites;
  return (
    <>
      <PageHeader title="Multi-Partner Solutions">
        Solutions let two partners serve the same customers: one app holds MESSAGING, and signup links onboard through Active ones. States come from Meta and
        update as its webhooks arrive.
      </PageHeader>
      <SolutionsWatcher version={version} />
      {limit ? <LimitPanel limit={limit} /> : null}
      <div className={canAct ? 'grid items-start gap-8 xl:grid-cols-[1fr_22rem]' : ''}>
        <div className="space-y-3">
          {rows.length === 0 ? (
            <EmptyState title="No solutions read yet">
              {canAct ? 'Refresh from Meta to list the solutions of our app.' : 'An operator can read them from Meta.'}
            </EmptyState>
          ) : (
            <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="solutions">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-4 py-2">Solution</th>
                  <th className="px-4 py-2">State</th>
                  <th className="px-4 py-2">Partner</th>
                  <th className="px-4 py-2">Holds MESSAGING</th>
                  <th className="px-4 py-2">Customers</th>
                  <th className="px-4 py-2">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const partner = partnerOf(row);
                  return (
                    <tr
                      key={row.metaSolutionId}
                      className="border-t border-slate-100 align-top"
                      data-testid="solution"
                      data-solution-id={row.metaSolutionId}
                      data-state={row.state}
                    >
                      <td className="px-4 py-2">
                        <Link href={`/solutions/${row.metaSolutionId}`} className="font-medium underline">
                          {row.name ?? `Solution ${row.metaSolutionId}`}
                        </Link>
                        <span className="block font-mono text-xs text-slate-500">{row.metaSolutionId}</span>
                        <span className="block text-xs text-slate-600">
                          {row.role === 'owner' ? 'We created it' : row.role === 'partner' ? 'We were invited' : ''}
                        </span>
                      </td>
                      <td className="px-4 py-2">
                        <span title={solutionStateHelp[row.state]}>
                          <SolutionStateBadge state={row.state} />
                        </span>
                        <span className="mt-1 block text-xs whitespace-nowrap text-slate-500">
                          <When at={row.updatedAt} />
                        </span>
                      </td>
                      <td className="px-4 py-2">
                        {partner.name ?? '—'}
                        {partner.id ? <span className="block font-mono text-xs text-slate-500">{partner.id}</span> : null}
                      </td>
                      <td className="px-4 py-2" data-testid="messaging-holder">
                        {messagingText(row)}
                      </td>
                      <td className="px-4 py-2" data-testid="solution-customers">
                        {row.customers}
                      </td>
                      <td className="px-4 py-2">
                        <ActionsCell row={row} canAct={canAct} mode={mode} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
        {canAct ? (
          <div className="space-y-6">
            <section className="rounded-xl border border-slate-200 bg-white p-5">
              <h2 className="mb-2 font-medium">Read from Meta</h2>
              <p className="mb-3 text-sm text-slate-600">Lists every solution of our app with its apps and permissions.</p>
              <RefreshSolutionsButton />
            </section>
            <section className="rounded-xl border border-slate-200 bg-white p-5">
              <h2 className="mb-4 font-medium">Create a solution</h2>
              <CreateSolutionForm mode={mode} sdk={sdkConfig()} />
            </section>
            {type === 'solution_partner' ? (
              <section className="rounded-xl border border-slate-200 bg-white p-5">
                <h2 className="mb-2 font-medium">Embedded creation for Tech Providers</h2>
                <EmbeddedCreation sdk={sdkConfig()} />
              </section>
            ) : null}
          </div>
        ) : null}
      </div>
    </>
  );
}
