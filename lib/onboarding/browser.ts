import { cookies } from 'next/headers';
import type { OnboardingSession } from '@/lib/db/schema';
import { publicUrl } from '@/lib/env';
import { sessionForBrowser, type OpenedSession } from '@/lib/onboarding/sessions';

// The browser side of an onboarding session: its key lives only in an HttpOnly cookie, one per
// session, so a customer's status page opens in the browser that started it and nowhere else.

const cookiePrefix = 'onramp_onboarding_';
const statusPageDays = 30;

export async function rememberBrowser(opened: OpenedSession): Promise<void> {
  (await cookies()).set(`${cookiePrefix}${opened.sessionId}`, opened.browserKey, {
    httpOnly: true,
    sameSite: 'lax',
    secure: publicUrl.startsWith('https:'),
    path: '/',
    maxAge: statusPageDays * 86_400,
  });
}

/** The session if this request's browser started it; undefined otherwise (unknown, foreign, or no cookie). */
export async function browserSession(sessionId: string): Promise<OnboardingSession | undefined> {
  const key = (await cookies()).get(`${cookiePrefix}${sessionId}`)?.value;
  return sessionForBrowser(sessionId, key);
}
