import { and, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { db, rowsOf } from '@/lib/db/client';
import { tableRows } from '@/lib/estimate';
import { businesses, onboardingSessions, wabas } from '@/lib/db/schema';

// The Overview's figures, all from our own rows: customers by where their onboarding stands,
// signups, the 30-day funnel and the onboardings that stopped.

export const customerStates = ['live', 'connected', 'waiting_on_partner', 'action_needed', 'failed', 'in_progress', 'disconnected'] as const;
export type CustomerState = (typeof customerStates)[number];

const stateOfLatest = sql.raw(`case
    when w.status <> 'connected' then 'disconnected'
    when latest.status in ('started', 'exchanging', 'running') then 'in_progress'
    when latest.status in ('failed', 'rejected') then 'failed'
    else latest.status
  end`);

/** Each WABA of `accounts` (a FROM item aliased w) by its latest onboarding; `sampled` counts the accounts looked at. */
async function countStates(accounts: SQL): Promise<{ counts: Record<CustomerState, number>; sampled: number }> {
  const result = await db().execute(sql`
    with accounts as (select w.id, w.status from ${accounts})
    select state, count(*)::int as n, (select count(*)::int from accounts) as sampled from (
      select ${stateOfLatest} as state
        from accounts w
        join lateral (
          select o.status from ${onboardingSessions} o
           where o.waba_id = w.id
           order by o.created_at desc, o.id desc
           limit 1
        ) latest on true
    ) states
    group by state`);
  const counts = Object.fromEntries(customerStates.map((state) => [state, 0])) as Record<CustomerState, number>;
  let sampled = 0;
  for (const row of rowsOf<{ state: string; n: number; sampled: number }>(result)) {
    if ((customerStates as readonly string[]).includes(row.state)) counts[row.state as CustomerState] = Number(row.n);
    sampled = Number(row.sampled);
  }
  return { counts, sampled };
}

/**
 * Every WABA onboarded here, counted once, by its latest onboarding; a WABA that removed us (or was
 * deleted) counts as disconnected whatever its onboarding said.
 */
export async function customersByState(): Promise<Record<CustomerState, number>> {
  return (await countStates(sql`${wabas} w`)).counts;
}

/** Up to this many accounts the Overview counts exactly; past it, it estimates from a sample. */
export const exactCustomerBound = 20_000;
/** About how many accounts the sample looks at. */
export const customerSampleRows = 2_500;

export type CustomerCounts = {
  counts: Record<CustomerState, number>;
  /** false: `counts` are scaled up from a sample of `sampled` of about `accounts` accounts. */
  exact: boolean;
  sampled: number;
  accounts: number;
};

/**
 * The Overview's customers by state without walking every account: exact while there are at most
 * `exactUpTo` accounts (by the table's statistics), beyond that estimated from a fixed random sample
 * of the table's pages (TABLESAMPLE SYSTEM, repeatable, so that reloading shows the same figures).
 */
export async function customerStateCounts(options: { exactUpTo?: number; sampleRows?: number } = {}): Promise<CustomerCounts> {
  const accounts = await tableRows('wabas');
  if (accounts <= (options.exactUpTo ?? exactCustomerBound)) {
    const counts = await customersByState();
    return { counts, exact: true, sampled: accounts, accounts };
  }
  const percent = Math.min(100, ((options.sampleRows ?? customerSampleRows) / accounts) * 100);
  const { counts, sampled } = await countStates(sql`${wabas} w tablesample system (${sql.raw(percent.toFixed(4))}) repeatable (0)`);
  const scale = sampled > 0 ? accounts / sampled : 0;
  const scaled = Object.fromEntries(customerStates.map((state) => [state, Math.round(counts[state] * scale)])) as Record<CustomerState, number>;
  return { counts: scaled, exact: false, sampled, accounts };
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
