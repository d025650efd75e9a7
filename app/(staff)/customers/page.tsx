import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { customerFilterSchema, listCustomers, wabasPerCustomer } from '@/lib/customers/queries';
import { ReferenceForm } from '../wabas/list-forms';

export const metadata: Metadata = { title: 'Customers' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function CustomersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireRole('viewer');
  const params = await searchParams;
  const parsed = customerFilterSchema.safeParse({ q: typeof params.q === 'string' ? params.q : undefined });
  const filter = parsed.success ? parsed.data : {};
  const cursor = typeof params.cursor === 'string' ? params.cursor : null;
  const page = await listCustomers(filter, { cursor });
  const operator = hasRole(user, 'operator');
  const base: Record<string, string> = filter.q ? { q: filter.q } : {};
  const nextHref = page.next ? `/customers?${new URLSearchParams({ ...base, cursor: page.next })}` : undefined;

  return (
    <>
      <PageHeader title="Customers">Each customer’s business portfolio, its WhatsApp Business Accounts and their numbers.</PageHeader>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3 text-sm" role="search" aria-label="Search customers">
        <label className="block">
          <span className="font-medium text-slate-700">Search</span>
          <input
            name="q"
            defaultValue={filter.q ?? ''}
            placeholder="Business, email, reference, WABA id or phone"
            className="mt-1 block w-80 rounded-md border border-slate-300 bg-white px-3 py-2"
          />
        </label>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Search
        </button>
        {filter.q ? (
          <Link href="/customers" className="px-2 py-2 underline">
            Clear
          </Link>
        ) : null}
        {!parsed.success ? <p className="text-red-700">That search is too long; showing every customer.</p> : null}
      </form>
      {page.items.length === 0 ? (
        <EmptyState title="No customers found">{filter.q ? 'Nothing matches this search.' : 'Customers appear here when their signup completes.'}</EmptyState>
      ) : (
        <ul className="space-y-3" data-testid="customer-list">
          {page.items.map((customer) => (
            <li key={customer.id} className="rounded-xl border border-slate-200 bg-white p-4" data-testid={`customer-${customer.metaBusinessId}`}>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div>
                  <p className="font-medium">{customer.name ?? '(unnamed business)'}</p>
                  <p className="font-mono text-xs text-slate-500">Business portfolio {customer.metaBusinessId}</p>
                  {customer.email ? <p className="text-xs text-slate-600">{customer.email}</p> : null}
                </div>
                <div className="text-right text-sm">
                  <p data-testid="customer-reference">
                    {customer.customerReference ? `Ref ${customer.customerReference}` : <span className="text-slate-400">No reference</span>}
                  </p>
                  {operator ? (
                    <ReferenceForm businessId={customer.id} reference={customer.customerReference} label={customer.name ?? customer.metaBusinessId} />
                  ) : null}
                  <p className="mt-1 text-xs text-slate-600">
                    Verification <StatusBadge status={customer.verificationStatus} /> · since <When at={customer.createdAt} />
                  </p>
                </div>
              </div>
              <table className="mt-3 w-full text-sm">
                <thead className="text-left text-slate-500">
                  <tr>
                    <th className="py-1 pr-3 font-normal">WhatsApp account</th>
                    <th className="py-1 pr-3 font-normal">Review</th>
                    <th className="py-1 pr-3 font-normal">Can send</th>
                    <th className="py-1 pr-3 font-normal">Limit</th>
                    <th className="py-1 font-normal">Numbers</th>
                  </tr>
                </thead>
                <tbody>
                  {customer.wabas.map((waba) => (
                    <tr key={waba.id} className="border-t border-slate-100 align-top">
                      <td className="py-1 pr-3">
                        <Link href={`/wabas/${waba.metaWabaId}`} className="underline">
                          {waba.name ?? '(unnamed)'}
                        </Link>
                        <span className="block font-mono text-xs text-slate-500">{waba.metaWabaId}</span>
                      </td>
                      <td className="py-1 pr-3">
                        <StatusBadge status={waba.accountReviewStatus} />
                      </td>
                      <td className="py-1 pr-3">{waba.canSend ?? '—'}</td>
                      <td className="py-1 pr-3">{waba.messagingLimit ?? '—'}</td>
                      <td className="py-1">
                        {waba.numbers.length === 0 ? (
                          <span className="text-slate-400">No numbers</span>
                        ) : (
                          waba.numbers.map((n) => (
                            <span key={n.id} className="block">
                              <span className="font-mono text-xs">{n.display ?? n.id}</span> {n.verifiedName ?? ''} <StatusBadge status={n.quality} />{' '}
                              <span className="text-xs text-slate-600">{n.nameStatus ?? ''}</span>
                            </span>
                          ))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {customer.wabaCount > wabasPerCustomer ? (
                <p className="mt-2 text-xs text-slate-600">
                  Showing the newest {wabasPerCustomer} of {customer.wabaCount} accounts.{' '}
                  <Link className="underline" href={`/wabas?${new URLSearchParams({ q: customer.metaBusinessId })}`}>
                    See them all
                  </Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-4 flex gap-4 text-sm">
        {cursor ? (
          <Link className="underline" href={`/customers${filter.q ? `?${new URLSearchParams(base)}` : ''}`}>
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
