'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { clientAddress } from '@/lib/auth';
import { browserKey, browserSession } from '@/lib/onboarding/browser';
import { linkProblemMessages } from '@/lib/onboarding/link-messages';
import {
  completeOnboarding,
  completionSchema,
  launchOnboardingSession,
  openOnboardingSession,
  outcomeSchema,
  recordFinish,
  recordSignupOutcome,
  type CompletionInput,
  type CompletionResult,
  type SignupOutcome,
} from '@/lib/onboarding/sessions';
import { finishInfoSchema, type FinishInfo } from '@/lib/onboarding/signup-messages';
import { slidingWindow } from '@/lib/rate-limit';

// The customer's actions. The caller is identified by the browser key cookie: each action works only
// for sessions this browser opened.

const notThisBrowser = 'This signup session belongs to another browser or has ended. Reload the page to start again.';
const tooMany = 'Too many signups were started from your network in the last few minutes. Wait a little and reload the page.';
// Everything the browser sends is checked here first: these actions are public.
const sessionIdSchema = z.uuid();
const linkTokenSchema = z.string().regex(/^[\w-]{1,64}$/);
const unreadable = 'The signup page sent something we could not read. Reload the page to start again.';

// A person opens a handful of sessions at most; this stops one address from filling the table.
const sessionsPerAddress = slidingWindow(60, 10 * 60_000);

export async function openSessionAction(linkToken: string): Promise<{ sessionId: string } | { error: string }> {
  const token = linkTokenSchema.safeParse(linkToken);
  if (!token.success) return { error: linkProblemMessages.unknown.body };
  if (!sessionsPerAddress.take(clientAddress(await headers()))) return { error: tooMany };
  const opened = await openOnboardingSession(token.data, await browserKey());
  if ('problem' in opened) return { error: opened.problem === 'limit_reached' ? opened.message : linkProblemMessages[opened.problem].body };
  return { sessionId: opened.sessionId };
}

/** The customer clicked: the session the popup completes (a fresh one if the page stood open past its time). */
export async function launchAction(sessionId: string, linkToken: string): Promise<{ sessionId: string } | { error: string }> {
  const id = sessionIdSchema.safeParse(sessionId);
  const token = linkTokenSchema.safeParse(linkToken);
  if (!id.success || !token.success) return { error: unreadable };
  const key = await browserKey();
  const launched = await launchOnboardingSession(id.data, key, token.data);
  if (!launched) return { error: notThisBrowser };
  if ('problem' in launched) return { error: launched.problem === 'limit_reached' ? launched.message : linkProblemMessages[launched.problem].body };
  return launched;
}

export async function finishAction(sessionId: string, finish: FinishInfo): Promise<void> {
  const id = sessionIdSchema.safeParse(sessionId);
  // A malformed claim is ignored: the completion checks everything with Meta anyway.
  const claim = finishInfoSchema.safeParse(finish);
  if (!id.success || !claim.success) return;
  const session = await browserSession(id.data);
  if (session) await recordFinish(session, claim.data);
}

export async function outcomeAction(sessionId: string, outcome: SignupOutcome): Promise<{ advice: string } | { error: string }> {
  const id = sessionIdSchema.safeParse(sessionId);
  const reported = outcomeSchema.safeParse(outcome);
  if (!id.success || !reported.success) return { error: 'The signup window reported something we could not read. Reload the page to start again.' };
  const session = await browserSession(id.data);
  if (!session) return { error: notThisBrowser };
  return { advice: await recordSignupOutcome(session, reported.data) };
}

export async function completeAction(sessionId: string, input: CompletionInput): Promise<CompletionResult> {
  const id = sessionIdSchema.safeParse(sessionId);
  const completion = completionSchema.safeParse(input);
  if (!id.success || !completion.success) return { ok: false, message: 'The signup result was incomplete. Please start the signup again.' };
  const session = await browserSession(id.data);
  if (!session) return { ok: false, message: notThisBrowser };
  return completeOnboarding(session, completion.data);
}
