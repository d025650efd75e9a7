import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { db, rowsOf } from '@/lib/db/client';
import { businesses, onboardingSessions, wabas } from '@/lib/db/schema';

// The Overview's figures, all from our own rows: customers by where their onboarding stands,
// signups, the 30-day funnel and the onboardings that stopped.

export const customerStates = ['live', 'connected', 'waiting_on_partner', 'action_needed', 'failed', 'in_progress', 'disconnected'] as const;
export type CustomerState = (typeof customerStates)[number];

/**
 * Every WABA onboarded here, counted once, by its latest onboarding; a WABA that removed us (or was
 * deleted) counts as disconnected whatever its onboarding said.
 */
export async function customersByState(): Promise<Record<CustomerState, number>> {
  const result = await db().execute(sql`
    select state, count(*)::int as n from (
      select case
               when w.status <> 'connected' then 'disconnected'
               when latest.status in ('started', 'exchanging', 'running') then 'in_progress'
               when latest.status in ('failed', 'rejected') then 'failed'
               else latest.status
             end as state
        from ${wabas} w
        join lateral (
          select o.status from ${onboardingSessions} o
           where o.waba_id = w.id
           order by o.created_at desc, o.id desc
           limit 1
        ) latest on true
    ) states
    group by state`);
  const counts = Object.fromEntries(customerStates.map((state) => [state, 0])) as Record<CustomerState, number>;
  for (const row of rowsOf<{ state: string; n: number }>(result)) {
    if ((customerStates as readonly string[]).includes(row.state)) counts[row.state as CustomerState] = Number(row.n);
  }
  return counts;
}

/** Midnight UTC of `now`'s day, and of the Monday of its week. */
export function periodStarts(now: Date): { today: Date; week: Date } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (today.getUTCDay() + 6) % 7;
  return { today, week: new Date(today.getTime() - sinceMonday * 86_400_000) };
}

// A signup is a customer who finished Meta's window: the session went past the popup (an expired one never did).
const finishedWindow = sql`${onboardingSessions.status} not in ('started', 'cancelled', 'errored', 'expired')`;

export type SignupCounts = { today: number; week: number };

/** Signups since midnight UTC and since Monday midnight UTC. */
export async function signupCounts(now: Date = new Date()): Promise<SignupCounts> {
  const { today, week } = periodStarts(now);
  const earliest = week < today ? week : today;
  const [row] = await db()
    .select({
      today: sql<number>`(count(*) filter (where ${onboardingSessions.createdAt} >= ${today.toISOString()}::timestamptz))::int`,
      week: sql<number>`(count(*) filter (where ${onboardingSessions.createdAt} >= ${week.toISOString()}::timestamptz))::int`,
    })
    .from(onboardingSessions)
    .where(
      and(
        finishedWindow,
        sql`${onboardingSessions.createdAt} >= ${earliest.toISOString()}::timestamptz`,
        sql`${onboardingSessions.createdAt} <= ${now.toISOString()}::timestamptz`,
      ),
    );
  return { today: Number(row?.today ?? 0), week: Number(row?.week ?? 0) };
}

export type Funnel = {
  since: Date;
  opened: number;
  launched: number;
  completed: number;
  live: number;
  errored: number;
  cancels: { step: string | null; count: number }[];
};

export const funnelDays = 30;

/** Signup pages opened in the last 30 days and how far each got; cancels by the screen they closed on. */
export async function signupFunnel(now: Date = new Date()): Promise<Funnel> {
  const since = new Date(now.getTime() - funnelDays * 86_400_000);
  const window = and(
    sql`${onboardingSessions.createdAt} >= ${since.toISOString()}::timestamptz`,
    sql`${onboardingSessions.createdAt} <= ${now.toISOString()}::timestamptz`,
  );
  const [[row], cancels] = await Promise.all([
    db()
      .select({
        opened: sql<number>`count(*)::int`,
        launched: sql<number>`count(${onboardingSessions.launchedAt})::int`,
        completed: sql<number>`(count(*) filter (where ${finishedWindow}))::int`,
        live: sql<number>`(count(*) filter (where ${onboardingSessions.status} = 'live'))::int`,
        errored: sql<number>`(count(*) filter (where ${onboardingSessions.status} = 'errored'))::int`,
      })
      .from(onboardingSessions)
      .where(window),
    db()
      .select({ step: onboardingSessions.cancelStep, count: sql<number>`count(*)::int` })
      .from(onboardingSessions)
      .where(and(window, eq(onboardingSessions.status, 'cancelled')))
      .groupBy(onboardingSessions.cancelStep)
      .orderBy(desc(sql`count(*)`), onboardingSessions.cancelStep),
  ]);
  return {
    since,
    opened: Number(row?.opened ?? 0),
    launched: Number(row?.launched ?? 0),
    completed: Number(row?.completed ?? 0),
    live: Number(row?.live ?? 0),
    errored: Number(row?.errored ?? 0),
    cancels: cancels.map((c) => ({ step: c.step, count: Number(c.count) })),
  };
}

/** Onboardings that stopped at a step, newest first: staff resume them (the customer is told so). */
export async function stoppedOnboardings(limit = 10) {
  return db()
    .select({
      id: onboardingSessions.id,
      updatedAt: onboardingSessions.updatedAt,
      statusMessage: onboardingSessions.statusMessage,
      businessName: businesses.name,
      wabaName: wabas.name,
      metaWabaId: wabas.metaWabaId,
    })
    .from(onboardingSessions)
    .leftJoin(wabas, eq(wabas.id, onboardingSessions.wabaId))
    .leftJoin(businesses, eq(businesses.id, onboardingSessions.businessId))
    .where(
      and(
        eq(onboardingSessions.status, 'failed'),
        isNotNull(onboardingSessions.wabaId),
        // A later onboarding of the same WABA took over.
        sql`not exists (select 1 from ${onboardingSessions} later where later.waba_id = ${onboardingSessions.wabaId} and later.created_at > ${onboardingSessions.createdAt})`,
      ),
    )
    .orderBy(desc(onboardingSessions.updatedAt), desc(onboardingSessions.id))
    .limit(limit);
}

/** Screens of Meta's signup window, by the `current_step` a cancel reports. */
export const cancelStepLabels: Record<string, string> = {
  BUSINESS_ACCOUNT_SELECTION: 'Choosing a business portfolio',
  WABA_PHONE_PROFILE_PICKER: 'Choosing a WhatsApp Business Account',
  PHONE_NUMBER_SETUP: 'Adding a phone number',
  PHONE_NUMBER_VERIFICATION: 'Verifying the phone number',
  WHATSAPP_BUSINESS_PROFILE_SETUP: 'Setting up the business profile',
  PERMISSIONS: 'Reviewing permissions',
};

export function cancelStepLabel(step: string | null): string {
  if (!step) return 'Closed the login window';
  return cancelStepLabels[step] ?? step;
}
