import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { businesses, solutions, wabas } from '@/lib/db/schema';
import { createSignupLink } from '@/lib/onboarding/links';
import { openOnboardingSession } from '@/lib/onboarding/sessions';
import { countSolutionCustomers, onboardingLimit, solutionSignupRefusal, windowMs } from '@/lib/solutions/limit';
import { writeSettings, type PartnerType } from '@/lib/settings';
import { sql } from 'drizzle-orm';

// The Tech Provider limit of 200 new customers per rolling 7 days (Meta: Multi-Partner Solutions,
// "Onboarding Limits"), counted from our own rows; the clock is faked to move the window.

const solutionId = '7100000000000001';
const hour = 3600_000;
let seq = 0;

async function partner(type: PartnerType) {
  await writeSettings({ 'partner.type': type }, new Auditor(null, 'settings.update'));
}

/** A customer business with WABAs created at the given times; `solution` says which came through the solution. */
async function customer(wabasAt: Array<{ at: Date; solution: boolean }>) {
  seq += 1;
  const [business] = await db()
    .insert(businesses)
    .values({ metaBusinessId: `31${String(seq).padStart(14, '0')}` })
    .returning();
  for (const [i, w] of wabasAt.entries()) {
    await db()
      .insert(wabas)
      .values({ metaWabaId: `22${String(seq).padStart(10, '0')}${i}`, businessId: business!.id, solutionId: w.solution ? solutionId : null, createdAt: w.at });
  }
}

/** `n` customers, each with one solution WABA, the first at `from` and one every `stepMs` after. */
async function customers(n: number, from: Date, stepMs = 60_000) {
  const base = seq;
  seq += n;
  const rows = Array.from({ length: n }, (_, i) => ({ metaBusinessId: `32${String(base + i).padStart(14, '0')}` }));
  const inserted = await db().insert(businesses).values(rows).returning({ id: businesses.id });
  await db()
    .insert(wabas)
    .values(
      inserted.map((b, i) => ({
        metaWabaId: `23${String(base + i).padStart(12, '0')}`,
        businessId: b.id,
        solutionId,
        createdAt: new Date(from.getTime() + i * stepMs),
      })),
    );
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
});

beforeEach(async () => {
  vi.setSystemTime(new Date('2026-03-10T12:00:00Z'));
  await db().execute(sql`truncate table wabas, businesses, solutions cascade`);
  await db()
    .insert(solutions)
    .values({ metaSolutionId: solutionId, name: 'Brew Tech x Onramp', status: 'ACTIVE', pendingRequestStatus: 'NONE', role: 'partner' });
  await partner('tech_provider');
});

afterEach(() => {
  vi.setSystemTime(new Date('2026-03-10T12:00:00Z'));
});

describe('counting new customers through solutions', () => {
  it('counts each customer once, from its first WABA with us, only when that WABA came through a solution in the last 7 days', async () => {
    const now = new Date();
    await customer([
      { at: new Date(now.getTime() - 2 * hour), solution: true },
      { at: new Date(now.getTime() - hour), solution: true },
    ]);
    // First with us outside a solution: not new when it later joins one.
    await customer([
      { at: new Date(now.getTime() - 30 * 24 * hour), solution: false },
      { at: new Date(now.getTime() - hour), solution: true },
    ]);
    // Outside the window.
    await customer([{ at: new Date(now.getTime() - 8 * 24 * hour), solution: true }]);
    await customer([{ at: new Date(now.getTime() - 3 * hour), solution: true }]);
    const counted = await countSolutionCustomers();
    expect(counted.count).toBe(2);
    expect(counted.oldest).toEqual(new Date(now.getTime() - 3 * hour));
  });

  it('resets one place when the oldest counted customer leaves the rolling window', async () => {
    const start = new Date();
    await customers(3, new Date(start.getTime() - 6 * 24 * hour), hour);
    const before = await onboardingLimit();
    expect(before).toMatchObject({ applies: true, count: 3, warning: false, reached: false });
    expect(before.resetsAt).toEqual(new Date(start.getTime() - 6 * 24 * hour + windowMs));

    vi.setSystemTime(new Date(before.resetsAt!.getTime() + 1));
    const after = await onboardingLimit();
    expect(after.count).toBe(2);
    expect(after.resetsAt).toEqual(new Date(before.resetsAt!.getTime() + hour));
  });

  it('warns from 160 customers and refuses a solution signup at 200, telling the customer when to try again', async () => {
    const now = new Date();
    await customers(160, new Date(now.getTime() - 2 * 24 * hour));
    expect(await onboardingLimit()).toMatchObject({ count: 160, warning: true, reached: false });
    expect(await solutionSignupRefusal({ solutionId })).toBeNull();

    await customers(40, new Date(now.getTime() - 24 * hour));
    const limit = await onboardingLimit();
    expect(limit).toMatchObject({ count: 200, warning: true, reached: true });
    expect(limit.resetsAt).toEqual(new Date(now.getTime() - 2 * 24 * hour + windowMs));
    expect(await solutionSignupRefusal({ solutionId })).toBe(
      'We cannot connect new accounts through this partner solution right now: Meta limits how many new customers we may connect through it each week, and this week’s limit is reached. Please try again after 15 Mar 2026, 12:00 UTC, or contact us.',
    );
    // A signup outside a solution is not limited.
    expect(await solutionSignupRefusal({ solutionId: null })).toBeNull();

    const link = await createSignupLink({ label: 'Solution link', flow: 'mps', solutionId, singleUse: false, prefill: {} }, null);
    const refused = await openOnboardingSession(link.token);
    expect(refused).toMatchObject({ problem: 'limit_reached', message: expect.stringContaining('Please try again after 15 Mar 2026') });
    const plain = await createSignupLink({ label: 'Plain link', flow: 'default', singleUse: false, prefill: {} }, null);
    expect(await openOnboardingSession(plain.token)).toHaveProperty('sessionId');

    // Once the oldest leave the window, the same link opens again.
    vi.setSystemTime(new Date(limit.resetsAt!.getTime() + 1));
    expect(await openOnboardingSession(link.token)).toHaveProperty('sessionId');
  });

  it('applies only to a Tech Provider with an Active solution', async () => {
    await customers(200, new Date(Date.now() - 24 * hour));
    await partner('solution_partner');
    expect(await onboardingLimit()).toMatchObject({ applies: false, count: 200, reached: false });
    expect(await solutionSignupRefusal({ solutionId })).toBeNull();
    await partner('tech_provider');
    await db().update(solutions).set({ status: 'DEACTIVATED' });
    expect(await onboardingLimit()).toMatchObject({ applies: false, reached: false });
  });
});
