import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/empty-state';
import { RunProgressBar } from '@/components/operations/step-list';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { bulkActionLabels } from '@/lib/bulk/operation';
import { bulkRunAccounts, bulkRunPlan } from '@/lib/bulk/runs';
import { adviceFor } from '@/lib/operations/failures';
import { runProgress } from '@/lib/operations/progress';
import { AutoRefresh, CancelBulkButton } from '../bulk-controls';

export const metadata: Metadata = { title: 'Bulk run' };

const stepText = { pending: 'Waiting', running: 'Running', retrying: 'Waiting to retry', done: 'Done', skipped: 'Not run', failed: 'Failed' } as const;
const outcomeTone = { ok: 'live', failed: 'failed', needs_reauth: 'action_needed', skipped: 'none' } as const;
const outcomeText = { ok: 'Done', failed: 'Refused by Meta', needs_reauth: 'Needs reauthorization', skipped: 'Skipped' } as const;

export default async function BulkRunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const plan = await bulkRunPlan(id);
  const progress = plan ? await runProgress(id) : undefined;
  if (!plan || !progress) notFound();
  const accounts = await bulkRunAccounts(id);
  const running = progress.status === 'running';
  return (
    <>
      {running ? <AutoRefresh /> : null}
      <PageHeader title={`Bulk run: ${bulkActionLabels[plan.action]}`}>
        {accounts.length} {accounts.length === 1 ? 'account' : 'accounts'}, started <When at={progress.createdAt} />.{' '}
        <Link href="/bulk" className="underline">
          All bulk runs
        </Link>
      </PageHeader>
      <section className="mb-6 space-y-3 rounded-xl border border-slate-200 bg-white p-4">
        <RunProgressBar progress={progress} />
        {progress.statusMessage ? (
          <p className="text-sm" data-testid="run-message">
            {progress.statusMessage}
          </p>
        ) : null}
        {running && hasRole(user, 'operator') ? <CancelBulkButton runId={id} /> : null}
      </section>
      <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="bulk-accounts">
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th className="px-4 py-2">Account</th>
            <th className="px-4 py-2">Status</th>
            <th className="px-4 py-2">Attempts</th>
            <th className="px-4 py-2">Result</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr
              key={account.metaWabaId}
              className="border-t border-slate-100 align-top"
              data-testid={`bulk-account-${account.metaWabaId}`}
              data-status={account.status}
              data-outcome={account.result?.outcome ?? ''}
            >
              <td className="px-4 py-2">
                <Link href={`/wabas/${account.metaWabaId}`} className="underline">
                  {account.wabaName ?? account.metaWabaId}
                </Link>
                <span className="block font-mono text-xs text-slate-500">{account.metaWabaId}</span>
              </td>
              <td className="px-4 py-2">
                {account.result ? (
                  <StatusBadge status={outcomeTone[account.result.outcome]} label={outcomeText[account.result.outcome]} />
                ) : (
                  stepText[account.status]
                )}
              </td>
              <td className="px-4 py-2">{account.attempts}</td>
              <td className="max-w-xl px-4 py-2">
                {account.result ? (
                  <>
                    {account.result.summary}
                    {account.result.code ? (
                      <span className="block font-mono text-xs text-slate-500">
                        code {account.result.code}
                        {account.result.fbtraceId ? ` · fbtrace_id ${account.result.fbtraceId}` : ''}
                      </span>
                    ) : null}
                  </>
                ) : account.lastErrorMessage ? (
                  <>
                    {account.lastErrorCode ? <span className="font-mono text-xs">#{account.lastErrorCode} </span> : null}
                    {account.lastErrorMessage}
                    {adviceFor(account.lastErrorCode) ? <span className="block text-xs text-slate-600">{adviceFor(account.lastErrorCode)}</span> : null}
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
