import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth';
import { countStaff } from '@/lib/staff';
import { AuthCard } from '../auth-card';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ setup?: string }> }) {
  const { setup } = await searchParams;
  if ((await countStaff()) === 0) redirect('/setup');
  if (await currentUser()) redirect('/dashboard');
  return (
    <AuthCard title="Sign in to Onramp" subtitle="Staff sign-in for your WhatsApp onboarding portal.">
      {setup === 'done' ? (
        <p role="status" className="mb-4 rounded-md bg-brand-50 p-3 text-sm text-brand-700">
          Admin account created. Sign in to continue.
        </p>
      ) : null}
      <SignInForm />
    </AuthCard>
  );
}
