import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { StatusBadge, When } from '@/components/staff/display';
import { Bar } from '@/components/ui/bar';
import { hasRole, requireRole } from '@/lib/auth';
import { programRefusal, programSettings } from '@/lib/programs';
import { maxDocumentBytes, maxDocuments } from '@/lib/verification/documents';
import { selfVerificationHelpUrl } from '@/lib/verification/submissions';
import { rejectionReasonText, submissionStatusText, verificationStatusText } from '@/lib/verification/words';
import { directSupport, verificationWorkspace } from '@/lib/verification/workspace';
import { CheckWithMetaForm, SubmitVerificationForm } from './verification-forms';

export const metadata: Metadata = { title: 'Business verification' };

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="rounded-xl border border-slate-200 bg-white p-5">
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

const submissionTones: Record<string, string> = {
  PENDING: 'bg-sky-50 text-sky-800',
  unconfirmed: 'bg-amber-50 text-amber-800',
  submitting: 'bg-sky-50 text-sky-800',
  FAILED: 'bg-red-50 text-red-800',
  REVOKED: 'bg-red-50 text-red-800',
  APPROVED: 'bg-brand-50 text-brand-700',
};

export default async function VerificationWorkspacePage({ params }: { params: Promise<{ businessId: string }> }) {
  const user = await requireRole('viewer');
  const { businessId } = await params;
  const refusal = programRefusal('verification', await programSettings());
  if (refusal) {
    return (
      <>
        <PageHeader title="Business verification" />
        <EmptyState title="Not available for your partner type">{refusal}</EmptyState>
      </>
    );
  }
  const workspace = await verificationWorkspace(businessId);
  if (!workspace) notFound();
  const { business, accounts, known, submissions, attempts } = workspace;
  const canAct = hasRole(user, 'operator');
  const canSubmit = canAct && !workspace.approved && !workspace.exhausted && !workspace.waiting;
  return (
    <>
      <PageHeader title={business.name ?? `Business ${business.metaBusinessId}`}>
        Partner-led business verification · <span className="font-mono">{business.metaBusinessId}</span> ·{' '}
        {accounts.map((a, i) => (
          <span key={a.id}>
            {i > 0 ? ', ' : ''}
            <Link className="underline" href={`/wabas/${a.metaWabaId}`}>
              {a.name ?? `WABA ${a.metaWabaId}`}
            </Link>
          </span>
        ))}
      </PageHeader>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Verification status" testId="verification-status">
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="text-xs uppercase tracking-wide text-slate-500">Meta says</dt>
              <dd data-testid="meta-status">
                <StatusBadge status={known?.metaStatus ?? null} label={verificationStatusText(known?.metaStatus)} />
                <span className="block text-xs text-slate-500">
                  {known?.metaReadAt ? (
                    <>
                      read with the customer’s business token <When at={known.metaReadAt} />
                    </>
                  ) : (
                    'not read yet: use Check with Meta'
                  )}
                </span>
                {known?.metaReadAt && known.webhookAt && known.webhookAt > known.metaReadAt ? (
                  <span className="block text-xs text-amber-800">Meta decided since then (below): Check with Meta reads the status as it is now.</span>
                ) : null}
              </dd>
            </div>
            <div>
              <dt className="text-xs uppercase tracking-wide text-slate-500">Latest decision by webhook</dt>
              <dd data-testid="webhook-status">
                {known?.webhookStatus ? (
                  <>
                    <StatusBadge status={known.webhookStatus} label={submissionStatusText(known.webhookStatus)} tone={submissionTones[known.webhookStatus]} />{' '}
                    <span className="text-xs text-slate-500">
                      <When at={known.webhookAt} />
                    </span>
                    {known.webhookReasons.length > 0 ? (
                      <ul className="mt-1 list-disc pl-5 text-red-800">
                        {known.webhookReasons.map((r) => (
                          <li key={r}>{rejectionReasonText(r)}</li>
                        ))}
                      </ul>
                    ) : null}
                  </>
                ) : (
                  <span className="text-slate-500">No decision received yet.</span>
                )}
              </dd>
            </div>
            {known?.neededAt ? (
              <div data-testid="verification-needed" className="rounded-md bg-amber-50 p-2 text-amber-900">
                Meta said on <When at={known.neededAt} /> that this customer must be verified before they can send messages (they signed up without a website).
              </div>
            ) : null}
          </dl>
          {canAct ? (
            <div className="mt-4">
              <CheckWithMetaForm businessId={business.metaBusinessId} />
            </div>
          ) : null}
        </Card>

        <Card title="Attempts" testId="verification-attempts">
          <p className="text-sm">
            <span data-testid="attempts-used" className="text-2xl font-semibold">
              {attempts.used}
            </span>{' '}
            of {attempts.max} used · {attempts.left} left
          </p>
          <div className="mt-2">
            <Bar
              value={attempts.used}
              max={attempts.max}
              tone={attempts.left === 0 ? 'red' : 'brand'}
              label={`${attempts.used} of ${attempts.max} attempts used`}
            />
          </div>
          <p className="mt-3 text-sm text-slate-600">
            Meta allows three partner-led submissions per customer. Each rejected one uses an attempt; a request Meta refuses outright does not.
          </p>
          {workspace.exhausted ? (
            <div role="alert" data-testid="fallback-self-verify" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-900">
              All 3 partner-led attempts for this business are used: the customer must now verify their business on their own. Send them Meta’s Help Center
              article{' '}
              <a className="underline" href={selfVerificationHelpUrl} rel="noreferrer" target="_blank">
                How to Verify Your Business on Meta
              </a>
              .
            </div>
          ) : null}
          {workspace.overdue ? (
            <div role="alert" data-testid="fallback-direct-support" className="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
              <p>Meta has not decided after more than a day. Ask Meta through Direct Support:</p>
              <ol className="mt-1 list-decimal pl-5">
                <li>
                  Open{' '}
                  <a className="underline" href={directSupport.url} rel="noreferrer" target="_blank">
                    Direct Support
                  </a>{' '}
                  and click Ask a Question.
                </li>
                {directSupport.steps.slice(1).map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ol>
            </div>
          ) : null}
        </Card>

        <Card title="Documents Meta accepts" testId="verification-documents-rules">
          <ul className="list-disc space-y-1 pl-5 text-sm">
            <li>
              1 to {maxDocuments} official documents per submission, of the kinds Meta lists in its Help Center article{' '}
              <a className="underline" href="https://www.facebook.com/business/help/159334372093366" rel="noreferrer" target="_blank">
                Upload official documents to verify your business
              </a>
              .
            </li>
            <li>PDF, JPEG/JPG or PNG files.</li>
            <li>At most {maxDocumentBytes / 1024 / 1024} MB per file.</li>
            <li>The legal name, address and website should match what the documents say: mismatches are the usual reasons for a rejection.</li>
          </ul>
          <p className="mt-2 text-xs text-slate-500">Meta: Partner-led Business Verification, Supported Documents.</p>
        </Card>
      </div>

      <section className="mt-8" data-testid="verification-submit">
        <h2 className="mb-3 text-lg font-medium">Submit for verification</h2>
        {workspace.approved ? (
          <EmptyState title="Verified">This business is verified: nothing more to submit.</EmptyState>
        ) : workspace.waiting ? (
          <EmptyState title="Waiting for Meta’s decision">
            Attempt {workspace.waiting.attempt} was sent <When at={workspace.waiting.submittedAt} />. Meta’s decision arrives by webhook, usually within
            minutes.
          </EmptyState>
        ) : workspace.exhausted ? (
          <EmptyState title="No attempts left">The customer must now verify their business on their own (see Attempts above).</EmptyState>
        ) : canSubmit ? (
          <div className="max-w-xl rounded-xl border border-slate-200 bg-white p-5">
            <SubmitVerificationForm businessId={business.metaBusinessId} attemptNumber={attempts.used + 1} businessName={business.name ?? ''} />
          </div>
        ) : (
          <p className="text-sm text-slate-600">Operators and admins can submit documents.</p>
        )}
      </section>

      <section className="mt-8" data-testid="verification-submissions">
        <h2 className="mb-3 text-lg font-medium">Submissions</h2>
        {submissions.length === 0 ? (
          <EmptyState title="No submissions yet">Submissions you make for this customer appear here with Meta’s decision.</EmptyState>
        ) : (
          <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">Attempt</th>
                <th className="px-3 py-2">Sent</th>
                <th className="px-3 py-2">Documents</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Meta’s reasons</th>
                <th className="px-3 py-2">Decided</th>
              </tr>
            </thead>
            <tbody>
              {[...submissions].reverse().map((s) => (
                <tr key={s.id} className="border-t border-slate-100 align-top" data-testid="verification-submission" data-status={s.status}>
                  <td className="px-3 py-2">{s.status === 'refused' ? '—' : s.attempt}</td>
                  <td className="px-3 py-2">
                    <When at={s.submittedAt} />
                  </td>
                  <td className="px-3 py-2">
                    {s.documents.length === 0 ? (
                      <span className="text-slate-400">Made outside Onramp</span>
                    ) : (
                      <ul>
                        {s.documents.map((d) => (
                          <li key={d.name}>
                            {d.name}{' '}
                            <span className="text-xs text-slate-500">
                              ({d.size < 1024 ? `${d.size} bytes` : `${(d.size / 1024).toFixed(0)} KB`}
                              {d.pages ? `, ${d.pages} page${d.pages === 1 ? '' : 's'}` : ''})
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={s.status} label={submissionStatusText(s.status)} tone={submissionTones[s.status]} />
                    {s.error ? <span className="block text-xs text-slate-500">{s.error}</span> : null}
                  </td>
                  <td className="px-3 py-2" data-testid="submission-reasons">
                    {s.rejectionReasons.length === 0 ? (
                      <span className="text-slate-400">—</span>
                    ) : (
                      <ul className="list-disc pl-4 text-red-800">
                        {s.rejectionReasons.map((r) => (
                          <li key={r}>{rejectionReasonText(r)}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    <When at={s.decidedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
