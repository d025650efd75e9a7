import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, operationSteps, signupLinks, phoneNumbers, wabas, type OnboardingSession, type OperationStep } from '@/lib/db/schema';
import { defaultLinkToken } from '@/lib/onboarding/links';
import { planSteps } from '@/lib/onboarding/pipeline';

// What the customer's status page shows: plain-language state, each step, and what is still needed.

export type CustomerStep = { name: string; label: string; status: string; note: string | null };

export type CustomerStatus = {
  id: string;
  status: OnboardingSession['status'];
  /** Nothing will change without someone acting: stop polling fast. */
  settled: boolean;
  headline: string;
  message: string | null;
  steps: CustomerStep[];
  waba: { id: string; name: string | null } | null;
  phone: { number: string | null; name: string | null; nameStatus: string | null } | null;
  updatedAt: string;
  /** Where this customer can start over (their signup link), when the onboarding cannot go on by itself. */
  restartPath: string | null;
};

const headlines: Record<OnboardingSession['status'], string> = {
  started: 'Waiting for you to finish the signup window',
  cancelled: 'Signup not finished',
  errored: 'Signup not finished',
  exchanging: 'Confirming your signup with Meta…',
  running: 'Setting up your WhatsApp account…',
  action_needed: 'Almost there: one thing left',
  live: 'You’re live',
  failed: 'Setup stopped',
  rejected: 'We could not accept this signup',
  expired: 'This signup session expired',
};

// A failed onboarding is not settled: staff may resume it, and the customer's page should show that.
const settledStatuses: ReadonlySet<OnboardingSession['status']> = new Set(['cancelled', 'errored', 'live', 'rejected', 'expired']);

// A new signup is the way forward after these; a failed step is resumed by staff instead, unless the
// signup never got a usable token (failed completion, or Meta revoked it).
const restartable: ReadonlySet<OnboardingSession['status']> = new Set(['cancelled', 'errored', 'rejected', 'expired']);

async function needsNewSignup(session: OnboardingSession): Promise<boolean> {
  if (restartable.has(session.status)) return true;
  if (session.status !== 'failed') return false;
  if (!session.tokenId) return true;
  const [token] = await db().select({ status: businessTokens.status }).from(businessTokens).where(eq(businessTokens.id, session.tokenId));
  return token?.status !== 'valid';
}

function signupPath(token: string | undefined): string {
  return !token || token === defaultLinkToken ? '/signup' : `/signup/${token}`;
}

function stepNote(step: OperationStep | undefined): string | null {
  if (step?.status === 'retrying') return 'Meta was busy; trying again shortly.';
  if (step?.status === 'failed') return step.lastErrorMessage;
  return null;
}

export async function customerStatus(session: OnboardingSession): Promise<CustomerStatus> {
  const recorded = await db().select().from(operationSteps).where(eq(operationSteps.runId, session.id));
  const byName = new Map(recorded.map((step) => [step.name, step]));
  // Steps exist only once the code is exchanged; until then there is nothing to list.
  const steps = recorded.length === 0 ? [] : planSteps(session.flow, session.partnerType);
  const [waba] = session.wabaId ? await db().select().from(wabas).where(eq(wabas.id, session.wabaId)) : [];
  const [link] = session.linkId ? await db().select({ token: signupLinks.token }).from(signupLinks).where(eq(signupLinks.id, session.linkId)) : [];
  const [phone] = session.phoneNumberId ? await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, session.phoneNumberId)) : [];
  return {
    id: session.id,
    status: session.status,
    settled: settledStatuses.has(session.status),
    headline: headlines[session.status],
    message: session.statusMessage,
    steps: steps.map((step) => {
      const row = byName.get(step.name);
      return { name: step.name, label: step.label, status: row?.status ?? 'pending', note: stepNote(row) };
    }),
    waba: waba ? { id: waba.metaWabaId, name: waba.name } : null,
    phone: phone ? { number: phone.displayPhoneNumber, name: phone.verifiedName, nameStatus: phone.nameStatus } : null,
    updatedAt: session.updatedAt.toISOString(),
    restartPath: (await needsNewSignup(session)) ? signupPath(link?.token) : null,
  };
}
