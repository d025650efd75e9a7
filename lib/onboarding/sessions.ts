import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import {
  attentionItems,
  businessTokens,
  businesses,
  onboardingEvents,
  onboardingSessions,
  signupLinks,
  type OnboardingSession,
  type SignupLink,
} from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { log } from '@/lib/log';
import { appToken, businessToken, isGraphError, type AuditContext } from '@/lib/meta/graph';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { debugToken, exchangeCode, tokenGrantsWaba } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';
import { findSignupLink, linkProblem, type LinkProblem, type Prefill } from '@/lib/onboarding/links';
import { startPipeline } from '@/lib/onboarding/pipeline';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import { cancelAdvice, finishInfoSchema } from '@/lib/onboarding/signup-messages';
import { partnerType } from '@/lib/settings';
import { solutionSignupRefusal } from '@/lib/solutions/limit';
import { storeSecret } from '@/lib/vault';

// An onboarding session: issued by the server before the customer launches Embedded Signup, bound to
// that browser by a key only its HttpOnly cookie holds, and completed once with the code.

/** How long a customer has from opening the signup page, or from clicking the button, to finishing the popup. */
export const launchWindowMs = 60 * 60_000;

export type LaunchConfig = {
  appId: string;
  graphVersion: string;
  sdkUrl: string;
  configId: string;
  extras: {
    setup: Record<string, unknown>;
    featureType: string;
    sessionInfoVersion: '3';
  };
  trustedOrigins: string[];
  pixel: { id: string; url: string } | null;
};

const featureTypes: Record<SignupLink['flow'], string> = {
  default: '',
  coexistence: 'whatsapp_business_app_onboarding',
  waba_only: 'only_waba_sharing',
  mps: '',
  measurement: '',
};

function setupOf(link: SignupLink): Record<string, unknown> {
  const prefill = (link.prefill ?? {}) as Prefill;
  const setup: Record<string, unknown> = {};
  if (link.solutionId) setup.solutionID = link.solutionId;
  if (prefill.businessName) {
    setup.business = {
      name: prefill.businessName,
      email: prefill.businessEmail,
      website: prefill.businessWebsite,
      address: { country: prefill.businessCountry },
    };
  }
  if (prefill.displayName) {
    setup.phone = { displayName: prefill.displayName, category: prefill.category, description: prefill.description ?? '' };
  }
  return setup;
}

/** What the signup page passes to `FB.init` and `FB.login` for this link (reference §1.2–§1.3, §12). */
export function launchConfig(link: SignupLink): LaunchConfig {
  const meta = metaConfig();
  const configId = link.flow === 'measurement' ? meta.measurementConfigId : meta.configId;
  if (!configId) throw new Error('No Embedded Signup configuration id is configured for this flow');
  return {
    appId: meta.appId,
    graphVersion: meta.graphVersion,
    sdkUrl: meta.sdkUrl,
    configId,
    extras: { setup: setupOf(link), featureType: featureTypes[link.flow], sessionInfoVersion: '3' },
    trustedOrigins: meta.extraMessageOrigins,
    pixel: meta.pixelId ? { id: meta.pixelId, url: meta.pixelUrl } : null,
  };
}

function hashKey(browserKey: string): string {
  return createHash('sha256').update(browserKey).digest('hex');
}

export type OpenedSession = { sessionId: string; browserKey: string; expiresAt: Date };

export type SessionRefusal = { problem: LinkProblem } | { problem: 'limit_reached'; message: string };

/** A new session for a signup link, or why the link cannot be used (or not now: a solution's weekly limit). */
export async function openOnboardingSession(linkToken: string): Promise<OpenedSession | SessionRefusal> {
  const link = await findSignupLink(linkToken);
  const problem = linkProblem(link);
  if (problem || !link) return { problem: problem ?? 'unknown' };
  const refused = await solutionSignupRefusal(link);
  if (refused) return { problem: 'limit_reached', message: refused };
  const browserKey = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + launchWindowMs);
  const [session] = await db()
    .insert(onboardingSessions)
    .values({ browserKeyHash: hashKey(browserKey), linkId: link.id, flow: link.flow, partnerType: await partnerType(), expiresAt })
    .returning({ id: onboardingSessions.id });
  return { sessionId: session!.id, browserKey, expiresAt };
}

/** The session, if this browser's key opens it. */
export async function sessionForBrowser(sessionId: string, browserKey: string | undefined): Promise<OnboardingSession | undefined> {
  if (!browserKey || !z.uuid().safeParse(sessionId).success) return undefined;
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session) return undefined;
  const expected = Buffer.from(session.browserKeyHash, 'hex');
  const actual = Buffer.from(hashKey(browserKey), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? session : undefined;
}

async function addEvent(sessionId: string, type: string, data?: Record<string, unknown>) {
  await db().insert(onboardingEvents).values({ sessionId, type, data });
}

/**
 * The customer clicked the button: recorded for the funnel, and the completion window starts again
 * from here (a page left open for a while still works). Never blocks the launch.
 */
export async function recordLaunch(session: OnboardingSession): Promise<void> {
  if (session.status !== 'started') return;
  const now = new Date();
  await db()
    .update(onboardingSessions)
    .set({ launchedAt: session.launchedAt ?? now, expiresAt: new Date(now.getTime() + launchWindowMs), updatedAt: now })
    .where(and(eq(onboardingSessions.id, session.id), eq(onboardingSessions.status, 'started')));
  if (!session.launchedAt) await addEvent(session.id, 'launched');
}

export const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cancel'), currentStep: z.string().max(100).nullable() }),
  z.object({
    kind: z.literal('error'),
    errorMessage: z.string().max(2000),
    errorCode: z.string().max(50).nullable(),
    sessionId: z.string().max(100).nullable(),
    timestamp: z.string().max(30).nullable(),
  }),
]);

export type SignupOutcome = z.infer<typeof outcomeSchema>;

/** Records a cancelled or failed popup; returns what the customer should do next. */
export async function recordSignupOutcome(session: OnboardingSession, input: SignupOutcome): Promise<string> {
  const outcome = outcomeSchema.parse(input);
  const advice =
    outcome.kind === 'cancel'
      ? cancelAdvice(outcome.currentStep)
      : `Meta stopped the signup: “${outcome.errorMessage}”. Fix what it says and start again. If it keeps happening, send your provider this reference: error ${outcome.errorCode ?? 'unknown'}, session ${outcome.sessionId ?? 'unknown'}.`;
  const updated = await db()
    .update(onboardingSessions)
    .set(
      outcome.kind === 'cancel'
        ? { status: 'cancelled', cancelStep: outcome.currentStep, statusMessage: advice, updatedAt: new Date() }
        : {
            status: 'errored',
            errorCode: outcome.errorCode,
            errorSessionId: outcome.sessionId,
            errorMessage: outcome.errorMessage,
            statusMessage: advice,
            updatedAt: new Date(),
          },
    )
    .where(and(eq(onboardingSessions.id, session.id), eq(onboardingSessions.status, 'started')))
    .returning({ id: onboardingSessions.id });
  if (updated.length > 0) await addEvent(session.id, outcome.kind === 'cancel' ? 'cancelled' : 'errored', outcome);
  return advice;
}

export const completionSchema = z.object({
  code: z.string().min(1, 'The signup did not return a code.').max(4096),
  finish: finishInfoSchema.nullable(),
});

export type CompletionInput = z.input<typeof completionSchema>;
export type CompletionResult = { ok: true; sessionId: string } | { ok: false; message: string };

const startAgain = 'Please start the signup again.';

async function endSession(sessionId: string, status: 'failed' | 'rejected', message: string, data: Record<string, unknown> = {}) {
  await db()
    .update(onboardingSessions)
    .set({ status, statusMessage: message, updatedAt: new Date() })
    .where(eq(onboardingSessions.id, sessionId));
  await addEvent(sessionId, status, { message, ...data });
  return { ok: false as const, message };
}

async function claimSession(session: OnboardingSession): Promise<CompletionResult | null> {
  if (session.expiresAt <= new Date()) return { ok: false, message: `This signup session expired. ${startAgain}` };
  const claimed = await db()
    .update(onboardingSessions)
    .set({ status: 'exchanging', updatedAt: new Date() })
    .where(and(eq(onboardingSessions.id, session.id), eq(onboardingSessions.status, 'started')))
    .returning({ id: onboardingSessions.id });
  if (claimed.length > 0) return null;
  return { ok: false, message: `This signup session was already used. ${startAgain}` };
}

/** Reads that verify the signup may be retried briefly within the request (unlike the exchange). */
async function withQuickRetries<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 3 || !isGraphError(error) || error.kind !== 'transient') throw error;
      await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
    }
  }
}

function graphFailure(error: unknown): Record<string, unknown> {
  return isGraphError(error) ? { metaErrorCode: error.auditCode, fbtraceId: error.fbtraceId ?? null } : { error: (error as Error).message };
}

/**
 * The completion request: verifies and stores the signup (below), then starts the pipeline. Called
 * from the customer's server action; the code never waits in a queue.
 */
export async function completeOnboarding(session: OnboardingSession, input: CompletionInput): Promise<CompletionResult> {
  const result = await verifyAndStore(session, input);
  if (result.ok) await startPipeline(session.id);
  return result;
}

/**
 * Exchanges the code here and now (it lives 30 seconds and works once), checks every id the browser
 * reported against what Meta says the token grants, and stores the business, WABA, numbers and the
 * token (in the vault). A mismatch stores nothing about the reported WABA.
 */
export async function verifyAndStore(session: OnboardingSession, input: CompletionInput): Promise<CompletionResult> {
  const parsed = completionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: `The signup result was incomplete. ${startAgain}` };
  const { code, finish } = parsed.data;
  const refused = await claimSession(session);
  if (refused) return refused;
  const sessionId = session.id;
  const audit = (step: string): AuditContext => ({ sessionId, step });

  let accessToken: string;
  try {
    ({ accessToken } = await exchangeCode(code, audit('exchange_code')));
  } catch (error) {
    log.warn({ sessionId, ...graphFailure(error) }, 'code exchange failed');
    return endSession(
      sessionId,
      'failed',
      `Meta did not accept the signup code: it works once and only for 30 seconds after the signup window closes. ${startAgain}`,
      graphFailure(error),
    );
  }

  const token = businessToken(accessToken);
  try {
    const info = await withQuickRetries(() => debugToken(accessToken, appToken(), audit('verify_token')));
    const ours = info.appId === metaConfig().appId;
    const granted = info.wabaIds ?? [];
    const wabaId = finish?.wabaId ?? (granted.length === 1 ? granted[0] : undefined);
    if (!ours || !wabaId || !tokenGrantsWaba(info, wabaId)) {
      return endSession(
        sessionId,
        'rejected',
        `The WhatsApp Business Account reported by the signup window was not shared with us, so nothing was saved. ${startAgain} If it happens again, contact your provider.`,
      );
    }

    const [waba, numbers] = await Promise.all([
      withQuickRetries(() => getWaba(wabaId, token, audit('verify_waba'))),
      withQuickRetries(() => listPhoneNumbers(wabaId, token, audit('verify_phone'))),
    ]);
    let phone = finish?.phoneNumberId ? numbers.find((n) => n.id === finish.phoneNumberId) : undefined;
    if (finish?.phoneNumberId && !phone) {
      return endSession(
        sessionId,
        'rejected',
        `The phone number reported by the signup window does not belong to your WhatsApp Business Account, so nothing was saved. ${startAgain}`,
      );
    }
    if (session.flow === 'coexistence') phone ??= numbers.find((n) => n.is_on_biz_app);
    if (session.flow === 'coexistence' && !phone) {
      return endSession(sessionId, 'failed', 'We could not find your WhatsApp Business app number on the account you shared. Make sure you chose the app number in the signup window, then start again.');
    }
    const owner = waba.owner_business_info;
    if (!owner) return endSession(sessionId, 'failed', `Meta did not tell us which business owns the account. ${startAgain}`);

    const solutionId = session.linkId ? await linkSolution(session.linkId) : null;
    await db().transaction(async (tx) => {
      await tx.insert(businesses).values({ metaBusinessId: owner.id, name: owner.name }).onConflictDoUpdate({
        target: businesses.metaBusinessId,
        set: { ...(owner.name && { name: owner.name }), updatedAt: new Date() },
      });
      const [business] = await tx.select({ id: businesses.id }).from(businesses).where(eq(businesses.metaBusinessId, owner.id));
      const wabaRowId = await saveWaba(tx, waba, { businessId: business!.id, solutionId });
      const phoneIds = await savePhoneNumbers(tx, wabaRowId, numbers);
      const secretId = await storeSecret('business_token', accessToken, tx);
      const [stored] = await tx
        .insert(businessTokens)
        .values({
          wabaId: wabaRowId,
          businessId: business!.id,
          secretId,
          scopes: info.scopes,
          grantedWabaIds: granted,
          expiresAt: info.expiresAt,
        })
        .returning({ id: businessTokens.id });
      await tx
        .update(onboardingSessions)
        .set({
          status: 'running',
          statusMessage: null,
          finishEvent: finish?.event ?? null,
          businessId: business!.id,
          wabaId: wabaRowId,
          phoneNumberId: phone ? (phoneIds.get(phone.id) ?? null) : null,
          tokenId: stored!.id,
          updatedAt: new Date(),
        })
        .where(eq(onboardingSessions.id, sessionId));
      if (session.linkId) {
        await tx.update(signupLinks).set({ usedAt: new Date() }).where(and(eq(signupLinks.id, session.linkId), isNull(signupLinks.usedAt)));
      }
      await tx
        .update(attentionItems)
        .set({ resolvedAt: new Date() })
        .where(and(eq(attentionItems.wabaId, wabaId), eq(attentionItems.kind, 'finish_onboarding'), isNull(attentionItems.resolvedAt)));
      await tx.insert(onboardingEvents).values({
        sessionId,
        type: 'verified',
        data: {
          event: finish?.event ?? null,
          wabaId,
          phoneNumberId: phone?.id ?? null,
          ownerBusinessId: owner.id,
          scopes: info.scopes,
          tokenExpiresAt: info.expiresAt?.toISOString() ?? null,
        },
      });
    });
  } catch (error) {
    log.warn({ sessionId, ...graphFailure(error) }, 'onboarding verification failed');
    const hint = isGraphError(error) ? error.hint : 'Something went wrong on our side.';
    return endSession(sessionId, 'failed', `We could not confirm your signup with Meta. ${hint} ${startAgain}`, graphFailure(error));
  }

  return { ok: true, sessionId };
}

async function linkSolution(linkId: string): Promise<string | null> {
  const [link] = await db().select({ solutionId: signupLinks.solutionId }).from(signupLinks).where(eq(signupLinks.id, linkId));
  return link?.solutionId ?? null;
}
