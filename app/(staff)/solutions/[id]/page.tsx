import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { Facts, StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { db } from '@/lib/db/client';
import { signupLinks } from '@/lib/db/schema';
import { linkProblem } from '@/lib/onboarding/links';
import { migratableWabas, migrationIntents } from '@/lib/solutions/migration';
import { solutionRules } from '@/lib/programs';
import { solutionStateHelp } from '@/lib/solutions/states';
import { solutionCustomers, solutionsVersion, storedSolution } from '@/lib/solutions/store';
import { partnerType } from '@/lib/settings';
import { eq } from 'drizzle-orm';
import { AddWabaForm } from '../solution-forms';
import { ActionsCell, messagingText, partnerOf, SolutionStateBadge } from '../solution-parts';
import { SolutionsWatcher } from '../solutions-watcher';

export const metadata: Metadata = { title: 'Solution' };

/** The solution page lists this many of its newest customers. */
const customerListLimit = 200;

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title} data-testid={testId}>
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

export default async function SolutionPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  if (!/^\d{1,30}$/.test(id)) notFound();
  const type = await partnerType();
  const programs = solutionRules(type);
  if (!programs.solutions) notFound();
  const row = await storedSolution(id);
  if (!row) notFound();
  const canAct = hasRole(user, 'operator');
  const [customers, links, candidates, intents, version] = await Promise.all([
    solutionCustomers(id, customerListLimit),
    db().select().from(signupLinks).where(eq(signupLinks.solutionId, id)),
    canAct && row.state === 'active' ? migratableWabas(id) : Promise.resolve([]),
    migrationIntents(id),
    solutionsVersion(),
  ]);
  const partner = partnerOf(row);
  return (
    <>
      <SolutionsWatcher version={version} />
      <PageHeader title={row.name ?? `Solution ${id}`}>
        <span className="font-mono">{id}</span> ·{' '}
        <Link href="/solutions" className="underline">
          All solutions
        </Link>
      </PageHeader>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Section title="State" testId="solution-facts">
          <Facts
            items={[
              ['State', <SolutionStateBadge key="s" state={row.state} />],
              ['What it means', solutionStateHelp[row.state]],
              ['We', row.role === 'owner' ? 'created it' : row.role === 'partner' ? 'were invited to it' : 'not read yet'],
              ['Partner app', partner.id ? `${partner.name ?? 'App'} (${partner.id})` : null],
              ['Holds MESSAGING', messagingText(row)],
              ['Last change', <When key="u" at={row.updatedAt} />],
              ['Read from Meta', <When key="r" at={row.syncedAt} empty="Only webhooks so far" />],
            ]}
          />
          <div className="mt-4">
            <ActionsCell row={row} canAct={canAct} mode={programs.solutionWrites} />
          </div>
        </Section>
        <Section title="Signup links" testId="solution-links">
          {links.length === 0 ? (
            <p className="text-sm text-slate-600">
              No signup link uses this solution.{' '}
              {row.state === 'active' ? (
                <Link href="/links" className="underline">
                  Create one
                </Link>
              ) : null}
            </p>
          ) : (
            <ul className="space-y-1 text-sm">
              {links.map((link) => (
                <li key={link.id}>
                  {link.label} · {linkProblem(link) ?? 'active'}
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>

      <div className="mt-6 space-y-6">
        <Section
          title={`Customers onboarded through it (${customers.length < customerListLimit ? customers.length : `latest ${customerListLimit}`})`}
          testId="solution-customer-list"
        >
          {customers.length === 0 ? (
            <p className="text-sm text-slate-600">No WhatsApp Business Account has come through this solution yet.</p>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-left text-slate-500">
                <tr>
                  <th className="px-3 py-2 font-normal">WhatsApp Business Account</th>
                  <th className="px-3 py-2 font-normal">Business</th>
                  <th className="px-3 py-2 font-normal">Status</th>
                  <th className="px-3 py-2 font-normal">Since</th>
                </tr>
              </thead>
              <tbody>
                {customers.map((c) => (
                  <tr key={c.id} className="border-t border-slate-100">
                    <td className="px-3 py-2">
                      <Link className="underline" href={`/wabas/${c.metaWabaId}`}>
                        {c.name ?? c.metaWabaId}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{c.businessName ?? c.metaBusinessId ?? '—'}</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={c.status} />
                    </td>
                    <td className="px-3 py-2">
                      <When at={c.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>

        <Section title="Add an existing WhatsApp Business Account" testId="add-waba">
          <p className="mb-3 text-sm text-slate-600">
            Meta moves an account into a solution in two parts: we record the intent with the customer’s business token, then the customer connects again
            through this solution’s signup, which creates a new account in it. Accounts created by partner-initiated creation, or shared with us outside a
            signup, have no business token: their customer runs the solution’s signup with their existing account instead.
          </p>
          {row.state !== 'active' ? (
            <p className="text-sm text-slate-700">Only an Active solution takes accounts.</p>
          ) : !canAct ? (
            <p className="text-sm text-slate-700">An operator can add accounts.</p>
          ) : candidates.length === 0 ? (
            <EmptyState title="No account to add">None of our connected accounts with a business token is outside this solution.</EmptyState>
          ) : (
            <AddWabaForm
              solutionId={id}
              wabas={candidates.map((w) => ({
                metaWabaId: w.metaWabaId,
                label: `${w.name ?? w.metaWabaId} · ${w.businessName ?? 'business'} (${w.metaWabaId})`,
              }))}
            />
          )}
          {intents.length > 0 ? (
            <ul className="mt-4 space-y-1 text-sm" data-testid="migration-intents">
              {intents.map((intent) => (
                <li key={intent.intentId}>
                  <When at={intent.at} />: account {intent.metaWabaId} marked for this solution (intent {intent.intentId})
                </li>
              ))}
            </ul>
          ) : null}
        </Section>
      </div>
    </>
  );
}
