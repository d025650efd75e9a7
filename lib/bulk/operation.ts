import type { OperationRun, OperationStep } from '@/lib/db/schema';
import {
  bulkActions,
  loadAccountContext,
  refreshStep,
  resubscribeStep,
  tokenCheckStep,
  type AccountContext,
  type AccountResult,
  type BulkAction,
  type BulkPlan,
} from '@/lib/bulk/account-steps';
import { defineOperation } from '@/lib/operations/types';

// A bulk action over many WhatsApp Business Accounts as one durable run: one keyed step per account
// (`refresh:<waba id>`), a few at Meta at a time, and after a rate-limit answer nothing new starts
// until that account's retry has gone through (Meta: Rate limits, "Graph API rate limits").

/** Accounts at Meta at once in one bulk run. */
export const bulkConcurrency = 3;

export const bulkSubject = { type: 'bulk', id: 'accounts' } as const;

export const bulkActionLabels: Record<BulkAction, string> = {
  refresh: 'Refresh from Meta',
  resubscribe: 'Subscribe our app again',
  token_check: 'Check tokens',
};

export function bulkPlanOf(run: Pick<OperationRun, 'input'>): BulkPlan {
  const input = run.input as Partial<BulkPlan>;
  const action = (bulkActions as readonly string[]).includes(input.action ?? '') ? (input.action as BulkAction) : 'refresh';
  return { action, wabaIds: Array.isArray(input.wabaIds) ? input.wabaIds.filter((id): id is string => typeof id === 'string') : [] };
}

/** "12 accounts: 10 done, 2 need reauthorization." */
export function summarize(steps: Pick<OperationStep, 'status' | 'result'>[]): string {
  const counts = { ok: 0, failed: 0, needs_reauth: 0, skipped: 0 };
  for (const step of steps) {
    const outcome = (step.result as AccountResult | null)?.outcome;
    if (outcome) counts[outcome] += 1;
  }
  const parts = [
    counts.ok > 0 ? `${counts.ok} done` : null,
    counts.needs_reauth > 0 ? `${counts.needs_reauth} need reauthorization` : null,
    counts.failed > 0 ? `${counts.failed} refused by Meta` : null,
    counts.skipped > 0 ? `${counts.skipped} no longer on record` : null,
  ].filter(Boolean);
  return `${steps.length} ${steps.length === 1 ? 'account' : 'accounts'}: ${parts.join(', ') || 'nothing done'}.`;
}

export const bulkAccountsOperation = defineOperation<BulkPlan, AccountContext>({
  name: 'accounts.bulk',
  subjectType: 'bulk',
  title: 'Bulk account action',
  steps: [refreshStep, resubscribeStep, tokenCheckStep],
  concurrency: bulkConcurrency,
  planOf: bulkPlanOf,
  keysOf: (plan) => plan.wabaIds,
  context: (_run, step) => loadAccountContext(step.key),
  async onDone(_tx, _run, steps) {
    return summarize(steps);
  },
});
