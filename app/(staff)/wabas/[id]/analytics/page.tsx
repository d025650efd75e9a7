import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { StackedBarChart } from '@/components/charts/stacked-bar-chart';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { When } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { rangeFrom, wabaAnalytics } from '@/lib/analytics/waba-analytics';
import { findWaba } from '@/lib/wabas';

export const metadata: Metadata = { title: 'Analytics' };

const granularityLabels = { DAILY: 'Per day', MONTHLY: 'Per month', HALF_HOUR: 'Per half hour' } as const;

function words(category: string): string {
  return category === 'ALL' ? 'All' : category.charAt(0) + category.slice(1).toLowerCase().replace(/_/g, ' ');
}

export default async function WabaAnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireRole('viewer');
  const { id } = await params;
  const found = await findWaba(id);
  if (!found) notFound();
  const { waba, business } = found;
  const { range, problem } = rangeFrom(await searchParams);
  const analytics = await wabaAnalytics(waba, range);
  const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: waba.currency ?? 'USD', maximumFractionDigits: 4 });
  return (
    <>
      <PageHeader title={`Analytics · ${waba.name ?? `WABA ${waba.metaWabaId}`}`}>
        As Meta reports them for{' '}
        <Link className="underline" href={`/wabas/${waba.metaWabaId}`}>
          {waba.metaWabaId}
        </Link>
        {business ? ` (${business.name ?? business.metaBusinessId})` : ''}, read with the customer’s business token. Webhooks:{' '}
        <span data-testid="analytics-subscribed">
          {waba.subscribedAt ? (
            <>
              subscribed <When at={waba.subscribedAt} />
            </>
          ) : (
            'not subscribed'
          )}
        </span>
        .
      </PageHeader>

      <form method="get" className="mb-6 flex flex-wrap items-end gap-4 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="analytics-range">
        <label className="block">
          <span className="font-medium text-slate-700">From</span>
          <input type="date" name="from" defaultValue={range.from} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">To</span>
          <input type="date" name="to" defaultValue={range.to} className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Buckets</span>
          <select name="granularity" defaultValue={range.granularity} className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5">
            {Object.entries(granularityLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Show
        </button>
        <span className="text-slate-500">UTC days, both included.</span>
      </form>
      {problem ? (
        <p role="alert" className="mb-4 text-sm text-red-700" data-testid="analytics-range-problem">
          {problem}
        </p>
      ) : null}

      {!analytics.ok ? (
        <EmptyState title="Analytics could not be read">{analytics.problem}</EmptyState>
      ) : (
        <div className="space-y-8">
          <section data-testid="analytics-conversations">
            <h2 className="mb-1 text-lg font-medium">Conversations</h2>
            <p className="mb-3 text-sm text-slate-600">
              <span data-testid="conversations-total">{analytics.conversations.total}</span> conversations, {money.format(analytics.conversations.cost)} (Meta’s
              conversation analytics).
            </p>
            {analytics.conversations.total === 0 ? (
              <EmptyState title="No conversations in this range">
                Meta reports no conversations for this account between {range.from} and {range.to}.
              </EmptyState>
            ) : (
              <StackedBarChart
                testId="conversations-chart"
                title="Conversations by category"
                unit="conversations"
                buckets={analytics.conversations.buckets}
                series={analytics.conversations.categories.map((c) => ({ key: c, label: words(c) }))}
              />
            )}
          </section>

          <section data-testid="analytics-pricing">
            <h2 className="mb-1 text-lg font-medium">Delivered messages and cost</h2>
            <p className="mb-3 text-sm text-slate-600">
              <span data-testid="pricing-total">{analytics.pricing.total}</span> delivered messages, {money.format(analytics.pricing.cost)} (Meta’s pricing
              analytics; Meta charges per delivered message).
            </p>
            {analytics.pricing.total > 0 ? (
              <>
                <StackedBarChart
                  testId="pricing-chart"
                  title="Delivered messages by pricing category"
                  unit="messages"
                  buckets={analytics.pricing.buckets}
                  series={analytics.pricing.categories.map((c) => ({ key: c, label: words(c) }))}
                />
                <table className="mt-4 w-full max-w-xl overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="pricing-table">
                  <thead className="bg-slate-50 text-left text-slate-600">
                    <tr>
                      <th className="px-3 py-2">Pricing category</th>
                      <th className="px-3 py-2 text-right">Messages</th>
                      <th className="px-3 py-2 text-right">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {analytics.pricing.totals.map((t) => (
                      <tr key={t.category} className="border-t border-slate-100">
                        <td className="px-3 py-2">{words(t.category)}</td>
                        <td className="px-3 py-2 text-right tabular-nums">{t.values[0]}</td>
                        <td className="px-3 py-2 text-right tabular-nums">{money.format(t.values[1] ?? 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <EmptyState title="No delivered messages in this range">
                Meta reports no delivered messages for this account between {range.from} and {range.to}.
              </EmptyState>
            )}
          </section>
        </div>
      )}
    </>
  );
}
