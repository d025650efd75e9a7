import { RunProgressBar, StepList } from '@/components/operations/step-list';
import { When } from '@/components/staff/display';
import { offboardUndo } from '@/lib/accounts/offboard';
import type { RunProgress } from '@/lib/operations/progress';
import { Panel } from './panel';

/** The account's operations (refresh, offboarding), newest first, each with its steps. */
export function OperationsPanel({ runs }: { runs: RunProgress[] }) {
  return (
    <Panel title="Operations" testId="waba-operations" id="operations">
      {runs.length === 0 ? (
        <p className="text-sm text-slate-600">No operation has run on this account yet.</p>
      ) : (
        <ul className="space-y-5">
          {runs.map((run, i) => (
            <li key={run.id} data-testid="account-run" data-operation={run.operation} data-status={run.status}>
              <details open={i === 0}>
                <summary className="cursor-pointer text-sm">
                  <span className="font-medium">{run.title}</span> · started <When at={run.createdAt} />
                  {run.statusMessage ? <span className="block text-slate-700">{run.statusMessage}</span> : null}
                </summary>
                <div className="mt-2 space-y-2">
                  <RunProgressBar progress={run} />
                  <StepList progress={run} />
                  {run.operation === 'offboard_account' ? (
                    <ul className="text-xs text-slate-600" data-testid="offboard-undo">
                      {run.steps
                        .filter((s) => s.status === 'done')
                        .map((s) => (
                          <li key={s.name}>
                            {s.label.staff}: {offboardUndo[s.name]}
                          </li>
                        ))}
                    </ul>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
