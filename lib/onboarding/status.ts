import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, operationSteps, signupLinks, phoneNumbers, wabas, type OnboardingSession, type OperationStep } from '@/lib/db/schema';
import { defaultLinkToken } from '@/lib/onboarding/links';
import { whatsAppManagerUrl } from '@/lib/onboarding/outcome';
import { planSteps, stepLabel } from '@/lib/onboarding/pipeline';
import { asPartnerType, isReadOnly } from '@/lib/onboarding/steps/context';
import { readSetting } from '@/lib/settings';

// What the customer's status page shows: plain-language state, each step, what is still needed,
// who acts next, and how to reach the partner.

export type CustomerStep = { name: string; label: string; status: string; statusText: string; note: string | null };

export type CustomerStatus = {
  id: string;
  status: OnboardingSession['status'];
  /** Nothing will change without someone acting: stop polling fast. */
  settled: boolean;
  headline: string;
  message: string | null;
  /** What happens next and who does it, when the message alone does not say. */
  next: string | null;
  steps: CustomerStep[];
  waba: { id: string; name: string | null } | null;
  phone: { number: string | null; name: string | null; nameStatus: string | null } | null;
  updatedAt: string;
  /** Where this customer can start over (their signup link), when the onboarding cannot go on by itself. */
  restartPath: string | null;
  /** How to reach the partner's support, as staff set it; null when not set. */
  contact: string | null;
};

const headlines: Record<OnboardingSession['status'], string> = {
  started: 'Waiting for you to finish the signup window',
  cancelled: 'Signup not finished',
  errored: 'Signup not finished',
  exchanging: 'Confirming your signup with Meta…',
  running: 'Setting up your WhatsApp account…',
  action_needed: 'Almost there: something to do on your side',
  waiting_on_partner: 'Almost there: nothing for you to do',
  connected: 'Your account is connected',
  live: 'You’re live',
  failed: 'Setup stopped',
  rejected: 'We could not accept this signup',
  expired: 'This signup session expired',
};

// A failed onboarding is not settled: staff may resume it, and the customer's page should show that.
const settledStatuses: ReadonlySet<OnboardingSession['status']> = new Set(['cancelled', 'errored', 'live', 'connected', 'rejected', 'expired']);

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

const stepTexts: Record<string, string> = {
  done: 'Done',
  skipped: 'Not needed',
  failed: 'Stopped',
  running: 'In progress',
  retrying: 'Retrying',
  pending: 'Waiting',
};

function customerStep(name: string, label: string, row: OperationStep | undefined): CustomerStep {
  const status = row?.status ?? 'pending';
  const base = { name, label, status, statusText: stepTexts[status] ?? status };
  const result = (row?.result ?? {}) as { reason?: string; partner?: string | null };
  if (status === 'skipped' && result.reason === 'messaging_partner_registers') {
    return { ...base, statusText: 'Left to your partner', note: `${result.partner ?? 'Your messaging partner'} registers this number.` };
  }
  if (status === 'skipped' && result.reason === 'coexistence_number') {
    return { ...base, note: 'Your WhatsApp Business app number is registered already.' };
  }
  if (status === 'retrying') return { ...base, note: 'Meta was busy; trying again shortly.' };
  // A failed step is explained once, in the page's message: staff's wording stays on staff pages.
  return { ...base, note: null };
}

function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// Meta's register/deregister budget: 10 calls per number in 72 hours (Meta: Registering phone numbers).
const registerBudgetMs = 72 * 3600_000;

/** The reason a setup stopped, in the customer's words: "Resume" is a button only staff have. */
function customerFailure(session: OnboardingSession, failed: OperationStep | undefined, restart: boolean): { message: string | null; next: string | null } {
  const resumeByUs = 'Our team sees stopped setups on its dashboard and will resume yours from where it stopped. You do not need to sign up again.';
  if (failed?.lastErrorCode === '133016') {
    const until = new Date((failed.finishedAt ?? session.updatedAt).getTime() + registerBudgetMs);
    return {
      message: `Meta allows a number to be registered only 10 times in 72 hours, and this number reached that limit. It can be registered again after ${utcMinute(until)}.`,
      next: 'Our team will resume your setup after that. You do not need to do anything or sign up again.',
    };
  }
  if (failed?.lastErrorCode === '133005') {
    return {
      message: 'Two-step verification is already on for this number with a different PIN.',
      next: `Turn it off in WhatsApp Manager (${whatsAppManagerUrl}) in the number’s settings, then tell us, and our team will resume your setup.`,
    };
  }
  const sentences = (session.statusMessage ?? '').split(/(?<=\.)\s+/).filter((s) => s && !/\bResume\b|can resume your onboarding/.test(s));
  const message = sentences.join(' ') || (failed ? `We could not ${stepLabel(failed.name).toLowerCase()}.` : null);
  return { message, next: restart ? null : resumeByUs };
}

export async function customerStatus(session: OnboardingSession): Promise<CustomerStatus> {
  const [recorded, partnerName, contact] = await Promise.all([
    db().select().from(operationSteps).where(eq(operationSteps.runId, session.id)),
    readSetting('partner.name'),
    readSetting('partner.supportContact'),
  ]);
  const byName = new Map(recorded.map((step) => [step.name, step]));
  // Steps exist only once the code is exchanged; until then there is nothing to list.
  const steps = recorded.length === 0 ? [] : planSteps(session.flow, session.partnerType);
  const [waba] = session.wabaId ? await db().select().from(wabas).where(eq(wabas.id, session.wabaId)) : [];
  const [link] = session.linkId ? await db().select({ token: signupLinks.token }).from(signupLinks).where(eq(signupLinks.id, session.linkId)) : [];
  const [phone] = session.phoneNumberId ? await db().select().from(phoneNumbers).where(eq(phoneNumbers.id, session.phoneNumberId)) : [];
  const restart = await needsNewSignup(session);
  let headline = headlines[session.status];
  let message = session.statusMessage;
  let next: string | null = null;
  if (session.status === 'connected' && isReadOnly({ flow: session.flow, partnerType: asPartnerType(session.partnerType) })) {
    headline = partnerName ? `Read-only access granted to ${partnerName}` : 'Read-only access granted';
  }
  if (session.status === 'failed') {
    ({ message, next } = customerFailure(
      session,
      recorded.find((step) => step.status === 'failed'),
      restart,
    ));
  }
  return {
    id: session.id,
    status: session.status,
    settled: settledStatuses.has(session.status),
    headline,
    message,
    next,
    steps: steps.map((step) => customerStep(step.name, step.label, byName.get(step.name))),
    waba: waba ? { id: waba.metaWabaId, name: waba.name } : null,
    phone: phone ? { number: phone.displayPhoneNumber, name: phone.verifiedName, nameStatus: phone.nameStatus } : null,
    updatedAt: session.updatedAt.toISOString(),
    restartPath: restart ? signupPath(link?.token) : null,
    contact: contact || null,
  };
}
