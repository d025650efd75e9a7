import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { attentionItems, businesses, onboardingEvents, onboardingSessions, type wabas, type OnboardingSession } from '@/lib/db/schema';

// Signups that reached FINISH in Embedded Signup but never sent their code (the page was closed):
// matched to the WABA Meta reports shared with us, so staff can follow up. Kept apart from the
// completion code so that the webhook handlers can use it without loading the pipeline.

export const abandonedSignupKind = 'abandoned_signup';

/** A WABA that Meta told us was shared with us (PARTNER_ADDED / PARTNER_APP_INSTALLED) and is still connected. */
export function sharedWithUs(waba: typeof wabas.$inferSelect): boolean {
  return waba.status === 'connected' && Boolean(waba.flags.PARTNER_ADDED ?? waba.flags.PARTNER_APP_INSTALLED);
}

/**
 * A session that reached FINISH but never sent its code, matched to the WABA Meta reports shared:
 * the two are linked and staff are asked to reach out (Meta: Solution Providers pages ask partners to
 * follow up on abandoned signups). Nothing happens when the reported business is not the WABA's
 * owner, or when another onboarding of the WABA got through. Returns whether staff were asked.
 */
export async function linkAbandonedSignup(tx: Tx, session: OnboardingSession, waba: typeof wabas.$inferSelect): Promise<boolean> {
  const [owner] = waba.businessId ? await tx.select().from(businesses).where(eq(businesses.id, waba.businessId)) : [];
  if (session.reportedBusinessId && owner && owner.metaBusinessId !== session.reportedBusinessId) return false;
  const [onboarded] = await tx
    .select({ id: onboardingSessions.id })
    .from(onboardingSessions)
    .where(and(eq(onboardingSessions.wabaId, waba.id), isNotNull(onboardingSessions.tokenId)))
    .limit(1);
  if (onboarded) return false;
  const [existing] = await tx
    .select({ id: attentionItems.id })
    .from(attentionItems)
    .where(and(eq(attentionItems.kind, abandonedSignupKind), sql`${attentionItems.data}->>'sessionId' = ${session.id}`))
    .limit(1);
  if (existing) return false;
  await tx
    .update(onboardingSessions)
    .set({ wabaId: waba.id, businessId: session.businessId ?? waba.businessId, updatedAt: new Date() })
    .where(and(eq(onboardingSessions.id, session.id), isNull(onboardingSessions.wabaId)));
  await tx.insert(onboardingEvents).values({ sessionId: session.id, type: 'abandoned_signup', data: { wabaId: waba.metaWabaId } });
  const business = owner?.name
    ? `${owner.name} (business portfolio ${owner.metaBusinessId})`
    : owner
      ? `Business portfolio ${owner.metaBusinessId}`
      : session.reportedBusinessId
        ? `Business portfolio ${session.reportedBusinessId}`
        : 'A customer';
  await tx.insert(attentionItems).values({
    wabaId: waba.metaWabaId,
    kind: abandonedSignupKind,
    message: `${business} finished Embedded Signup and shared WABA ${waba.metaWabaId} with us, but the signup never completed here: the page was closed or its session ran out of time (onboarding ${session.id}). Reach out to them to finish connecting.`,
    data: { sessionId: session.id, metaBusinessId: owner?.metaBusinessId ?? session.reportedBusinessId ?? null },
  });
  return true;
}
