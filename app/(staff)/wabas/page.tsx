import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { OnboardingStatusBadge, StatusBadge, When } from '@/components/staff/display';
import {
  canSendStates,
  countAccounts,
  creditLabels,
  creditStates,
  daysUntil,
  filterFromParams,
  filterParams,
  hasFilter,
  listAccounts,
  messagingLimits,
  nameStates,
  qualityRatings,
  reviewStates,
  tokenLabels,
  tokenStates,
  verificationStates,
  type AccountFilter,
  type AccountRow,
} from '@/lib/accounts/list';
import { hasRole, requireRole } from '@/lib/auth';
import { onboardingStatuses, wabaStatuses } from '@/lib/db/schema';
import { onboardingStatusLabels } from '@/components/staff/display';
import { partnerType } from '@/lib/settings';
import { BulkBar, ReferenceForm } from './list-forms';

export const metadata: Metadata = { title: 'WhatsApp accounts' };

type SearchParams = Record<string, string | string[] | undefined>;

/** Counted no further than this on a page; beyond it the list says "1,000+". */
const countCap = 1000;

function Select({ name, label, value, options }: { name: keyof AccountFilter; label: string; value: string | undefined; options: ReadonlyArray<readonly [string, string]> }) {
  return (
    <label className="block">
      <span className="font-medium text-slate-700">{label}</span>
      <select name={name} defaultValue={value ?? ''} className="mt-1 block w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 py-2">
        <option value="">Any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

const same = (values: readonly string[]) => values.map((v) => [v, v] as const);

function TokenCell({ row }: { row: AccountRow }) {
  if (row.tokenState === 'expiring' && row.tokenExpiresAt) {
    const days = daysUntil(row.tokenExpiresAt);
    return <StatusBadge status="action_needed" label={`Expires in ${days} ${days === 1 ? 'day' : 'days'}`} />;
  }
  const tone = row.tokenState === 'valid' ? 'live' : row.tokenState === 'needs_reauth' ? 'failed' : 'none';
  return <StatusBadge status={tone} label={tokenLabels[row.tokenState]} />;
}

function Numbers({ row }: { row: AccountRow }) {
  if (row.numbers.length === 0) return <span className="text-slate-400">No numbers</span>;
  return (
    <ul className="space-y-1">
      {row.numbers.map((n) => (
        <li key={n.id} data-testid={`number-${n.id}`}>
          <span className="font-mono text-xs">{n.display ?? n.id}</span> <StatusBadge status={n.quality} />
          <span className="block text-xs text-slate-600">
            {n.verifiedName ?? '—'} · {n.nameStatus ?? '—'}
          </span>
        </li>
      ))}
    </ul>
  );
}

export default async function WabasPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireRole('viewer');
  const params = await searchParams;
  const { filter, invalid } = filterFromParams(params);
  const cursor = typeof params.cursor === 'string' ? params.cursor : null;
  const [page, counted, type] = await Promise.all([listAccounts(filter, { cursor }), countAccounts(filter, countCap), partnerType()]);
  const solutionPartner = type === 'solution_partner';
  const operator = hasRole(user, 'operator');
  const query = new URLSearchParams(filterParams(filter)).toString();
  const matching = counted.more ? `${countCap.toLocaleString('en')}+` : counted.count.toLocaleString('en');
  const nextHref = page.next ? `/wabas?${new URLSearchParams({ ...filterParams(filter), cursor: page.next })}` : undefined;

  return (
    <>
      <PageHeader title="WhatsApp accounts">WhatsApp Business Accounts shared with you, as Meta last told us.</PageHeader>
      <form method="get" className="mb-4 grid grid-cols-2 gap-3 text-sm md:grid-cols-4 xl:grid-cols-6" role="search" aria-label="Filter accounts">
        <label className="col-span-2 block">
          <span className="font-medium text-slate-700">Search</span>
          <input
            name="q"
            defaultValue={filter.q ?? ''}
            placeholder="Business, email, reference, WABA id or phone"
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2"
          />
        </label>
        <Select name="status" label="Status" value={filter.status} options={same(wabaStatuses)} />
        <Select name="quality" label="Quality" value={filter.quality} options={same(qualityRatings)} />
        <Select name="nameStatus" label="Name status" value={filter.nameStatus} options={same(nameStates)} />
        <Select name="limit" label="Messaging limit" value={filter.limit} options={same(messagingLimits)} />
        <Select name="canSend" label="Can send" value={filter.canSend} options={same(canSendStates)} />
        <Select name="verification" label="Business verification" value={filter.verification} options={same(verificationStates)} />
        <Select name="review" label="Account review" value={filter.review} options={same(reviewStates)} />
        {solutionPartner ? <Select name="credit" label="Credit line" value={filter.credit} options={creditStates.map((c) => [c, creditLabels[c]] as const)} /> : null}
        <Select name="token" label="Token" value={filter.token} options={tokenStates.map((t) => [t, tokenLabels[t]] as const)} />
        <Select name="onboarding" label="Onboarding" value={filter.onboarding} options={onboardingStatuses.map((s) => [s, onboardingStatusLabels[s]] as const)} />
        <label className="block">
          <span className="font-medium text-slate-700">Added from</span>
          <input type="date" name="from" defaultValue={filter.from ?? ''} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5" />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Added to</span>
          <input type="date" name="to" defaultValue={filter.to ?? ''} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5" />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
            Filter
          </button>
          {hasFilter(filter) ? (
            <Link href="/wabas" className="px-2 py-2 underline">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {invalid.length > 0 ? (
        <p role="alert" className="mb-3 text-sm text-red-700">
          Ignored filters that do not exist: {invalid.join(', ')}.
        </p>
      ) : null}
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p data-testid="matching" data-count={counted.count} data-more={counted.more}>
          {counted.more ? `${matching} matching (counted up to ${countCap.toLocaleString('en')})` : `${matching} matching`}
        </p>
        <a href={`/api/wabas/export${query ? `?${query}` : ''}`} className="rounded-md border border-slate-300 bg-white px-3 py-2 hover:bg-slate-50" download>
          Export CSV
        </a>
      </div>
      {operator && page.items.length > 0 ? <BulkBar filterQuery={query} matching={matching} /> : null}
      {page.items.length === 0 ? (
        <EmptyState title="No WhatsApp Business Accounts found">
          {hasFilter(filter) ? 'Nothing matches this search and filter.' : 'Accounts shared with you through Embedded Signup will be listed here with their status.'}
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table data-testid="waba-list" className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {operator ? (
                  <th className="px-3 py-2">
                    <span className="sr-only">Select</span>
                  </th>
                ) : null}
                <th className="px-3 py-2">Account</th>
                <th className="px-3 py-2">Business</th>
                <th className="px-3 py-2">Numbers</th>
                <th className="px-3 py-2">Limit</th>
                <th className="px-3 py-2">Can send</th>
                <th className="px-3 py-2">Verification</th>
                <th className="px-3 py-2">Review</th>
                {solutionPartner ? <th className="px-3 py-2">Credit line</th> : null}
                <th className="px-3 py-2">Token</th>
                <th className="px-3 py-2">Onboarding</th>
                <th className="px-3 py-2">Last webhook</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top" data-testid={`waba-${row.metaWabaId}`}>
                  {operator ? (
                    <td className="px-3 py-2">
                      <input type="checkbox" name="wabaIds" value={row.metaWabaId} form="bulk-form" aria-label={`Select ${row.name ?? row.metaWabaId}`} />
                    </td>
                  ) : null}
                  <td className="px-3 py-2">
                    <Link className="underline" href={`/wabas/${row.metaWabaId}`}>
                      {row.name ?? '(unnamed)'}
                    </Link>
                    <span className="block font-mono text-xs text-slate-500">{row.metaWabaId}</span>
                    {row.status !== 'connected' ? <StatusBadge status={row.status} /> : null}
                  </td>
                  <td className="px-3 py-2">
                    {row.businessName ?? '—'}
                    {row.email ? <span className="block text-xs text-slate-600">{row.email}</span> : null}
                    <span className="block text-xs" data-testid="customer-reference">
                      {row.customerReference ? `Ref ${row.customerReference}` : ''}
                    </span>
                    {operator && row.businessId ? <ReferenceForm businessId={row.businessId} reference={row.customerReference} label={row.businessName ?? row.metaWabaId} /> : null}
                  </td>
                  <td className="px-3 py-2">
                    <Numbers row={row} />
                  </td>
                  <td className="px-3 py-2">{row.messagingLimit ?? '—'}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={row.canSend === 'AVAILABLE' ? 'live' : row.canSend === 'BLOCKED' ? 'failed' : row.canSend} label={row.canSend ?? undefined} />
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={row.businessVerificationStatus} />
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={row.accountReviewStatus} />
                  </td>
                  {solutionPartner ? <td className="px-3 py-2">{creditLabels[row.credit]}</td> : null}
                  <td className="px-3 py-2">
                    <TokenCell row={row} />
                  </td>
                  <td className="px-3 py-2">
                    {row.onboardingStatus ? <OnboardingStatusBadge status={row.onboardingStatus} /> : '—'}
                    <span className="block text-xs text-slate-600">
                      <When at={row.onboardingAt} empty="" />
                    </span>
                  </td>
                  <td className="px-3 py-2 text-xs">
                    <When at={row.lastWebhookAt} empty="Never" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="mt-4 flex gap-4 text-sm">
        {cursor ? (
          <Link className="underline" href={`/wabas${query ? `?${query}` : ''}`}>
            First page
          </Link>
        ) : null}
        {nextHref ? (
          <Link className="underline" href={nextHref}>
            Next page
          </Link>
        ) : null}
      </p>
    </>
  );
}
