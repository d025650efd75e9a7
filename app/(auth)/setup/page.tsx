import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { countStaff } from '@/lib/staff';
import { AuthCard } from '../auth-card';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up' };

export default async function SetupPage() {
  if ((await countStaff()) > 0) notFound();
  return (
    <AuthCard title="Welcome to Onramp" subtitle="Create the first admin account. This page disappears once it exists.">
      <SetupForm />
    </AuthCard>
  );
}
