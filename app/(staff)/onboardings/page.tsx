import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { onboardingStatusLabels, OnboardingStatusBadge, When } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { onboardingStatuses, signupFlows } from '@/lib/db/schema';
import { flowLabels } from '@/lib/onboarding/links';
import { countText } from '@/lib/estimate';
import { countHiddenUnlaunched, linkChoices, listOnboardings, onboardingFiltersSchema, type OnboardingFilters } from '@/lib/onboarding/staff-queries';
import { partnerTypeLabels, type PartnerType } from '@/lib/settings';

export const metadata: Metadata = { title: 'Onboardings' };

function listHref(filters: OnboardingFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/onboardings?${text}` : '/onboardings';
}

const selectClass = 'mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5';

export default async function OnboardingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireRole('viewer');
  const filters = onboardingFiltersSchema.parse(await searchParams);
  const [{ items: rows, next }, links, hidden] = await Promise.all([listOnboardings(filters), linkChoices(), countHiddenUnlaunched(filters)]);
  const filtered = Boolean(filters.status || filters.flow || filters.link || filters.include);
  return (
    <>
      <PageHeader title="Onboardings">Every Embedded Signup session, newest first.</PageHeader>
      <form method="get" action="/onboardings" className="mb-4 flex flex-wrap items-end gap-3 text-sm" aria-label="Filter onboardings">
        <label>
          <span className="font-medium text-slate-700">Status</span>
          <select name="status" defaultValue={filters.status ?? ''} className={selectClass}>
            <option value="">Any status</option>
            {onboardingStatuses.map((status) => (
              <option key={status} value={status}>
                {onboardingStatusLabels[status]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="font-medium text-slate-700">Flow</span>
          <select name="flow" defaultValue={filters.flow ?? ''} className={selectClass}>
            <option value="">Any flow</option>
            {signupFlows.map((flow) => (
              <option key={flow} value={flow}>
                {flowLabels[flow]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="font-medium text-slate-700">Signup link</span>
          <select name="link" defaultValue={filters.link ?? ''} className={selectClass}>
            <option value="">Any link</option>
            {links.map((link) => (
              <option key={link.id} value={link.id}>
                {link.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="font-medium text-slate-700">Sessions</span>
          <select name="include" defaultValue={filters.include ?? ''} className={selectClass}>
            <option value="">Launched only</option>
            <option value="unlaunched">Also pages opened without a launch</option>
          </select>
        </label>
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          Filter
        </button>
        {filtered ? (
          <Link href="/onboardings" className="py-1.5 text-slate-600 underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      {hidden.n > 0 ? (
        <p className="mb-3 text-sm text-slate-600" data-testid="hidden-unlaunched" data-exact={hidden.exact}>
          {countText(hidden)} {hidden.n === 1 ? 'session whose page was opened but never launched is' : 'sessions whose page was opened but never launched are'}{' '}
          hidden
          {hidden.exact ? '' : ' (estimated by the database)'}.{' '}
          <Link href={listHref({ ...filters, include: 'unlaunched', cursor: undefined })} className="underline">
            Show them
          </Link>
        </p>
      ) : null}
      {rows.length === 0 ? (
        filtered || filters.cursor ? (
          <EmptyState title="No onboardings match">Try another status, flow or link, or clear the filters.</EmptyState>
        ) : (
          <EmptyState title="No onboardings yet">
            Every Embedded Signup session, its steps and their outcome will be listed here. Share a{' '}
            <Link href="/links" className="underline">
              signup link
            </Link>{' '}
            to start one.
          </EmptyState>
        )
      ) : (
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="onboardings">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-4 py-2">Started</th>
              <th className="px-4 py-2">Business / WhatsApp account</th>
              <th className="px-4 py-2">Flow</th>
              <th className="px-4 py-2">Partner type</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Signup link</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} className="border-t border-slate-100 align-top">
                <td className="px-4 py-2">
                  <Link href={`/onboardings/${row.id}`} className="text-brand-700 underline">
                    <When at={row.createdAt} />
                  </Link>
                </td>
                <td className="px-4 py-2">
                  {row.businessName ?? row.wabaName ?? (row.metaWabaId ? `WABA ${row.metaWabaId}` : <span className="text-slate-500">Not connected yet</span>)}
                  {row.businessName && row.wabaName ? <span className="block text-xs text-slate-500">{row.wabaName}</span> : null}
                </td>
                <td className="px-4 py-2">{flowLabels[row.flow]}</td>
                <td className="px-4 py-2">{partnerTypeLabels[row.partnerType as PartnerType] ?? row.partnerType}</td>
                <td className="px-4 py-2">
                  <OnboardingStatusBadge status={row.status} />
                  {row.statusMessage ? <span className="mt-1 block max-w-xs text-xs text-slate-600">{row.statusMessage}</span> : null}
                </td>
                <td className="px-4 py-2">{row.linkLabel ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-4 text-sm">
        {filters.cursor ? (
          <Link href={listHref({ ...filters, cursor: undefined })} className="underline">
            Newest
          </Link>
        ) : null}
        {next ? (
          <Link href={listHref({ ...filters, cursor: next })} className="underline">
            Older
          </Link>
        ) : null}
      </nav>
    </>
  );
}
