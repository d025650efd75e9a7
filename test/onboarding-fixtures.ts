import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import {
  businesses,
  businessTokens,
  onboardingSessions,
  operationSteps,
  phoneNumbers,
  wabas,
  type OnboardingSession,
  type OperationStep,
  type SignupFlow,
} from '@/lib/db/schema';
import type { MetaSandbox } from '@/test/meta-sandbox';
import { createSignupLink } from '@/lib/onboarding/links';
import { openOnboardingSession, sessionForBrowser, verifyAndStore } from '@/lib/onboarding/sessions';
import type { FinishInfo } from '@/lib/onboarding/signup-messages';
import type { PartnerType } from '@/lib/onboarding/steps/context';
import { Auditor } from '@/lib/audit';
import { writeSettings } from '@/lib/settings';
import { readSecret } from '@/lib/vault';

// Test and benchmark fixture (never imported by app code): a signup through the sandbox, completed
// by the completion request's own code, ready for the pipeline.

/** Sandbox ids from its scenarios (sandbox/README.md). */
export const sandboxCustomers = {
  activeSolutionId: '7000000000000001',
  bakeryBusinessId: '2100000000000004',
  dana: '8000000000000004',
  bea: '8000000000000002',
  brewBusinessId: '2100000000000002',
  brewWabaId: '2200000000000002',
  measurementConfigId: '5000000000000002',
};

let bizAppCounter = 0;

/** The sandbox's signup choices for a flow; coexistence gets a fresh WhatsApp Business app number each time. */
export function signupChoices(meta: MetaSandbox, flow: SignupFlow): Record<string, unknown> {
  const c = sandboxCustomers;
  switch (flow) {
    case 'default':
      return {};
    case 'waba_only':
      return { extras: { featureType: 'only_waba_sharing', sessionInfoVersion: '3' } };
    case 'mps':
      return { extras: { setup: { solutionID: c.activeSolutionId }, featureType: '', sessionInfoVersion: '3' } };
    case 'measurement':
      return { configId: c.measurementConfigId, person: { personId: c.bea }, business: { businessId: c.brewBusinessId }, waba: { wabaId: c.brewWabaId } };
    case 'coexistence': {
      // Only the bakery has WhatsApp Business app numbers, and each connects once: add one.
      const bakery = meta.sandbox.state.businesses[c.bakeryBusinessId];
      if (!bakery) throw new Error('The sandbox scenario has no coexistence customer');
      bizAppCounter += 1;
      const number = `55501${String(process.pid % 100).padStart(2, '0')}${String(bizAppCounter).padStart(3, '0')}`;
      bakery.bizApps.push({ cc: '1', number, displayName: 'Corner Bakery', contacts: [], messages: [] });
      return {
        extras: { featureType: 'whatsapp_business_app_onboarding', sessionInfoVersion: '3' },
        person: { personId: c.dana },
        business: { businessId: c.bakeryBusinessId },
        waba: { name: `Corner Bakery ${bizAppCounter}` },
        phone: { bizApp: bakery.bizApps.length - 1 },
      };
    }
  }
}

export type Onboarding = { sessionId: string; metaWabaId: string; metaPhoneNumberId: string | null; metaBusinessId: string; tokenValue: string };

const finishEvents: Record<SignupFlow, FinishInfo['event']> = {
  default: 'FINISH',
  mps: 'FINISH',
  waba_only: 'FINISH_ONLY_WABA',
  coexistence: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
  measurement: 'FINISH_GRANT_ONLY_API_ACCESS',
};

/** A session opened on a fresh signup link for the flow, with this partner type (what the signup page does). */
export async function openTestSession(options: { flow: SignupFlow; partnerType: PartnerType; solutionId?: string | null }): Promise<OnboardingSession> {
  await writeSettings({ 'partner.type': options.partnerType }, new Auditor(null, 'settings.update'));
  const link = await createSignupLink(
    { label: `${options.flow} test link`, flow: options.flow, solutionId: options.solutionId ?? undefined, singleUse: false, prefill: {} },
    null,
  );
  const opened = await openOnboardingSession(link.token);
  if ('problem' in opened) throw new Error(`The test link cannot be used: ${opened.problem}`);
  return (await sessionForBrowser(opened.sessionId, opened.browserKey))!;
}

/** What the browser forwards for a flow's finish event (docs/meta/embedded-signup.md). */
export function finishFor(flow: SignupFlow, claims: { wabaId: string; phoneNumberId: string | null }): FinishInfo {
  return { event: finishEvents[flow], wabaId: claims.wabaId, ...(claims.phoneNumberId && { phoneNumberId: claims.phoneNumberId }) };
}

/**
 * The server half of a completed signup, through the completion request's own code (exchange,
 * verification, storage). The pipeline is not started: tests start it when they are ready.
 */
export async function completeSignupForTest(
  code: string,
  claims: { wabaId: string; phoneNumberId: string | null },
  options: { flow: SignupFlow; partnerType: PartnerType; solutionId?: string | null },
): Promise<Onboarding> {
  const session = await openTestSession(options);
  const result = await verifyAndStore(session, { code, finish: finishFor(options.flow, claims) });
  if (!result.ok) throw new Error(result.message);

  const [row] = await db()
    .select({
      metaWabaId: wabas.metaWabaId,
      metaBusinessId: businesses.metaBusinessId,
      metaPhoneNumberId: phoneNumbers.metaPhoneNumberId,
      secretId: businessTokens.secretId,
    })
    .from(onboardingSessions)
    .innerJoin(wabas, eq(wabas.id, onboardingSessions.wabaId))
    .innerJoin(businesses, eq(businesses.id, onboardingSessions.businessId))
    .innerJoin(businessTokens, eq(businessTokens.id, onboardingSessions.tokenId))
    .leftJoin(phoneNumbers, eq(phoneNumbers.id, onboardingSessions.phoneNumberId))
    .where(eq(onboardingSessions.id, session.id));
  return {
    sessionId: session.id,
    metaWabaId: row!.metaWabaId,
    metaPhoneNumberId: row!.metaPhoneNumberId,
    metaBusinessId: row!.metaBusinessId,
    tokenValue: await readSecret(row!.secretId),
  };
}

/** A sandbox signup for the flow, then `completeSignupForTest`. */
export async function createOnboarding(meta: MetaSandbox, flow: SignupFlow, partnerType: PartnerType): Promise<Onboarding> {
  const signup = await meta.signup(signupChoices(meta, flow));
  return completeSignupForTest(
    signup.code,
    { wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId },
    {
      flow,
      partnerType,
      solutionId: flow === 'mps' ? signup.solutionId : null,
    },
  );
}

const finalStatuses = ['live', 'connected', 'waiting_on_partner', 'action_needed', 'failed'] as const;

/** Polls the session row until it reaches one of `statuses` (by default a final one). */
export async function waitForSession(
  sessionId: string,
  statuses: readonly OnboardingSession['status'][] = finalStatuses,
  timeoutMs = 20_000,
  pollMs = 20,
): Promise<OnboardingSession> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
    if (row && statuses.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`Session ${sessionId} is ${row?.status ?? 'missing'}, not ${statuses.join('/')}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function stepsOf(sessionId: string): Promise<Record<string, OperationStep>> {
  const rows = await db().select().from(operationSteps).where(eq(operationSteps.runId, sessionId));
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

export async function stepStatuses(sessionId: string): Promise<Record<string, string>> {
  const rows = await stepsOf(sessionId);
  return Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.status]));
}

/** The app id the Graph client uses (the sandbox's in tests). */
