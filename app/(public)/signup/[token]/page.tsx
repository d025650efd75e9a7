import type { Metadata } from 'next';
import { SignupPage } from '@/components/signup/signup-page';
import { signupActions } from '../signup-actions';

export const metadata: Metadata = { title: 'Connect WhatsApp' };

export default async function LinkSignup({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <SignupPage token={token} actions={signupActions} />;
}
