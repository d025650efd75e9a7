import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db, retryingTransaction, rootCause, type Tx } from '@/lib/db/client';
import {
  attentionItems,
  businessTokens,
  businesses,
  exchangedCodes,
  graphCalls,
  onboardingEvents,
  onboardingSessions,
  signupLinks,
  wabas,
  type OnboardingSession,
  type SignupLink,
} from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { defineJob, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { appToken, businessToken, isGraphError, type AuditContext } from '@/lib/meta/graph';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { debugToken, exchangeCode, tokenGrantsWaba } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';
import { abandonedSignupKind, linkAbandonedSignup, sharedWithUs } from '@/lib/onboarding/abandoned-signups';
import { findSignupLink, linkProblem, type LinkProblem, type Prefill } from '@/lib/onboarding/links';
import { startPipeline } from '@/lib/onboarding/pipeline';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import { cancelAdvice, finishInfoSchema, type FinishInfo } from '@/lib/onboarding/signup-messages';
import { partnerType } from '@/lib/settings';
import { solutionSignupRefusal } from '@/lib/solutions/limit';
import { storeSecret } from '@/lib/vault';

// An onboarding session: issued by the server before the customer launches Embedded Signup, bound to
// that browser by the hash of a key only its HttpOnly cookies hold, and completed once with the code.
// A session nobody completes in time expires; never-launched ones are pruned later.

/** How long a customer has from opening the signup page, or from clicking the button, to finishing the popup. */
export const launchWindowMs = 60 * 60_000;
/** A completion holds a single-use link this long at most (the exchange takes seconds; longer means it crashed). */
export const linkHoldMs = 5 * 60_000;
/** Sessions that were never launched are deleted this long after they were opened (their link keeps the count). */
export const unlaunchedRetentionMs = 30 * 86_400_000;
/** Meta's codes live 30 seconds; their hashes are kept well past that. */
const codeHashRetentionMs = 7 * 86_400_000;

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

/** What the signup page passes to `FB.init` and `FB.login` for this link (docs/meta/embedded-signup.md, docs/meta/pixel.md). */
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

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new random key for a browser (its cookies hold it; sessions store only its hash). */
export function newBrowserKey(): string {
  return randomBytes(32).toString('base64url');
}

export type OpenedSession = { sessionId: string; browserKey: string; expiresAt: Date };

export type SessionRefusal = { problem: LinkProblem } | { problem: 'limit_reached'; message: string };

/**
 * A new session for a signup link in the browser holding `browserKey` (a new one by default), or why
 * the link cannot be used (or not now: a solution's weekly limit).
 */
export async function openOnboardingSession(linkToken: string, browserKey = newBrowserKey()): Promise<OpenedSession | SessionRefusal> {
  const link = await findSignupLink(linkToken);
  const problem = linkProblem(link);
  if (problem || !link) return { problem: problem ?? 'unknown' };
  const refused = await solutionSignupRefusal(link);
  if (refused) return { problem: 'limit_reached', message: refused };
  const expiresAt = new Date(Date.now() + launchWindowMs);
  const [session] = await db()
    .insert(onboardingSessions)
    .values({ browserKeyHash: sha256(browserKey), linkId: link.id, flow: link.flow, partnerType: await partnerType(), expiresAt })
    .returning({ id: onboardingSessions.id });
  return { sessionId: session!.id, browserKey, expiresAt };
}

function keyOpens(session: OnboardingSession, browserKey: string): boolean {
  const expected = Buffer.from(session.browserKeyHash, 'hex');
  const actual = Buffer.from(sha256(browserKey), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The session, if this browser's key opens it; a session whose time ran out is marked expired first. */
export async function sessionForBrowser(sessionId: string, browserKey: string | undefined): Promise<OnboardingSession | undefined> {
  if (!browserKey || !z.uuid().safeParse(sessionId).success) return undefined;
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  if (!session || !keyOpens(session, browserKey)) return undefined;
  if (session.status !== 'started' || session.expiresAt > new Date()) return session;
  await expireSessions([session.id]);
  const [settled] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, sessionId));
  return settled;
}

/** Moves a session opened under an older key to `browserKey`, if `oldKey` opens it. */
export async function rebindSession(sessionId: string, oldKey: string, browserKey: string): Promise<void> {
  const session = await sessionForBrowser(sessionId, oldKey);
  if (!session) return;
  await db()
    .update(onboardingSessions)
    .set({ browserKeyHash: sha256(browserKey) })
    .where(eq(onboardingSessions.id, session.id));
}

async function addEvent(sessionId: string, type: string, data?: Record<string, unknown>) {
  await db().insert(onboardingEvents).values({ sessionId, type, data });
}

/**
 * The customer clicked the button: recorded for the funnel, and the completion window starts again
 * from here. Returns whether the session was still open.
 */
export async function recordLaunch(session: OnboardingSession): Promise<boolean> {
  if (session.status !== 'started') return false;
  const now = new Date();
  const launched = await db()
    .update(onboardingSessions)
    .set({ launchedAt: session.launchedAt ?? now, expiresAt: new Date(now.getTime() + launchWindowMs), updatedAt: now })
    .where(and(eq(onboardingSessions.id, session.id), eq(onboardingSessions.status, 'started'), gt(onboardingSessions.expiresAt, now)))
    .returning({ id: onboardingSessions.id });
  if (launched.length === 0) return false;
  if (!session.launchedAt) await addEvent(session.id, 'launched');
  return true;
}

/**
 * The launch as the signup page reports it: the session it launched, or, when that one expired while
 * the page stood open, a fresh session on the same link (so a page left open still works with one click).
 */
export async function launchOnboardingSession(
  sessionId: string,
  browserKey: string,
  linkToken: string,
): Promise<{ sessionId: string } | SessionRefusal | null> {
  const session = await sessionForBrowser(sessionId, browserKey);
  if (!session) return null;
  if ((await recordLaunch(session)) || session.status !== 'expired') return { sessionId: session.id };
  const opened = await openOnboardingSession(linkToken, browserKey);
  if ('problem' in opened) return opened;
  const fresh = await sessionForBrowser(opened.sessionId, browserKey);
  await recordLaunch(fresh!);
  return { sessionId: opened.sessionId };
}

/**
 * The FINISH message arrived (the customer completed the popup): its ids are kept before the code
 * comes, so a signup whose page was closed can still be matched when Meta reports the shared WABA.
 */
export async function recordFinish(session: OnboardingSession, input: FinishInfo): Promise<void> {
  const finish = finishInfoSchema.parse(input);
  const recorded = await db()
    .update(onboardingSessions)
    .set({ finishEvent: finish.event, reportedWabaId: finish.wabaId ?? null, reportedBusinessId: finish.businessId ?? null, updatedAt: new Date() })
    .where(and(eq(onboardingSessions.id, session.id), inArray(onboardingSessions.status, ['started', 'exchanging']), isNull(onboardingSessions.reportedWabaId)))
    .returning({ id: onboardingSessions.id });
  if (recorded.length > 0) await addEvent(session.id, 'finish_reported', { ...finish });
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
const expiredMessage =
  'This signup session expired before the signup was completed (a session lasts an hour from the click), so we did not finish connecting your account. Start the signup again to finish.';

async function endSession(sessionId: string, status: 'failed' | 'rejected', message: string, data: Record<string, unknown> = {}) {
  await db().update(onboardingSessions).set({ status, statusMessage: message, updatedAt: new Date() }).where(eq(onboardingSessions.id, sessionId));
  await addEvent(sessionId, status, { message, ...data });
  return { ok: false as const, message };
}

/** Why a completion may not go on with its link: the link changed after the session was opened. */
export type LinkRefusal = Exclude<LinkProblem, 'unknown'> | 'busy';

export const linkRefusalMessages: Record<LinkRefusal, string> = {
  disabled: 'Your provider switched this signup link off while you were signing up, so we did not connect your account. Ask them for a current link.',
  expired: 'This signup link expired while you were signing up, so we did not connect your account. Ask your provider for a new link.',
  used: 'This signup link was made for one signup, and that signup has already been completed, so we did not connect your account. Ask your provider for a new link if you need to connect another account.',
  busy: 'Another signup with this single-use link is being completed right now, so we did not connect this one. If that signup does not go through, open the link again in a few minutes.',
};

/**
 * Whether the session's link still lets a completion through, read with the link row locked so that
 * concurrent completions of one link decide in turn: a disabled or expired link lets none through,
 * and a single-use link one at a time, never after one has succeeded.
 */
async function linkRefusal(tx: Tx, session: OnboardingSession): Promise<LinkRefusal | null> {
  if (!session.linkId) return null;
  const [link] = await tx.select().from(signupLinks).where(eq(signupLinks.id, session.linkId)).for('update');
  const problem = linkProblem(link);
  if (problem) return problem === 'unknown' ? 'disabled' : problem;
  if (!link!.singleUse) return null;
  const [other] = await tx
    .select({ id: onboardingSessions.id })
    .from(onboardingSessions)
    .where(
      and(
        eq(onboardingSessions.linkId, link!.id),
        ne(onboardingSessions.id, session.id),
        eq(onboardingSessions.status, 'exchanging'),
        gt(onboardingSessions.updatedAt, new Date(Date.now() - linkHoldMs)),
      ),
    )
    .limit(1);
  return other ? 'busy' : null;
}

/**
 * Moves the session from started to exchanging, in one transaction with the link check: exactly one
 * completion of a single-use link gets through, and a disabled or expired link completes nothing.
 */
async function claimSession(session: OnboardingSession): Promise<CompletionResult | null> {
  const outcome = await db().transaction(async (tx) => {
    const refusal = await linkRefusal(tx, session);
    if (refusal) return { refusal };
    const now = new Date();
    const claimed = await tx
      .update(onboardingSessions)
      .set({ status: 'exchanging', updatedAt: now })
      .where(and(eq(onboardingSessions.id, session.id), eq(onboardingSessions.status, 'started'), gt(onboardingSessions.expiresAt, now)))
      .returning({ id: onboardingSessions.id });
    return { claimed: claimed.length > 0 };
  });
  if ('claimed' in outcome && outcome.claimed) return null;
  await expireSessions([session.id]);
  const [current] = await db().select({ status: onboardingSessions.status }).from(onboardingSessions).where(eq(onboardingSessions.id, session.id));
  if (current?.status === 'expired') return { ok: false, message: expiredMessage };
  if (current?.status !== 'started' || !('refusal' in outcome) || !outcome.refusal) {
    return { ok: false, message: `This signup session was already used. ${startAgain}` };
  }
  return endSession(session.id, 'rejected', linkRefusalMessages[outcome.refusal], { link: outcome.refusal });
}

/**
 * Records the code's hash before it goes to Meta; false when it was recorded already (a replay, or
 * the same result sent twice), in which case it must not be sent again.
 */
async function firstUseOfCode(code: string, sessionId: string): Promise<boolean> {
  const inserted = await db()
    .insert(exchangedCodes)
    .values({ codeHash: sha256(code), sessionId })
    .onConflictDoNothing({ target: exchangedCodes.codeHash })
    .returning({ codeHash: exchangedCodes.codeHash });
  return inserted.length > 0;
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
  return isGraphError(error) ? { metaErrorCode: error.auditCode, fbtraceId: error.fbtraceId ?? null } : { error: rootCause(error) };
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
  if (!(await firstUseOfCode(code, sessionId))) {
    return endSession(sessionId, 'failed', `This signup result was already used once, so we did not send it to Meta again. ${startAgain}`, {
      replayedCode: true,
    });
  }

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
      return endSession(
        sessionId,
        'failed',
        'We could not find your WhatsApp Business app number on the account you shared. Make sure you chose the app number in the signup window, then start again.',
      );
    }
    const owner = waba.owner_business_info;
    if (!owner) return endSession(sessionId, 'failed', `Meta did not tell us which business owns the account. ${startAgain}`);

    const { solutionId, email, customerReference } = await linkCarries(session.linkId);
    // Completions of one WABA and its running steps lock the same rows: a deadlock's victim runs again.
    const refusal = await retryingTransaction(async (tx) => {
      // The link is checked again under its lock: it may have been disabled while Meta was asked.
      const changed = await linkRefusal(tx, session);
      if (changed) return changed;
      await tx
        .insert(businesses)
        .values({ metaBusinessId: owner.id, name: owner.name, email, customerReference })
        .onConflictDoUpdate({
          target: businesses.metaBusinessId,
          // What staff already set on a returning customer wins over the link's.
          set: {
            ...(owner.name && { name: owner.name }),
            email: sql`coalesce(${businesses.email}, ${email})`,
            customerReference: sql`coalesce(${businesses.customerReference}, ${customerReference})`,
            updatedAt: new Date(),
          },
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
      // A returning customer (a reauthorization link): the new token replaces the ones stored before.
      await tx
        .update(businessTokens)
        .set({ status: 'revoked', updatedAt: new Date() })
        .where(and(eq(businessTokens.wabaId, wabaRowId), ne(businessTokens.id, stored!.id), ne(businessTokens.status, 'revoked')));
      // Other onboardings of this WABA (one still running, one a staff member may resume) go on with
      // the new token: the one they held is replaced, not refused by Meta.
      await tx
        .update(onboardingSessions)
        .set({ tokenId: stored!.id, updatedAt: new Date() })
        .where(and(eq(onboardingSessions.wabaId, wabaRowId), ne(onboardingSessions.id, sessionId), isNotNull(onboardingSessions.tokenId)));
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
        await tx
          .update(signupLinks)
          .set({ usedAt: new Date() })
          .where(and(eq(signupLinks.id, session.linkId), isNull(signupLinks.usedAt)));
      }
      await tx
        .update(attentionItems)
        .set({ resolvedAt: new Date() })
        .where(
          and(
            eq(attentionItems.wabaId, wabaId),
            inArray(attentionItems.kind, ['finish_onboarding', abandonedSignupKind, 'token_expiring', 'token_invalid']),
            isNull(attentionItems.resolvedAt),
          ),
        );
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
      return null;
    });
    if (refusal) return endSession(sessionId, 'rejected', linkRefusalMessages[refusal], { link: refusal });
  } catch (error) {
    log.warn({ sessionId, ...graphFailure(error) }, 'onboarding verification failed');
    const hint = isGraphError(error) ? error.hint : 'Something went wrong on our side.';
    return endSession(sessionId, 'failed', `We could not confirm your signup with Meta. ${hint} ${startAgain}`, graphFailure(error));
  }

  return { ok: true, sessionId };
}

/** What a signup link carries onto the customer: its solution, the pre-filled business email, the partner's reference. */
async function linkCarries(linkId: string | null): Promise<{ solutionId: string | null; email: string | null; customerReference: string | null }> {
  const [link] = linkId
    ? await db()
        .select({ solutionId: signupLinks.solutionId, prefill: signupLinks.prefill, customerReference: signupLinks.customerReference })
        .from(signupLinks)
        .where(eq(signupLinks.id, linkId))
    : [];
  const email = (link?.prefill as Prefill | null)?.businessEmail;
  return { solutionId: link?.solutionId ?? null, email: email ?? null, customerReference: link?.customerReference ?? null };
}

/**
 * Marks started sessions whose time ran out as expired (every one, or those in `ids`); returns how
 * many. One that had reported a WABA Meta has since shared with us becomes an abandoned signup.
 */
export async function expireSessions(ids?: string[], now = new Date()): Promise<number> {
  const expired = await db()
    .update(onboardingSessions)
    .set({ status: 'expired', statusMessage: expiredMessage, updatedAt: now })
    .where(and(eq(onboardingSessions.status, 'started'), lte(onboardingSessions.expiresAt, now), ids ? inArray(onboardingSessions.id, ids) : undefined))
    .returning();
  if (expired.length === 0) return 0;
  await db()
    .insert(onboardingEvents)
    .values(expired.map((session) => ({ sessionId: session.id, type: 'expired' })));
  for (const session of expired.filter((s) => s.reportedWabaId)) {
    await db().transaction(async (tx) => {
      const [waba] = await tx.select().from(wabas).where(eq(wabas.metaWabaId, session.reportedWabaId!)).for('update');
      if (waba && sharedWithUs(waba)) await linkAbandonedSignup(tx, session, waba);
    });
  }
  return expired.length;
}

const pruneBatch = 1000;

/**
 * Deletes sessions that were never launched and are older than the retention; each link keeps
 * counting them as opened. Returns how many were deleted.
 */
export async function pruneUnlaunchedSessions(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - unlaunchedRetentionMs);
  let total = 0;
  for (;;) {
    const deleted = await db().transaction(async (tx) => {
      const old = await tx
        .select({ id: onboardingSessions.id, linkId: onboardingSessions.linkId })
        .from(onboardingSessions)
        .where(
          and(
            isNull(onboardingSessions.launchedAt),
            isNull(onboardingSessions.wabaId),
            inArray(onboardingSessions.status, ['started', 'expired']),
            lt(onboardingSessions.createdAt, cutoff),
          ),
        )
        .limit(pruneBatch)
        .for('update', { skipLocked: true });
      if (old.length === 0) return 0;
      const ids = old.map((s) => s.id);
      await tx.delete(onboardingEvents).where(inArray(onboardingEvents.sessionId, ids));
      await tx.delete(graphCalls).where(inArray(graphCalls.sessionId, ids));
      await tx.delete(onboardingSessions).where(inArray(onboardingSessions.id, ids));
      const perLink = new Map<string, number>();
      for (const { linkId } of old) if (linkId) perLink.set(linkId, (perLink.get(linkId) ?? 0) + 1);
      for (const [linkId, count] of perLink) {
        await tx
          .update(signupLinks)
          .set({ prunedOpened: sql`${signupLinks.prunedOpened} + ${count}` })
          .where(eq(signupLinks.id, linkId));
      }
      return old.length;
    });
    total += deleted;
    if (deleted < pruneBatch) return total;
  }
}

export const signupSessionsJob = defineJob({
  name: 'maintenance.signup-sessions',
  schema: noData,
  schedule: '*/10 * * * *',
  async handle() {
    const expired = await expireSessions();
    const pruned = await pruneUnlaunchedSessions();
    await db()
      .delete(exchangedCodes)
      .where(lt(exchangedCodes.createdAt, new Date(Date.now() - codeHashRetentionMs)));
    if (expired > 0 || pruned > 0) log.info({ expired, pruned }, 'signup sessions expired and pruned');
  },
});
