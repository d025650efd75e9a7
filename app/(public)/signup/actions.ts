'use server';

import { headers } from 'next/headers';
import { clientAddress } from '@/lib/auth';
import { browserKey, browserSession } from '@/lib/onboarding/browser';
import { linkProblemMessages } from '@/lib/onboarding/link-messages';
import {
  completeOnboarding,
  launchOnboardingSession,
  openOnboardingSession,
  recordFinish,
  recordSignupOutcome,
  type CompletionInput,
  type CompletionResult,
  type SignupOutcome,
} from '@/lib/onboarding/sessions';
import type { FinishInfo } from '@/lib/onboarding/signup-messages';
import { slidingWindow } from '@/lib/rate-limit';

// The customer's actions. The caller is identified by the browser key cookie: each action works only
// for sessions this browser opened.

const notThisBrowser = 'This signup session belongs to another browser or has ended. Reload the page to start again.';
const tooMany = 'Too many signups were started from your network in the last few minutes. Wait a little and reload the page.';
// A person opens a handful of sessions at most; this stops one address from filling the table.
const sessionsPerAddress = slidingWindow(60, 10 * 60_000);

export async function openSessionAction(linkToken: string): Promise<{ sessionId: string } | { error: string }> {
  if (!sessionsPerAddress.take(clientAddress(await headers()))) return { error: tooMany };
  const opened = await openOnboardingSession(String(linkToken), await browserKey());
  if ('problem' in opened) return { error: linkProblemMessages[opened.problem].body };
  return { sessionId: opened.sessionId };
}

/** The customer clicked: the session the popup completes (a fresh one if the page stood open past its time). */
export async function launchAction(sessionId: string, linkToken: string): Promise<{ sessionId: string } | { error: string }> {
  const key = await browserKey();
  const launched = await launchOnboardingSession(String(sessionId), key, String(linkToken));
  if (!launched) return { error: notThisBrowser };
  if ('problem' in launched) return { error: linkProblemMessages[launched.problem].body };
  return launched;
}

export async function finishAction(sessionId: string, finish: FinishInfo): Promise<void> {
  const session = await browserSession(String(sessionId));
  if (!session) return;
  try {
    await recordFinish(session, finish);
  } catch {
    // A malformed claim is ignored: the completion checks everything with Meta anyway.
  }
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
