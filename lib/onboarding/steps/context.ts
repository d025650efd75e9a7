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
import { unseal } from '@/lib/vault';
import { partnerTypes, type PartnerType } from '@/lib/settings';

// What every step gets: the session's rows, the business token, and the audit context that
// tags each Graph call with the onboarding and the step (graph_calls.session_id / step).

export const stepNames = [
  'subscribe_app',
  'assign_system_user',
  'share_credit_line',
  'register_phone',
  'sync_contacts',
  'sync_history',
  'read_status',
] as const;
export type StepName = (typeof stepNames)[number];


export type StepContext = {
  sessionId: string;
  step: StepName;
  attempt: number;
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
  /** This step's stored result from an earlier run (a retry or a re-run), if any. */
  previous: Record<string, unknown> | null;
};

export type StepOutcome = { status: 'done' | 'skipped'; result: Record<string, unknown> };

export type StepHandler = (ctx: StepContext) => Promise<StepOutcome>;

/**
 * A failure the step itself diagnosed, with the sentence the customer and staff see. It never
 * retries; `code` is what goes into onboarding_steps.last_error_code.
 */
export class StepFailure extends Error {
  readonly code: string;
  readonly fbtraceId: string | undefined;
  constructor(code: string, message: string, fbtraceId?: string) {
    super(message);
    this.name = 'StepFailure';
    this.code = code;
    this.fbtraceId = fbtraceId;
  }
}

/** The business token cannot be used (190 seen earlier, or revoked): no Graph call is worth making. */
/** What the customer reads when the business token stopped working (190). */
export const reauthorizationMessage =
  'Meta no longer accepts the access you gave us (it was removed or expired). Run the signup again to reconnect your account.';

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

export async function loadStepContext(
  sessionId: string,
  step: StepName,
  attempt: number,
  previous: Record<string, unknown> | null,
): Promise<StepContext> {
  // One round trip: this runs before every step attempt.
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
  const value = unseal(row.secret);
  return {
    sessionId,
    step,
    attempt,
    session: row.session,
    flow: row.session.flow,
    partnerType: asPartnerType(row.session.partnerType),
    waba: row.waba,
    phone: row.phone,
    ownerBusinessId: row.business?.metaBusinessId ?? null,
    solutionId: row.link?.solutionId ?? row.waba.solutionId ?? null,
    token: businessToken(value),
    audit: { sessionId, step },
    previous,
  };
}
