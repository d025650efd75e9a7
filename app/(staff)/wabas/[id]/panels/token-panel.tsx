import { StatusBadge, When } from '@/components/staff/display';
import type { StoredToken } from '@/lib/accounts/state';
import { expiryWarningDays } from '@/lib/accounts/token-health';
import { ReauthorizeForm } from '../account-forms';
import { Actions, Fact, Panel } from './panel';

function tokenState(token: StoredToken, now: Date): { status: string; label: string } {
  if (token.status !== 'valid') return { status: 'needs_reauth', label: 'Needs reauthorization' };
  if (!token.expiresAt) return { status: 'valid', label: 'Valid, never expires' };
  const days = Math.ceil((token.expiresAt.getTime() - now.getTime()) / 86_400_000);
  if (days <= 0) return { status: 'needs_reauth', label: 'Expired' };
  return days <= expiryWarningDays
    ? { status: 'pending', label: `Expiring in ${days} ${days === 1 ? 'day' : 'days'}` }
    : { status: 'valid', label: `Valid, ${days} days left` };
}

/** The customer's stored token as debug_token last described it; never the token itself (docs/meta/tokens.md). */
export function TokenPanel({ metaWabaId, token, canAct }: { metaWabaId: string; token: StoredToken | undefined; canAct: boolean }) {
  const state = token ? tokenState(token, new Date()) : null;
  return (
    <Panel title="Customer’s token" testId="waba-token" id="token" readAt={token?.checkedAt ?? null}>
      {!token || !state ? (
        <p className="text-sm text-slate-600">No token of the customer is stored: they connect again through a reauthorization link.</p>
      ) : (
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Fact label="State" testId="token-state">
            <StatusBadge status={state.status} label={state.label} />
          </Fact>
          <Fact label="Expires">{token.expiresAt ? <When at={token.expiresAt} /> : 'Never'}</Fact>
          <Fact label="Scopes" testId="token-scopes">
            {token.scopes.length ? token.scopes.join(', ') : null}
          </Fact>
          <Fact label="Accounts it grants" testId="token-wabas">
            {token.grantedWabaIds.length ? token.grantedWabaIds.join(', ') : null}
          </Fact>
          <Fact label="Stored">
            <When at={token.createdAt} />
          </Fact>
        </dl>
      )}
      {canAct ? (
        <Actions>
          <div className="text-sm">
            <p className="mb-2 text-slate-700">
              A single-use signup link for this customer: their signup replaces the stored token, on the same customer record.
            </p>
            <ReauthorizeForm wabaId={metaWabaId} />
          </div>
        </Actions>
      ) : null}
    </Panel>
  );
}
