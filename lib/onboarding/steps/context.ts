import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import {
  businesses,
  businessTokens,
  onboardingSessions,
  phoneNumbers,
  signupLinks,
  wabas,
  type OnboardingSession,
  type PhoneNumber,
  type SignupFlow,
  vaultSecrets,
  type Waba,
} from '@/lib/db/schema';
import { type AuditContext, type GraphToken, businessToken } from '@/lib/meta/graph';
import { StepFailure, type StepDefinition, type StepRun } from '@/lib/operations/types';
import { partnerTypes, type PartnerType } from '@/lib/settings';
import { unseal } from '@/lib/vault';

// What every onboarding step gets: the session's rows, the business token, and the audit context
// that tags each Graph call with the onboarding and the step (graph_calls.session_id / step).

/** What an onboarding run is planned from. */
export type OnboardingPlan = { flow: SignupFlow; partnerType: PartnerType };

export type OnboardingContext = {
  session: OnboardingSession;
  flow: SignupFlow;
  partnerType: PartnerType;
  waba: Waba;
  phone: PhoneNumber | null;
  /** The customer's business portfolio id at Meta, when the completion stored it. */
  ownerBusinessId: string | null;
  /** The Multi-Partner Solution the WABA came through (link, else WABA row). */
  solutionId: string | null;
  token: GraphToken;
  audit: AuditContext;
};

/** What an onboarding step's `run` receives. */
export type StepContext = OnboardingContext & StepRun;

export type OnboardingStep = StepDefinition<OnboardingPlan, OnboardingContext>;

/** Read-only grants (Measurement Partners) plan nothing that writes. */
export function isReadOnly(plan: OnboardingPlan): boolean {
  return plan.flow === 'measurement' || plan.partnerType === 'measurement_partner';
}

/** What the customer reads when the business token stopped working (190). */
export const reauthorizationMessage =
  'Meta no longer accepts the access you gave us (it was removed or expired). Run the signup again to reconnect your account.';

/** The business token cannot be used (190 seen earlier, or revoked): no Graph call is worth making. */
export class TokenUnusable extends Error {
  constructor(readonly status: string) {
    super(reauthorizationMessage);
    this.name = 'TokenUnusable';
  }
}

export type { PartnerType };

export function asPartnerType(value: string): PartnerType {
  return (partnerTypes as readonly string[]).includes(value) ? (value as PartnerType) : 'tech_provider';
}

/** One round trip, before every attempt: the session with its WABA, number, business, link and token. */
export async function loadStepContext(sessionId: string, step: string): Promise<OnboardingContext> {
  const [row] = await db()
    .select({
      session: onboardingSessions,
      waba: wabas,
      phone: phoneNumbers,
      business: businesses,
      link: signupLinks,
      tokenStatus: businessTokens.status,
      secret: vaultSecrets,
    })
    .from(onboardingSessions)
    .leftJoin(wabas, eq(wabas.id, onboardingSessions.wabaId))
    .leftJoin(phoneNumbers, eq(phoneNumbers.id, onboardingSessions.phoneNumberId))
    .leftJoin(businesses, eq(businesses.id, onboardingSessions.businessId))
    .leftJoin(signupLinks, eq(signupLinks.id, onboardingSessions.linkId))
    .leftJoin(businessTokens, eq(businessTokens.id, onboardingSessions.tokenId))
    .leftJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(eq(onboardingSessions.id, sessionId));
  if (!row) throw new Error(`Onboarding session ${sessionId} not found`);
  if (!row.waba) throw new StepFailure('no_waba', 'This onboarding has no WhatsApp Business Account on record; run Embedded Signup again.');
  if (row.tokenStatus !== 'valid' || !row.secret) throw new TokenUnusable(row.tokenStatus ?? 'missing');
  return {
    session: row.session,
    flow: row.session.flow,
    partnerType: asPartnerType(row.session.partnerType),
    waba: row.waba,
    phone: row.phone,
    ownerBusinessId: row.business?.metaBusinessId ?? null,
    solutionId: row.link?.solutionId ?? row.waba.solutionId ?? null,
    token: businessToken(unseal(row.secret)),
    audit: { sessionId, runId: sessionId, step },
  };
}
