import { AttentionList } from '@/components/attention/attention-list';
import { When } from '@/components/staff/display';
import type { resolvedAttention } from '@/lib/accounts/state';
import type { openAttention } from '@/lib/wabas';
import { ResubscribeForm } from '../account-forms';
import { Panel } from './panel';

type Open = Awaited<ReturnType<typeof openAttention>>;
type Resolved = Awaited<ReturnType<typeof resolvedAttention>>;

/** Open items with the action that resolves each, and the resolved ones with who resolved them and why. */
export function AttentionPanel({ metaWabaId, open, resolved, canAct }: { metaWabaId: string; open: Open; resolved: Resolved; canAct: boolean }) {
  return (
    <Panel title="Needs attention" testId="waba-attention" id="attention">
      <AttentionList
        items={open}
        canResolve={canAct}
        showWaba={false}
        fix={(item) => (item.kind === 'webhook_drift' ? <ResubscribeForm wabaId={metaWabaId} button="Fix" /> : null)}
      />
      <details className="mt-3 text-sm" data-testid="attention-history">
        <summary className="cursor-pointer text-slate-600">Resolved items ({resolved.length})</summary>
        {resolved.length === 0 ? (
          <p className="mt-2 text-slate-600">Nothing has been resolved on this account yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100">
            {resolved.map((item) => (
              <li key={item.id} className="py-2" data-testid="resolved-item" data-kind={item.kind}>
                <p>
                  <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{item.kind}</span>
                  {item.message}
                </p>
                <p className="text-xs text-slate-600">
                  Resolved <When at={item.resolvedAt} /> by {item.resolvedBy ?? 'the system'}
                  {item.resolution ? `: ${item.resolution}` : ''}
                </p>
              </li>
            ))}
          </ul>
        )}
      </details>
    </Panel>
  );
}
