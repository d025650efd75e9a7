import { randomBytes, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import {
  businesses,
  businessTokens,
  onboardingSessions,
  onboardingSteps,
  phoneNumbers,
  signupLinks,
  wabas,
  type OnboardingSession,
  type OnboardingStep,
  type SignupFlow,
} from '@/lib/db/schema';
import { appToken, businessToken, graphSettings } from '@/lib/meta/graph';
import { getPhoneNumber, listPhoneNumbers } from '@/lib/meta/phone-numbers';
import type { MetaSandbox } from '@/lib/meta/test-support';
import { debugToken, exchangeCode, tokenGrantsWaba } from '@/lib/meta/tokens';
import { getWaba } from '@/lib/meta/wabas';
import type { PartnerType } from '@/lib/onboarding/steps/context';
import { storeSecret } from '@/lib/vault';

// Test and benchmark fixture (never imported by app code): a signup through the sandbox and the
// rows a completed Embedded Signup leaves (business, WABA, number, token in the vault, session),
// made the way the completion request makes them: exchange, debug_token, Meta's own WABA and
// number reads.

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

/**
 * The server half of a completed signup: exchange the code, check the grant, read the WABA (and
 * the number) from Meta, store everything and leave the session `exchanging`, ready for startPipeline.
 */
export async function completeSignupForTest(
  code: string,
  claims: { wabaId: string; phoneNumberId: string | null },
  options: { flow: SignupFlow; partnerType: PartnerType; solutionId?: string | null },
): Promise<Onboarding> {
  const [session] = await db()
    .insert(onboardingSessions)
    .values({
      browserKeyHash: randomBytes(16).toString('hex'),
      flow: options.flow,
      partnerType: options.partnerType,
      status: 'exchanging',
      expiresAt: new Date(Date.now() + 30 * 60_000),
    })
    .returning({ id: onboardingSessions.id });
  const sessionId = session!.id;
  const audit = { sessionId, step: 'complete' };
  const exchanged = await exchangeCode(code, audit);
  const info = await debugToken(exchanged.accessToken, appToken(), audit);
  if (!tokenGrantsWaba(info, claims.wabaId)) throw new Error('The token does not grant the claimed WABA');
  const token = businessToken(exchanged.accessToken);
  const [waba, phone] = await Promise.all([
    getWaba(claims.wabaId, token, audit, ['id', 'name', 'currency', 'owner_business_info']),
    options.flow === 'coexistence'
      ? listPhoneNumbers(claims.wabaId, token, audit, ['id', 'is_on_biz_app', 'display_phone_number']).then((list) => list.find((p) => p.is_on_biz_app) ?? null)
      : claims.phoneNumberId
        ? getPhoneNumber(claims.phoneNumberId, token, audit, ['id', 'display_phone_number'])
        : Promise.resolve(null),
  ]);
  const owner = waba.owner_business_info;
  if (!owner) throw new Error('Meta returned no owner business');

  await db().transaction(async (tx) => {
    await tx.insert(businesses).values({ metaBusinessId: owner.id, name: owner.name }).onConflictDoNothing();
    const [business] = await tx.select({ id: businesses.id }).from(businesses).where(eq(businesses.metaBusinessId, owner.id));
    await tx
      .insert(wabas)
      .values({ metaWabaId: waba.id, businessId: business!.id, name: waba.name, currency: waba.currency, solutionId: options.solutionId ?? null })
      .onConflictDoNothing();
    const [wabaRow] = await tx.select({ id: wabas.id }).from(wabas).where(eq(wabas.metaWabaId, waba.id));
    let phoneRowId: string | null = null;
    if (phone) {
      await tx
        .insert(phoneNumbers)
        .values({ metaPhoneNumberId: phone.id, wabaId: wabaRow!.id, displayPhoneNumber: phone.display_phone_number, isOnBizApp: phone.is_on_biz_app === true })
        .onConflictDoNothing();
      const [phoneRow] = await tx.select({ id: phoneNumbers.id }).from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, phone.id));
      phoneRowId = phoneRow!.id;
    }
    const secretId = await storeSecret('business_token', exchanged.accessToken, tx);
    const [tokenRow] = await tx
      .insert(businessTokens)
      .values({ wabaId: wabaRow!.id, businessId: business!.id, secretId, scopes: info.scopes, grantedWabaIds: info.wabaIds ?? [], expiresAt: info.expiresAt })
      .returning({ id: businessTokens.id });
    let linkId: string | null = null;
    if (options.solutionId) {
      const [link] = await tx
        .insert(signupLinks)
        .values({ token: randomUUID(), label: 'MPS test link', flow: 'mps', solutionId: options.solutionId })
        .returning({ id: signupLinks.id });
      linkId = link!.id;
    }
    await tx
      .update(onboardingSessions)
      .set({ businessId: business!.id, wabaId: wabaRow!.id, phoneNumberId: phoneRowId, tokenId: tokenRow!.id, linkId, updatedAt: new Date() })
      .where(eq(onboardingSessions.id, sessionId));
  });
  return { sessionId, metaWabaId: waba.id, metaPhoneNumberId: phone?.id ?? null, metaBusinessId: owner.id, tokenValue: exchanged.accessToken };
}

/** A sandbox signup for the flow, then `completeSignupForTest`. */
export async function createOnboarding(meta: MetaSandbox, flow: SignupFlow, partnerType: PartnerType): Promise<Onboarding> {
  const signup = await meta.signup(signupChoices(meta, flow));
  return completeSignupForTest(signup.code, { wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId }, {
    flow,
    partnerType,
    solutionId: flow === 'mps' ? signup.solutionId : null,
  });
}

const finalStatuses = ['live', 'action_needed', 'failed'] as const;

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

export async function stepsOf(sessionId: string): Promise<Record<string, OnboardingStep>> {
  const rows = await db().select().from(onboardingSteps).where(eq(onboardingSteps.sessionId, sessionId));
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

export async function stepStatuses(sessionId: string): Promise<Record<string, string>> {
  const rows = await stepsOf(sessionId);
  return Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.status]));
}

/** The app id the Graph client uses (the sandbox's in tests). */
export function ourAppId(): string {
  return graphSettings().appId;
}

export async function sessionsIn(ids: string[]): Promise<OnboardingSession[]> {
  return db().select().from(onboardingSessions).where(inArray(onboardingSessions.id, ids));
}
