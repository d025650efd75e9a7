import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Auditor } from '@/lib/audit';
import { bulkConcurrency } from '@/lib/bulk/operation';
import { bulkRunAccounts, cancelBulkRun, startBulkRun } from '@/lib/bulk/runs';
import { db } from '@/lib/db/client';
import { businessTokens, operationEvents, operationRuns, phoneNumbers, wabas } from '@/lib/db/schema';
import { operationsIdle, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { createOnboarding, type Onboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// Bulk runs over real sandbox signups: the runner, the per-account steps and Meta's answers.

let meta: MetaSandbox;
let restore: () => void;
const accounts: Onboarding[] = [];
const audit = new Auditor(null, 'accounts.bulk_start');

beforeAll(async () => {
  meta = await startMetaSandbox();
  restore = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 150, runInProcess: true });
  for (let i = 0; i < 6; i++) accounts.push(await createOnboarding(meta, 'default', 'solution_partner'));
}, 60_000);

afterAll(async () => {
  await stopOperationWork();
  restore();
  await meta.close();
});

async function waitForRun(runId: string, statuses: string[], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [run] = await db().select().from(operationRuns).where(eq(operationRuns.id, runId));
    if (run && statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.status}, not ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function eventsOf(runId: string) {
  const rows = await db().select().from(operationEvents).where(eq(operationEvents.runId, runId)).orderBy(asc(operationEvents.id));
  return rows.map((r) => ({ type: r.type, ...(r.data as { step?: string; code?: string }) }));
}

/** The most steps that were at Meta at once, from the run's own start/end events. */
function maxInFlight(events: Awaited<ReturnType<typeof eventsOf>>): number {
  let now = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === 'step.started') now += 1;
    if (e.type === 'step.done' || e.type === 'step.skipped' || e.type === 'step.retrying' || e.type === 'step.failed') now -= 1;
    most = Math.max(most, now);
  }
  return most;
}

describe('bulk refresh', () => {
  test('refreshes every account, at most three at Meta at once, and starts nothing new while a rate-limited account waits for its retry', async () => {
    const ids = accounts.map((a) => a.metaWabaId);
    // Stored state that the refresh must correct from Meta.
    await db().update(wabas).set({ messagingLimit: null, accountReviewStatus: null }).where(eq(wabas.metaWabaId, ids[0]!));
    await meta.fault({ method: 'GET', path: '/{id}/phone_numbers', error: { code: 80007, message: '(#80007) Rate limit hit' }, next: 1 });

    const { runId, accounts: count } = await startBulkRun('refresh', { wabaIds: [...ids, ids[0]!, '999999999999'] }, audit);
    expect(count).toBe(6);
    const run = await waitForRun(runId, ['done', 'failed']);
    await operationsIdle();
    expect(run.status).toBe('done');
    expect(run.statusMessage).toBe('6 accounts: 6 done.');

    const results = await bulkRunAccounts(runId);
    expect(results.map((r) => r.metaWabaId).sort()).toEqual([...ids].sort());
    expect(results.every((r) => r.status === 'done' && r.result?.outcome === 'ok')).toBe(true);
    expect(results.filter((r) => r.attempts === 2)).toHaveLength(1);

    const events = await eventsOf(runId);
    expect(maxInFlight(events)).toBeLessThanOrEqual(bulkConcurrency);
    expect(maxInFlight(events)).toBeGreaterThan(1);
    const limited = events.findIndex((e) => e.type === 'step.retrying');
    expect(events[limited]).toMatchObject({ code: '80007' });
    const retryStart = events.findIndex((e, i) => i > limited && e.type === 'step.started' && e.step === events[limited]!.step);
    const startedMeanwhile = events.slice(limited + 1, retryStart).filter((e) => e.type === 'step.started');
    expect(startedMeanwhile).toEqual([]);

    const [refreshed] = await db().select().from(wabas).where(eq(wabas.metaWabaId, ids[0]!));
    expect(refreshed!.messagingLimit).not.toBeNull();
    expect(refreshed!.accountReviewStatus).not.toBeNull();
    const numbers = await db().select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, refreshed!.id));
    expect(numbers.length).toBeGreaterThan(0);
  }, 30_000);

  test('an account Meta refuses is that account’s result with Meta’s code; the others finish and the run is done', async () => {
    const [refused, ...rest] = accounts.slice(0, 3);
    await meta.fault({ method: 'GET', path: `/${refused!.metaWabaId}/subscribed_apps`, error: { code: 100, message: 'Unsupported get request' }, next: 1 });
    const { runId } = await startBulkRun('resubscribe', { wabaIds: [refused!.metaWabaId, ...rest.map((a) => a.metaWabaId)] }, audit);
    const run = await waitForRun(runId, ['done', 'failed']);
    await operationsIdle();
    expect(run.status).toBe('done');
    const results = await bulkRunAccounts(runId);
    expect(results.find((r) => r.metaWabaId === refused!.metaWabaId)?.result).toMatchObject({ outcome: 'failed', code: '100' });
    expect(results.filter((r) => r.result?.outcome === 'ok')).toHaveLength(2);
    expect(run.statusMessage).toBe('3 accounts: 2 done, 1 refused by Meta.');
  });

  test('a token the customer revoked is marked for reauthorization by the token check', async () => {
    const target = accounts[5]!;
    const revoked = await meta.control('POST', '/tokens/revoke', { token: target.tokenValue });
    expect(revoked.status).toBe(200);
    const { runId } = await startBulkRun('token_check', { wabaIds: [target.metaWabaId] }, audit);
    await waitForRun(runId, ['done', 'failed']);
    await operationsIdle();
    const [result] = await bulkRunAccounts(runId);
    expect(result!.result?.outcome).toBe('needs_reauth');
    const [waba] = await db().select({ id: wabas.id }).from(wabas).where(eq(wabas.metaWabaId, target.metaWabaId));
    const tokens = await db()
      .select({ status: businessTokens.status })
      .from(businessTokens)
      .where(and(eq(businessTokens.wabaId, waba!.id)));
    expect(tokens.map((t) => t.status)).toEqual(['needs_reauth']);
  });

  test('cancelling a run leaves the accounts not yet started untouched and starts nothing after', async () => {
    await meta.fault({ kind: 'latency', path: '/**', latencyMs: 300 });
    const ids = accounts.slice(0, 5).map((a) => a.metaWabaId);
    const { runId } = await startBulkRun('resubscribe', { wabaIds: ids }, audit);
    await cancelBulkRun(runId, new Auditor(null, 'accounts.bulk_cancel'));
    await operationsIdle();
    await meta.clearFaults();
    const [run] = await db().select().from(operationRuns).where(eq(operationRuns.id, runId));
    expect(run!.status).toBe('cancelled');
    const results = await bulkRunAccounts(runId);
    const started = results.filter((r) => r.attempts > 0);
    expect(started.length).toBeLessThanOrEqual(bulkConcurrency);
    expect(results.filter((r) => r.status === 'skipped' && r.attempts === 0)).toHaveLength(5 - started.length);
    await expect(cancelBulkRun(runId, new Auditor(null, 'accounts.bulk_cancel'))).rejects.toThrow('This bulk run has already ended.');
  });

  test('a selection of accounts we do not have is refused and starts nothing', async () => {
    const before = await db().select({ id: operationRuns.id }).from(operationRuns);
    await expect(startBulkRun('refresh', { wabaIds: ['999999999999'] }, audit)).rejects.toThrow('No accounts were selected');
    expect(await db().select({ id: operationRuns.id }).from(operationRuns)).toHaveLength(before.length);
  });
});
