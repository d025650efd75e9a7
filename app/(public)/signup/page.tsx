import type { Metadata } from 'next';
import { SignupPage } from '@/components/signup/signup-page';
import { signupActions } from './signup-actions';
import { defaultLinkToken } from '@/lib/onboarding/links';

export const metadata: Metadata = { title: 'Connect WhatsApp' };

export default function DefaultSignup() {
  return <SignupPage token={defaultLinkToken} actions={signupActions} />;
}
