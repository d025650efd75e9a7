import type { Waba, WabaMetaState } from '@/lib/db/schema';
import { RevokeCreditForm, ShareCreditForm, VerifyCreditForm } from '../account-forms';
import { Actions, Fact, Panel } from './panel';

/** Our credit line's allocation against the account's funding id (docs/meta/credit-lines.md#verify-sharing). */
export function CreditPanel({
  waba,
  state,
  currencies,
  method,
  others,
  canAct,
}: {
  waba: Waba;
  state: WabaMetaState | undefined;
  currencies: readonly string[];
  method: string;
  others: Array<{ metaWabaId: string; name: string | null }>;
  canAct: boolean;
}) {
  const allocation = state?.allocation ?? null;
  const verdict = !waba.allocationConfigId
    ? waba.primaryFundingId
      ? 'Funded by another payment method or partner: our line is not shared with this account.'
      : 'Not shared: the account has no payment method.'
    : !allocation
      ? 'Shared; not verified since: verify it.'
      : allocation.shared
        ? 'Shared and verified: the allocation’s credential is the account’s funding id.'
        : 'Shared but NOT the account’s funding: verify again or contact Meta.';
  return (
    <Panel title="Credit line" testId="waba-credit" id="credit-line" readAt={state?.allocationReadAt ?? null}>
      <p className="text-sm" data-testid="credit-verdict">
        {verdict}
      </p>
      <dl className="mt-3 grid gap-4 sm:grid-cols-3">
        <Fact label="Allocation" testId="credit-allocation">
          {waba.allocationConfigId}
        </Fact>
        <Fact label="Allocation’s credential">{allocation?.receivingCredentialId}</Fact>
        <Fact label="Account’s primary_funding_id" testId="credit-funding">
          {waba.primaryFundingId}
        </Fact>
      </dl>
      <p className="mt-2 text-xs text-slate-600">
        Sharing method: {method === 'two_calls' ? 'share, then attach (two calls)' : 'share and attach in one call'} (Settings).
      </p>
      {canAct ? (
        <Actions>
          {!waba.allocationConfigId && !waba.primaryFundingId ? (
            <ShareCreditForm wabaId={waba.metaWabaId} currencies={currencies} defaultCurrency={waba.currency ?? 'USD'} />
          ) : null}
          {waba.allocationConfigId ? <VerifyCreditForm wabaId={waba.metaWabaId} /> : null}
          {waba.allocationConfigId ? <RevokeCreditForm wabaId={waba.metaWabaId} others={others} /> : null}
        </Actions>
      ) : null}
    </Panel>
  );
}
