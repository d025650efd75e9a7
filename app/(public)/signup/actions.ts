'use server';

import { headers } from 'next/headers';
import { clientAddress } from '@/lib/auth';
import { browserSession, rememberBrowser } from '@/lib/onboarding/browser';
import { linkProblemMessages } from '@/lib/onboarding/link-messages';
import {
  completeOnboarding,
  openOnboardingSession,
  recordLaunch,
  recordSignupOutcome,
  type CompletionInput,
  type CompletionResult,
  type SignupOutcome,
} from '@/lib/onboarding/sessions';
import { slidingWindow } from '@/lib/rate-limit';

// The customer's actions. The caller is identified by the onboarding cookie: each action works only
// for the session this browser opened.

const notThisBrowser = 'This signup session belongs to another browser or has ended. Reload the page to start again.';
// A person opens a handful of sessions at most; this stops one address from filling the table.
const sessionsPerAddress = slidingWindow(60, 10 * 60_000);

export async function openSessionAction(linkToken: string): Promise<{ sessionId: string } | { error: string }> {
  if (!sessionsPerAddress.take(clientAddress(await headers()))) {
    return { error: 'Too many signups were started from your network in the last few minutes. Wait a little and reload the page.' };
  }
  const opened = await openOnboardingSession(String(linkToken));
  if ('problem' in opened) return { error: opened.problem === 'limit_reached' ? opened.message : linkProblemMessages[opened.problem].body };
  await rememberBrowser(opened);
  return { sessionId: opened.sessionId };
}

export async function launchAction(sessionId: string): Promise<void> {
  const session = await browserSession(String(sessionId));
  if (session) await recordLaunch(session);
}

export async function outcomeAction(sessionId: string, outcome: SignupOutcome): Promise<{ advice: string } | { error: string }> {
  const session = await browserSession(String(sessionId));
  if (!session) return { error: notThisBrowser };
  try {
    return { advice: await recordSignupOutcome(session, outcome) };
  } catch {
    return { error: 'The signup window reported something we could not read. Reload the page to start again.' };
  }
}

export async function completeAction(sessionId: string, input: CompletionInput): Promise<CompletionResult> {
  const session = await browserSession(String(sessionId));
  if (!session) return { ok: false, message: notThisBrowser };
  return completeOnboarding(session, input);
}
