import { and, asc, desc, eq, inArray, isNull, not, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { boundedCount, type Count } from '@/lib/estimate';
import { cursorText, decodeCursor, olderThan, pageOf, type Page } from '@/lib/pagination';
import { runProgress } from '@/lib/operations/progress';
import {
  businessTokens,
  businesses,
  graphCalls,
  onboardingEvents,
  onboardingSessions,
  onboardingStatuses,
  operationEvents,
  phoneNumbers,
  signupFlows,
  signupLinks,
  wabas,
} from '@/lib/db/schema';

// What the staff dashboard reads about onboardings: the filtered list and one onboarding in full.

const optionalFilter = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** The list's query string; a value that is not one of the choices is ignored rather than an error. */
export const onboardingFiltersSchema = z.object({
  status: optionalFilter(z.enum(onboardingStatuses)),
  flow: optionalFilter(z.enum(signupFlows)),
  link: optionalFilter(z.uuid()),
  /** Sessions whose page was opened but whose button was never clicked are hidden unless asked for. */
  include: optionalFilter(z.literal('unlaunched')),
  /** The next page's cursor (lib/pagination.ts). */
  cursor: optionalFilter(z.string().max(200)),
});

export type OnboardingFilters = z.output<typeof onboardingFiltersSchema>;

export type OnboardingListRow = {
  id: string;
  createdAt: Date;
  status: (typeof onboardingStatuses)[number];
  statusMessage: string | null;
  flow: (typeof signupFlows)[number];
  partnerType: string;
  linkId: string | null;
  linkLabel: string | null;
  businessName: string | null;
  wabaName: string | null;
  metaWabaId: string | null;
};

export const onboardingPageSize = 25;

/** Opened and never launched: a page view, not yet an onboarding. */
const neverLaunched = and(isNull(onboardingSessions.launchedAt), inArray(onboardingSessions.status, ['started', 'expired']))!;

function filterConditions(filters: OnboardingFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(eq(onboardingSessions.status, filters.status));
  if (filters.flow) conditions.push(eq(onboardingSessions.flow, filters.flow));
  if (filters.link) conditions.push(eq(onboardingSessions.linkId, filters.link));
  return conditions;
}

/**
 * How many sessions the list hides because they were never launched (none when they are shown): an
 * estimate past 1,000, from the combined statistics of status and launched_at (see the migration).
 */
export async function countHiddenUnlaunched(filters: OnboardingFilters): Promise<Count> {
  if (filters.include === 'unlaunched') return { n: 0, exact: true };
  const query = db()
    .select({ one: sql`1` })
    .from(onboardingSessions)
    .where(and(...filterConditions(filters), neverLaunched));
  return boundedCount(query.getSQL());
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listOnboardings(filters: OnboardingFilters, limit = onboardingPageSize): Promise<Page<OnboardingListRow>> {
  const conditions = filterConditions(filters);
  if (filters.include !== 'unlaunched') conditions.push(not(neverLaunched));
  const cursor = decodeCursor(filters.cursor);
  if (cursor) conditions.push(olderThan(onboardingSessions.createdAt, onboardingSessions.id, cursor));
  const rows = await db()
    .select({
      cursorAt: cursorText(onboardingSessions.createdAt),
      id: onboardingSessions.id,
      createdAt: onboardingSessions.createdAt,
      status: onboardingSessions.status,
      statusMessage: onboardingSessions.statusMessage,
      flow: onboardingSessions.flow,
      partnerType: onboardingSessions.partnerType,
      linkId: onboardingSessions.linkId,
      linkLabel: signupLinks.label,
      businessName: businesses.name,
      wabaName: wabas.name,
      metaWabaId: wabas.metaWabaId,
    })
    .from(onboardingSessions)
    .leftJoin(signupLinks, eq(signupLinks.id, onboardingSessions.linkId))
    .leftJoin(wabas, eq(wabas.id, onboardingSessions.wabaId))
    .leftJoin(businesses, eq(businesses.id, onboardingSessions.businessId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(onboardingSessions.createdAt), desc(onboardingSessions.id))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (row) => ({ at: row.cursorAt, id: row.id }));
  return { items: page.items.map(({ cursorAt: _cursor, ...row }) => row), next: page.next };
}

/** Every link by label, for the list's filter. */
export async function linkChoices(): Promise<Array<{ id: string; label: string }>> {
  return db().select({ id: signupLinks.id, label: signupLinks.label }).from(signupLinks).orderBy(desc(signupLinks.createdAt));
}

/** One onboarding with everything staff need to see; the business token only by status, never its secret. */
export async function getOnboardingDetail(id: string) {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [session] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, id));
  if (!session) return undefined;
  const [link] = session.linkId
    ? await db().select({ id: signupLinks.id, label: signupLinks.label, token: signupLinks.token }).from(signupLinks).where(eq(signupLinks.id, session.linkId))
    : [];
  const [business] = session.businessId
    ? await db().select({ metaBusinessId: businesses.metaBusinessId, name: businesses.name }).from(businesses).where(eq(businesses.id, session.businessId))
    : [];
  const [token] = session.tokenId
    ? await db()
        .select({ status: businessTokens.status, expiresAt: businessTokens.expiresAt, scopes: businessTokens.scopes, createdAt: businessTokens.createdAt })
        .from(businessTokens)
        .where(eq(businessTokens.id, session.tokenId))
    : [];
  const [waba] = session.wabaId ? await db().select().from(wabas).where(eq(wabas.id, session.wabaId)) : [];
  const numbers = waba
    ? await db()
        .select({
          id: phoneNumbers.id,
          metaPhoneNumberId: phoneNumbers.metaPhoneNumberId,
          displayPhoneNumber: phoneNumbers.displayPhoneNumber,
          verifiedName: phoneNumbers.verifiedName,
          status: phoneNumbers.status,
          nameStatus: phoneNumbers.nameStatus,
          qualityRating: phoneNumbers.qualityRating,
          codeVerificationStatus: phoneNumbers.codeVerificationStatus,
          platformType: phoneNumbers.platformType,
          throughputLevel: phoneNumbers.throughputLevel,
          isOnBizApp: phoneNumbers.isOnBizApp,
          registeredAt: phoneNumbers.registeredAt,
          syncedAt: phoneNumbers.syncedAt,
        })
        .from(phoneNumbers)
        .where(eq(phoneNumbers.wabaId, waba.id))
        .orderBy(asc(phoneNumbers.createdAt))
    : [];
  const progress = (await runProgress(session.id)) ?? null;
  // The signup's own events and its run's (steps started, retried, done), in time order.
  const [signupEvents, runEvents] = await Promise.all([
    db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, session.id)).orderBy(asc(onboardingEvents.id)),
    db().select().from(operationEvents).where(eq(operationEvents.runId, session.id)).orderBy(asc(operationEvents.id)),
  ]);
  // A stable sort: at the same instant the signup's events come before its run's.
  const events = [...signupEvents, ...runEvents.map(({ runId, ...e }) => ({ ...e, sessionId: runId }))].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
  );
  const calls = await db().select().from(graphCalls).where(eq(graphCalls.sessionId, session.id)).orderBy(asc(graphCalls.id));
  const { browserKeyHash: _key, ...safeSession } = session;
  return { session: safeSession, link: link ?? null, business: business ?? null, token: token ?? null, waba: waba ?? null, numbers, progress, events, calls };
}

export type OnboardingDetail = NonNullable<Awaited<ReturnType<typeof getOnboardingDetail>>>;
