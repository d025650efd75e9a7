import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { matchingAccountIds, type AccountFilter } from '@/lib/accounts/list';
import type { AccountResult, BulkAction } from '@/lib/bulk/account-steps';
import { bulkAccountsOperation, bulkPlanOf, bulkSubject } from '@/lib/bulk/operation';
import { db, rowsOf } from '@/lib/db/client';
import { operationRuns, operationSteps, wabas, type OperationRun } from '@/lib/db/schema';
import { keyOf } from '@/lib/operations/registry';
import { cancelRuns, startRun } from '@/lib/operations/control';
import { decodeCursor, encodeCursor, pageLimit, type Page } from '@/lib/pagination';
import { UserError } from '@/lib/user-error';

// Starting, listing, reading and cancelling bulk runs over WhatsApp Business Accounts.

/** Accounts one bulk run takes; a larger selection is narrowed by its filter first. */
export const maxBulkAccounts = 1000;

export type BulkSelection = { wabaIds: string[] } | { filter: AccountFilter };

/** Meta WABA ids of the selection that we have on record, in list order, at most `maxBulkAccounts`. */
async function resolveSelection(selection: BulkSelection): Promise<string[]> {
  if ('filter' in selection) {
    const { ids, more } = await matchingAccountIds(selection.filter, maxBulkAccounts);
    if (more)
      throw new UserError(
        `Over ${maxBulkAccounts.toLocaleString('en')} accounts match: narrow the filter so that a run takes at most ${maxBulkAccounts.toLocaleString('en')}.`,
      );
    return ids;
  }
  const wanted = [...new Set(selection.wabaIds)];
  if (wanted.length > maxBulkAccounts) throw new UserError(`Select at most ${maxBulkAccounts.toLocaleString('en')} accounts for one run.`);
  if (wanted.length === 0) return [];
  const known = await db().select({ id: wabas.metaWabaId }).from(wabas).where(inArray(wabas.metaWabaId, wanted));
  const ours = new Set(known.map((k) => k.id));
  return wanted.filter((id) => ours.has(id));
}

/** Starts a bulk run; returns its id and how many accounts it covers. */
export async function startBulkRun(action: BulkAction, selection: BulkSelection, audit: Auditor): Promise<{ runId: string; accounts: number }> {
  const wabaIds = await resolveSelection(selection);
  if (wabaIds.length === 0) throw new UserError('No accounts were selected (or none of them is on record any more).');
  const { runId } = await startRun(bulkAccountsOperation, {
    subjectId: bulkSubject.id,
    input: { action, wabaIds, ...('filter' in selection && { filter: selection.filter }) },
    createdBy: audit.actorId,
  });
  await audit.record(db(), { target: runId, details: { action, accounts: wabaIds.length, by: 'filter' in selection ? 'filter' : 'selection' } });
  return { runId, accounts: wabaIds.length };
}

export async function cancelBulkRun(runId: string, audit: Auditor): Promise<void> {
  const [run] = await db().select({ status: operationRuns.status, operation: operationRuns.operation }).from(operationRuns).where(eq(operationRuns.id, runId));
  if (!run || run.operation !== bulkAccountsOperation.name) throw new UserError('This bulk run does not exist.');
  if (run.status !== 'running') throw new UserError('This bulk run has already ended.');
  await db().transaction(async (tx) => {
    await cancelRuns(bulkAccountsOperation, [runId], 'Cancelled by staff: accounts not yet started were left as they were.', tx);
    await audit.record(tx, { target: runId });
  });
}

export type BulkRunSummary = {
  id: string;
  action: BulkAction;
  status: OperationRun['status'];
  statusMessage: string | null;
  createdAt: Date;
  createdByName: string | null;
  total: number;
  settled: number;
  failed: number;
};

type RawSummary = Omit<BulkRunSummary, 'createdAt'> & { createdMs: number; cursorAt: string };

/** Bulk runs, newest first, with their counts (one grouped read, not every step). */
export async function listBulkRuns(options: { cursor?: string | null; limit?: number } = {}): Promise<Page<BulkRunSummary>> {
  const limit = pageLimit(options.limit, 25, 100);
  const after = decodeCursor(options.cursor);
  const keyset = after && /^[0-9a-f-]{36}$/i.test(after.id) ? sql`and (r.created_at, r.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  const rows = rowsOf<RawSummary>(
    await db().execute(sql`
      select r.id, r.input ->> 'action' as action, r.status, r.status_message as "statusMessage",
        (extract(epoch from r.created_at) * 1000)::float8 as "createdMs", r.created_at::text as "cursorAt", u.name as "createdByName",
        (select count(*)::int from operation_steps s where s.run_id = r.id) as total,
        (select count(*)::int from operation_steps s where s.run_id = r.id and s.status in ('done', 'skipped')) as settled,
        (select count(*)::int from operation_steps s where s.run_id = r.id and s.result ->> 'outcome' in ('failed', 'needs_reauth')) as failed
      from operation_runs r left join staff_users u on u.id = r.created_by
      where r.subject_type = ${bulkSubject.type} and r.subject_id = ${bulkSubject.id} ${keyset}
      order by r.created_at desc, r.id desc limit ${limit + 1}`),
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(({ createdMs, cursorAt: _c, ...rest }) => ({ ...rest, createdAt: new Date(Number(createdMs)) })),
    next: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

/** A bulk run's plan (its action and accounts), or undefined when the id is not a bulk run's. */
export async function bulkRunPlan(runId: string) {
  const [run] = await db().select({ input: operationRuns.input, operation: operationRuns.operation }).from(operationRuns).where(eq(operationRuns.id, runId));
  return run && run.operation === bulkAccountsOperation.name ? bulkPlanOf(run) : undefined;
}

export type AccountStep = {
  metaWabaId: string;
  wabaName: string | null;
  status: (typeof operationSteps.$inferSelect)['status'];
  attempts: number;
  result: AccountResult | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
};

/** One account per row of a bulk run, in the run's order, with its result or its last error. */
export async function bulkRunAccounts(runId: string): Promise<AccountStep[]> {
  const rows = await db()
    .select({ step: operationSteps, wabaName: wabas.name })
    .from(operationSteps)
    .leftJoin(wabas, eq(wabas.metaWabaId, sql`split_part(${operationSteps.name}, ':', 2)`))
    .where(and(eq(operationSteps.runId, runId)))
    .orderBy(asc(operationSteps.name));
  return rows.map(({ step, wabaName }) => ({
    metaWabaId: keyOf(step.name) ?? step.name,
    wabaName,
    status: step.status,
    attempts: step.attempts,
    result: (step.result as AccountResult | null) ?? null,
    lastErrorCode: step.lastErrorCode,
    lastErrorMessage: step.lastErrorMessage,
  }));
}
