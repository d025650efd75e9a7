import type { Metadata } from 'next';
import { PageHeader } from '@/components/empty-state';
import { requireUser } from '@/lib/auth';
import { ChangePasswordForm } from './password-form';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Your account">
        Signed in as {user.email} ({user.role}).
      </PageHeader>
      <section className="max-w-sm rounded-xl border border-slate-200 bg-white p-5">
        <h2 className="mb-4 font-medium">Change password</h2>
        <ChangePasswordForm />
      </section>
    </>
  );
}
