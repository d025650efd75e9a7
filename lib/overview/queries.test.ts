import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { onboardingSessions, wabas, type OnboardingSession } from '@/lib/db/schema';
import { customersByState, customerStateCounts, periodStarts, signupCounts, signupFunnel, stoppedOnboardings } from '@/lib/overview/queries';

// The Overview's figures from rows written here: each one moves when the data does.

type NewSession = Partial<typeof onboardingSessions.$inferInsert>;

async function session(values: NewSession = {}): Promise<OnboardingSession> {
  const [row] = await db()
    .insert(onboardingSessions)
    .values({ browserKeyHash: 'hash', flow: 'default', partnerType: 'solution_partner', expiresAt: new Date(Date.now() + 3_600_000), ...values })
    .returning();
  return row!;
}

let wabaCounter = 0;
async function waba(status: 'connected' | 'disconnected' | 'deleted' = 'connected'): Promise<string> {
  wabaCounter += 1;
  const [row] = await db()
    .insert(wabas)
    .values({ metaWabaId: `29${String(process.pid).padStart(6, '0')}${String(wabaCounter).padStart(6, '0')}`, name: `Customer ${wabaCounter}`, status })
    .returning({ id: wabas.id });
  return row!.id;
}

const at = (iso: string) => new Date(iso);

beforeEach(async () => {
  await db().execute(
    sql`truncate table onboarding_events, operation_events, operation_steps, operation_runs, graph_calls, onboarding_sessions, phone_numbers, business_tokens, wabas cascade`,
  );
});

describe('customersByState', () => {
  it('counts each WABA once by its latest onboarding, and moves when a new onboarding or a removal arrives', async () => {
    expect(await customersByState()).toEqual({ live: 0, connected: 0, waiting_on_partner: 0, action_needed: 0, failed: 0, in_progress: 0, disconnected: 0 });

    const a = await waba();
    await session({ wabaId: a, status: 'live', createdAt: at('2030-01-01T10:00:00Z') });
    const b = await waba();
    await session({ wabaId: b, status: 'running' });
    const c = await waba();
    await session({ wabaId: c, status: 'connected' });
    const d = await waba();
    await session({ wabaId: d, status: 'waiting_on_partner' });
    const e = await waba();
    await session({ wabaId: e, status: 'action_needed' });
    // Sessions without a WABA (cancelled in the window) are not customers.
    await session({ status: 'cancelled', cancelStep: 'PERMISSIONS' });
    expect(await customersByState()).toEqual({ live: 1, connected: 1, waiting_on_partner: 1, action_needed: 1, failed: 0, in_progress: 1, disconnected: 0 });

    // A later onboarding of the same WABA replaces its state.
    await session({ wabaId: a, status: 'failed', createdAt: at('2030-01-02T10:00:00Z') });
    expect(await customersByState()).toMatchObject({ live: 0, failed: 1 });

    // A customer that removed us is disconnected, whatever its onboarding said.
    await db().update(wabas).set({ status: 'disconnected' }).where(eq(wabas.id, d));
    expect(await customersByState()).toMatchObject({ waiting_on_partner: 0, disconnected: 1 });
  });
});

describe('customerStateCounts', () => {
  it('is exact while there are few accounts, and past the bound estimates from a sample that follows the data', async () => {
    for (let i = 0; i < 6; i++) await session({ wabaId: await waba(), status: 'live' });
    await session({ wabaId: await waba(), status: 'failed' });
    expect(await customerStateCounts()).toMatchObject({ exact: true, counts: { live: 6, failed: 1 } });

    // The estimate reads the table's statistics; with a sample as large as the table it equals the exact count.
    await db().execute(sql`analyze wabas`);
    const estimated = await customerStateCounts({ exactUpTo: 3, sampleRows: 1_000_000 });
    expect(estimated).toMatchObject({ exact: false, sampled: 7, accounts: 7, counts: { live: 6, failed: 1, connected: 0 } });

    await session({ wabaId: await waba(), status: 'connected' });
    await db().execute(sql`analyze wabas`);
    expect(await customerStateCounts({ exactUpTo: 3, sampleRows: 1_000_000 })).toMatchObject({ exact: false, accounts: 8, counts: { live: 6, connected: 1 } });
  });
});

describe('signupCounts', () => {
  it('takes UTC days and weeks from Monday', () => {
    expect(periodStarts(at('2030-01-03T23:59:00Z'))).toEqual({ today: at('2030-01-03T00:00:00Z'), week: at('2029-12-31T00:00:00Z') });
    expect(periodStarts(at('2029-12-31T00:00:00Z')).week).toEqual(at('2029-12-31T00:00:00Z'));
    expect(periodStarts(at('2030-01-06T12:00:00Z')).week).toEqual(at('2029-12-31T00:00:00Z'));
  });

  it('counts customers who finished the signup window today and this week, not page views, cancels or expired sessions', async () => {
    const now = at('2030-01-03T15:00:00Z'); // a Thursday
    expect(await signupCounts(now)).toEqual({ today: 0, week: 0 });
    await session({ status: 'live', createdAt: at('2030-01-03T09:00:00Z') });
    await session({ status: 'failed', createdAt: at('2030-01-03T01:00:00Z') });
    await session({ status: 'action_needed', createdAt: at('2029-12-31T08:00:00Z') }); // Monday
    await session({ status: 'live', createdAt: at('2029-12-30T23:00:00Z') }); // last Sunday
    await session({ status: 'started', createdAt: at('2030-01-03T10:00:00Z') });
    await session({ status: 'cancelled', createdAt: at('2030-01-03T10:00:00Z') });
    await session({ status: 'errored', createdAt: at('2030-01-03T10:00:00Z') });
    await session({ status: 'expired', createdAt: at('2030-01-03T10:00:00Z') });
    expect(await signupCounts(now)).toEqual({ today: 2, week: 3 });
    await session({ status: 'running', createdAt: at('2030-01-03T14:59:00Z') });
    expect(await signupCounts(now)).toEqual({ today: 3, week: 4 });
  });
});

describe('signupFunnel', () => {
  it('follows the last 30 days from page opened to live, with cancels by the screen they closed on', async () => {
    const now = at('2030-02-01T12:00:00Z');
    expect(await signupFunnel(now)).toMatchObject({ opened: 0, launched: 0, completed: 0, live: 0, errored: 0, cancels: [] });
    const recent = at('2030-01-30T12:00:00Z');
    const launchedAt = recent;
    await session({ createdAt: recent });
    await session({ createdAt: recent, launchedAt, status: 'cancelled', cancelStep: 'PHONE_NUMBER_SETUP' });
    await session({ createdAt: recent, launchedAt, status: 'cancelled', cancelStep: 'PHONE_NUMBER_SETUP' });
    await session({ createdAt: recent, launchedAt, status: 'cancelled', cancelStep: null });
    await session({ createdAt: recent, launchedAt, status: 'errored' });
    await session({ createdAt: recent, launchedAt, status: 'action_needed' });
    await session({ createdAt: recent, launchedAt, status: 'live' });
    await session({ createdAt: at('2029-12-01T12:00:00Z'), launchedAt, status: 'live' }); // older than 30 days
    expect(await signupFunnel(now)).toMatchObject({
      opened: 7,
      launched: 6,
      completed: 2,
      live: 1,
      errored: 1,
      cancels: [
        { step: 'PHONE_NUMBER_SETUP', count: 2 },
        { step: null, count: 1 },
      ],
    });
    await session({ createdAt: recent, launchedAt, status: 'live' });
    expect(await signupFunnel(now)).toMatchObject({ opened: 8, launched: 7, completed: 3, live: 2 });
  });
});

describe('stoppedOnboardings', () => {
  it('lists failed onboardings with a WABA until a later onboarding of that WABA takes over', async () => {
    const a = await waba();
    const failed = await session({ wabaId: a, status: 'failed', statusMessage: 'Register the phone number failed.', createdAt: at('2030-01-01T10:00:00Z') });
    await session({ status: 'failed', statusMessage: 'The code could not be exchanged.' }); // no WABA: the customer starts again
    expect((await stoppedOnboardings()).map((r) => r.id)).toEqual([failed.id]);
    await session({ wabaId: a, status: 'live', createdAt: at('2030-01-02T10:00:00Z') });
    expect(await stoppedOnboardings()).toEqual([]);
  });
});
