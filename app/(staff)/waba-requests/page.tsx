import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { Bar } from '@/components/ui/bar';
import { hasRole, requireRole } from '@/lib/auth';
import { customerInstructions, daysLeft, expiresAt, listWabaRequests, requestLifetimeMs, requestState, type RequestState } from '@/lib/partner-wabas/requests';
import { solutionRules } from '@/lib/programs';
import { partnerType } from '@/lib/settings';
import { CancelRequestButton, CopyInstructions, FinishRequestButton, RecordRequestForm } from './request-forms';

export const metadata: Metadata = { title: 'WABA creation requests' };

const stateLabels: Record<RequestState, { label: string; tone: string }> = {
  waiting: { label: 'Waiting for the customer', tone: 'running' },
  expired: { label: 'Expired', tone: 'failed' },
  accepted: { label: 'Accepted', tone: 'live' },
  cancelled: { label: 'Cancelled', tone: 'unknown' },
};

function Countdown({ sentAt, now }: { sentAt: Date; now: Date }) {
  const left = daysLeft({ sentAt }, now);
  return (
    <div data-testid="countdown" data-days-left={left} className="min-w-40">
      <p>
        {left === 0 ? 'Expires today' : `Expires in ${left} day${left === 1 ? '' : 's'}`}
        <span className="block text-xs text-slate-600">
          on <When at={expiresAt({ sentAt })} />
        </span>
      </p>
      <div className="mt-1">
        <Bar
          value={Math.min(requestLifetimeMs, now.getTime() - sentAt.getTime())}
          max={requestLifetimeMs}
          tone={left <= 10 ? 'red' : 'brand'}
          label="Time used of the 90 days"
        />
      </div>
    </div>
  );
}

export default async function WabaRequestsPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const user = await requireRole('viewer');
  if (!solutionRules(await partnerType()).wabaRequests) {
    return (
      <>
        <PageHeader title="WABA creation requests" />
        <EmptyState title="For Solution Partners only">
          Meta lets only Solution Partners request a WhatsApp Business Account for a customer in Business Suite. An admin can change the partner type under
          Settings.
        </EmptyState>
      </>
    );
  }
  const canAct = hasRole(user, 'operator');
  const { cursor } = await searchParams;
  const page = await listWabaRequests({ cursor });
  const now = new Date();
  return (
    <>
      <PageHeader title="WABA creation requests">
        Requests you sent in Meta Business Suite (Settings › Accounts › WhatsApp accounts › Add › Request a new WhatsApp Business account for a client). Meta
        cancels an invitation the customer has not accepted within 90 days.
      </PageHeader>
      <div className={canAct ? 'grid items-start gap-8 xl:grid-cols-[1fr_22rem]' : ''}>
        <div className="space-y-6">
          {page.items.length === 0 ? (
            <EmptyState title="No requests recorded">
              {canAct ? 'Record a request once you have sent it in Business Suite.' : 'An operator records them.'}
            </EmptyState>
          ) : (
            <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="waba-requests">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-4 py-2">Customer</th>
                  <th className="px-4 py-2">Sent</th>
                  <th className="px-4 py-2">State</th>
                  <th className="px-4 py-2">Expiry</th>
                  {canAct ? (
                    <th className="px-4 py-2">
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {page.items.map((request) => {
                  const state = requestState(request, now);
                  return (
                    <tr
                      key={request.id}
                      className="border-t border-slate-100 align-top"
                      data-testid="waba-request"
                      data-request-id={request.id}
                      data-customer={request.customerName}
                      data-state={state}
                    >
                      <td className="px-4 py-2">
                        <span className="font-medium">{request.customerName}</span>
                        <span className="block font-mono text-xs text-slate-500">{request.customerBusinessId}</span>
                        {request.note ? <span className="block text-xs text-slate-600">{request.note}</span> : null}
                      </td>
                      <td className="px-4 py-2">
                        <When at={request.sentAt} />
                      </td>
                      <td className="px-4 py-2">
                        <StatusBadge status={stateLabels[state].tone} label={stateLabels[state].label} />
                        {state === 'accepted' && request.metaWabaId ? (
                          <span className="mt-1 block text-xs">
                            <Link className="underline" href={`/wabas/${request.metaWabaId}`}>
                              WABA {request.metaWabaId}
                            </Link>{' '}
                            · <When at={request.acceptedAt} />
                          </span>
                        ) : null}
                      </td>
                      <td className="px-4 py-2">
                        {state === 'waiting' ? (
                          <Countdown sentAt={request.sentAt} now={now} />
                        ) : state === 'expired' ? (
                          <span data-testid="expired">
                            Expired on <When at={expiresAt(request)} />: send a new request in Business Suite.
                          </span>
                        ) : (
                          '—'
                        )}
                      </td>
                      {canAct ? (
                        <td className="px-4 py-2">
                          {state === 'accepted' && request.metaWabaId ? (
                            <div className="space-y-1">
                              <FinishRequestButton requestId={request.id} customer={request.customerName} />
                              <Link className="block text-xs underline" href={`/finish-onboarding/${request.metaWabaId}`}>
                                Progress
                              </Link>
                            </div>
                          ) : state === 'waiting' ? (
                            <CancelRequestButton id={request.id} customer={request.customerName} />
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {page.next ? (
            <Link className="text-sm underline" href={`/waba-requests?cursor=${page.next}`}>
              Older requests
            </Link>
          ) : null}
          <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label="Instructions for the customer">
            <div className="mb-3 flex items-center justify-between gap-4">
              <h2 className="font-medium">What to send the customer</h2>
              <CopyInstructions text={customerInstructions} />
            </div>
            <pre data-testid="customer-instructions" className="whitespace-pre-wrap rounded bg-slate-50 p-3 font-sans text-sm">
              {customerInstructions}
            </pre>
            <p className="mt-2 text-xs text-slate-600">
              Once they accept, Meta tells us (PARTNER_ADDED) and the request shows as accepted. Finish onboarding then subscribes to the account, shares our
              credit line and registers its numbers with our system token: a customer cannot add a payment method to an account created this way.
            </p>
          </section>
        </div>
        {canAct ? (
          <section className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 className="mb-4 font-medium">Record a request you sent</h2>
            <RecordRequestForm today={now.toISOString().slice(0, 10)} />
          </section>
        ) : null}
      </div>
    </>
  );
}
