import Link from 'next/link';
import type { ReactNode } from 'react';
import { EmptyState } from '@/components/empty-state';
import { age } from '@/components/staff/display';
import type { openAttention } from '@/lib/wabas';
import { ResolveAttentionForm } from './resolve-form';

type Item = Awaited<ReturnType<typeof openAttention>>[number];

// Where on the account page each kind is resolved: the panel's anchor and the action's name.
const resolvedOnAccountPage: Record<string, { anchor: string; label: string }> = {
  resubscribe: { anchor: 'webhooks', label: 'Re-subscribe' },
  reauthorize: { anchor: 'token', label: 'Re-authorize' },
  credit_line_revoke: { anchor: 'credit-line', label: 'Revoke the credit line' },
  credit_line_revoke_requested: { anchor: 'credit-line', label: 'Revoke the credit line' },
  payment_configuration: { anchor: 'credit-line', label: 'Check the credit line' },
  partner_removed: { anchor: 'offboard', label: 'Offboard' },
};

function accountAction(item: Item): { href: string; label: string } | null {
  const target = resolvedOnAccountPage[item.action ?? ''] ?? resolvedOnAccountPage[item.kind];
  if (!target || !item.wabaId) return null;
  return { href: `/wabas/${item.wabaRowId ?? item.wabaId}#${target.anchor}`, label: target.label };
}

/** Open attention items; operators may resolve them. */
export function AttentionList({
  items,
  canResolve,
  showWaba = true,
  fix,
}: {
  items: Item[];
  canResolve: boolean;
  showWaba?: boolean;
  /** The control that resolves an item in place (the account page's "Fix"), when there is one. */
  fix?: (item: Item) => ReactNode;
}) {
  if (items.length === 0) {
    return <EmptyState title="Nothing needs attention">Removed partners, restrictions and failed revocations show up here.</EmptyState>;
  }
  return (
    <ul data-testid="attention-items" className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
      {items.map((item) => (
        <li key={item.id} data-testid="attention-item" data-kind={item.kind} className="flex flex-wrap items-start gap-4 px-4 py-3">
          <div className="min-w-0 flex-1">
            <p>
              <span className="mr-2 rounded bg-amber-50 px-1.5 py-0.5 font-mono text-xs text-amber-800">{item.kind}</span>
              {item.message}
            </p>
            <p className="mt-1 text-xs text-slate-500">
              {showWaba && item.wabaId ? (
                <>
                  WABA{' '}
                  <Link className="underline" href={`/wabas/${item.wabaRowId ?? item.wabaId}`}>
                    {item.wabaId}
                  </Link>{' '}
                  ·{' '}
                </>
              ) : null}
              open for {age(item.createdAt)}
              {item.href?.startsWith('/') ? (
                <>
                  {' '}
                  ·{' '}
                  <Link className="font-medium underline" href={item.href} data-testid="attention-open">
                    Open
                  </Link>
                </>
              ) : item.kind === 'finish_onboarding' && item.wabaId ? (
                <>
                  {' '}
                  ·{' '}
                  <Link className="font-medium underline" href={`/finish-onboarding/${item.wabaId}`}>
                    Finish onboarding
                  </Link>
                </>
              ) : accountAction(item) ? (
                <>
                  {' '}
                  ·{' '}
                  <Link className="font-medium underline" href={accountAction(item)!.href} data-testid="attention-action">
                    {accountAction(item)!.label}
                  </Link>
                </>
              ) : null}
            </p>
          </div>
          {canResolve && fix ? fix(item) : null}
          {canResolve ? <ResolveAttentionForm id={item.id} /> : null}
        </li>
      ))}
    </ul>
  );
}
