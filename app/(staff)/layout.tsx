import Link from 'next/link';
import type { ReactNode } from 'react';
import { When } from '@/components/staff/display';
import { currentSession, hasRole, requireUser, signOut } from '@/lib/auth';
import type { StaffSession } from '@/lib/db/schema';
import { programSettings, programsFor, solutionRules, type Program, type SolutionRules } from '@/lib/programs';

const navigation = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/onboardings', label: 'Onboardings' },
  { href: '/links', label: 'Signup links' },
  { href: '/customers', label: 'Customers' },
  { href: '/wabas', label: 'WhatsApp accounts' },
  { href: '/bulk', label: 'Bulk runs' },
  { href: '/webhooks', label: 'Webhooks' },
  { href: '/audit', label: 'Audit log' },
];

// Meta's partner programs, each shown only to the partner types it applies to (lib/programs.ts).
const programLinks: Record<Program, { href: string; label: string }> = {
  verification: { href: '/verification', label: 'Business verification' },
  readiness: { href: '/readiness', label: 'Tech Partner readiness' },
  analytics: { href: '/analytics', label: 'Customer analytics' },
  msc: { href: '/shared-numbers', label: 'Shared numbers' },
};

function solutionLinks(rules: SolutionRules) {
  return [
    ...(rules.solutions ? [{ href: '/solutions', label: 'Solutions' }] : []),
    ...(rules.wabaRequests ? [{ href: '/waba-requests', label: 'WABA requests' }] : []),
  ];
}

export default async function StaffLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const session = (await currentSession())!.session;
  const settings = await programSettings();
  const programItems = [...solutionLinks(solutionRules(settings.partnerType)), ...programsFor(settings).map((program) => programLinks[program])];
  async function signOutAction() {
    'use server';
    await signOut({ redirectTo: '/sign-in' });
  }
  return (
    <div className="flex min-h-screen">
      <aside className="w-56 shrink-0 border-r border-slate-200 bg-white p-4">
        <p className="px-2 text-sm font-semibold tracking-wide text-brand-700">ONRAMP</p>
        <nav aria-label="Main" className="mt-6 space-y-1 text-sm">
          {navigation.map((item) => (
            <Link key={item.href} href={item.href} className="block rounded-md px-2 py-1.5 hover:bg-slate-100">
              {item.label}
            </Link>
          ))}
          {programItems.length > 0 ? (
            <div aria-label="Partner programs" role="group" className="mt-4 space-y-1 border-t border-slate-100 pt-4">
              {programItems.map((item) => (
                <Link key={item.href} href={item.href} className="block rounded-md px-2 py-1.5 hover:bg-slate-100">
                  {item.label}
                </Link>
              ))}
            </div>
          ) : null}
          {hasRole(user, 'admin') ? (
            <>
              <Link href="/staff" className="block rounded-md px-2 py-1.5 hover:bg-slate-100">
                Staff
              </Link>
              <Link href="/settings" className="block rounded-md px-2 py-1.5 hover:bg-slate-100">
                Settings
              </Link>
            </>
          ) : null}
        </nav>
      </aside>
      <div className="flex-1">
        <header className="flex items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-3 text-sm">
          <span data-testid="current-user">
            {user.name} · <span className="text-slate-500">{user.role}</span>
          </span>
          <Link href="/account" className="text-slate-600 underline hover:text-slate-900">
            Your account
          </Link>
          <form action={signOutAction}>
            <button type="submit" className="text-slate-600 underline hover:text-slate-900">
              Sign out
            </button>
          </form>
        </header>
        <FailedSignInNotice session={session} />
        <main className="p-6">{children}</main>
      </div>
    </div>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What this sign-in found of failed attempts on the account since the previous one. */
function FailedSignInNotice({ session }: { session: StaffSession }) {
  if (session.failedAttempts === 0) return null;
  return (
    <div role="alert" data-testid="failed-sign-ins" className="border-b border-amber-300 bg-amber-50 px-6 py-3 text-sm text-amber-900">
      {plural(session.failedAttempts, 'failed sign-in attempt', 'failed sign-in attempts')} on your account since <When at={session.failedSince} />, from{' '}
      {plural(session.failedAddresses, 'address', 'addresses')}. If that was not you,{' '}
      <Link href="/account" className="font-medium underline">
        change your password
      </Link>
      .
    </div>
  );
}
