import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/empty-state';
import { When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { signupFlows } from '@/lib/db/schema';
import { publicUrl } from '@/lib/env';
import { businessCategories, defaultLinkToken, flowLabels, linkProblem, listSignupLinks, type LinkProblem } from '@/lib/onboarding/links';
import { solutionStateLabels } from '@/lib/solutions/states';
import { listStoredSolutions, type SolutionRow } from '@/lib/solutions/store';
import { CopyButton } from '@/components/ui/copy-button';
import { CreateLinkForm, DisableLinkButton } from './link-forms';

export const metadata: Metadata = { title: 'Signup links' };

const statusText: Record<LinkProblem | 'active', string> = {
  active: 'Active',
  expired: 'Expired',
  used: 'Used',
  disabled: 'Disabled',
  unknown: 'Unknown',
};

/** A link's solution, flagged when it no longer onboards customers. */
function SolutionOfLink({ solutionId, solution }: { solutionId: string; solution: SolutionRow | undefined }) {
  const name = solution?.name ? `${solution.name} (${solutionId})` : `Solution ${solutionId}`;
  const state = solution?.state ?? 'unknown';
  const flag =
    state === 'active'
      ? null
      : state === 'pending_deactivation'
        ? 'Deactivation requested: customers can sign up until the partner accepts it.'
        : state === 'unknown'
          ? 'Not read from Meta yet: check it on the Solutions page.'
          : `The solution is ${solutionStateLabels[state]}: customers who open this link see an error from Meta.`;
  return (
    <span className="block text-xs text-slate-600">
      <Link className="underline" href={`/solutions/${solutionId}`}>
        {name}
      </Link>
      {flag ? (
        <span data-testid="solution-flag" data-state={state} className="mt-0.5 block rounded bg-amber-50 px-1.5 py-0.5 font-medium text-amber-900">
          {flag}
        </span>
      ) : null}
    </span>
  );
}

function signupUrl(token: string): string {
  return token === defaultLinkToken ? `${publicUrl}/signup` : `${publicUrl}/signup/${token}`;
}

export default async function SignupLinksPage() {
  const user = await requireRole('viewer');
  const canAct = hasRole(user, 'operator');
  const [links, solutions] = await Promise.all([listSignupLinks(), listStoredSolutions()]);
  const solutionsById = new Map(solutions.map((s) => [s.metaSolutionId, s]));
  const now = new Date();
  return (
    <>
      <PageHeader title="Signup links">Addresses you send to customers: each opens Embedded Signup with its own flow and pre-filled data.</PageHeader>
      <div className={canAct ? 'grid items-start gap-8 xl:grid-cols-[1fr_22rem]' : ''}>
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm" data-testid="signup-links">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-4 py-2">Link</th>
              <th className="px-4 py-2">Works</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Opened → launched → completed</th>
              <th className="px-4 py-2">Last opened</th>
              {canAct ? (
                <th className="px-4 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {links.map((link) => {
              const url = signupUrl(link.token);
              const status = linkProblem(link, now) ?? 'active';
              return (
                <tr key={link.id} className="border-t border-slate-100 align-top" data-testid="signup-link" data-label={link.label} data-status={status}>
                  <td className="px-4 py-2">
                    <span className="font-medium">{link.label}</span>
                    <span className="block text-xs text-slate-600">{flowLabels[link.flow]}</span>
                    {link.solutionId ? <SolutionOfLink solutionId={link.solutionId} solution={solutionsById.get(link.solutionId)} /> : null}
                    {link.prefill ? <span className="block text-xs text-slate-600">Pre-filled for the customer</span> : null}
                    <span className="mt-1 flex items-center gap-2">
                      <code className="break-all text-xs" data-testid="signup-url">
                        {url}
                      </code>
                      <CopyButton text={url} label={link.label} />
                    </span>
                  </td>
                  <td className="px-4 py-2">
                    {link.singleUse ? 'Once' : 'Reusable'}
                    <span className="block text-xs text-slate-600">
                      {link.expiresAt ? (
                        <>
                          until <When at={link.expiresAt} />
                        </>
                      ) : (
                        'Never expires'
                      )}
                    </span>
                  </td>
                  <td className="px-4 py-2" data-testid="link-status">
                    {statusText[status]}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">
                    {link.opened} → {link.launched} → {link.completed}
                  </td>
                  <td className="px-4 py-2">
                    <When at={link.lastUsedAt} empty="Never" />
                  </td>
                  {canAct ? <td className="px-4 py-2">{status === 'disabled' ? null : <DisableLinkButton id={link.id} label={link.label} />}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {canAct ? (
          <section className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 className="mb-4 font-medium">Create a signup link</h2>
            <CreateLinkForm
              flows={signupFlows.map((value) => ({ value, label: flowLabels[value] }))}
              categories={Object.entries(businessCategories).map(([value, label]) => ({ value, label }))}
              solutions={solutions.filter((s) => s.state === 'active').map((s) => ({ id: s.metaSolutionId, label: s.name ?? `Solution ${s.metaSolutionId}` }))}
            />
          </section>
        ) : null}
      </div>
    </>
  );
}
