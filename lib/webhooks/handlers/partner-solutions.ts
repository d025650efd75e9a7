import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rootCause } from '@/lib/db/client';
import { solutions } from '@/lib/db/schema';
import { enqueue, jobsStarted } from '@/lib/jobs';
import { log } from '@/lib/log';
import { refreshSolutionJob } from '@/lib/solutions/jobs';
import { changeTime, parseValue } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// partner_solutions (docs/meta/multi-partner-solutions.md, docs/meta/webhooks.md#partner-solutions): entry.id is our business portfolio, not a WABA.

const partnerSolutionsSchema = z.looseObject({
  event: z.string().optional(),
  solution_id: z.union([z.string().min(1), z.number()]).transform(String),
  solution_status: z.string().optional(),
  solution_name: z.string().optional(),
});

/** The webhook folds the pending request into `solution_status`; the API keeps them apart (docs/meta/multi-partner-solutions.md). */
export function solutionState(webhookStatus: string | undefined): { status?: string; pendingRequestStatus?: string } {
  switch (webhookStatus) {
    case undefined:
      return {};
    case 'PENDING_DEACTIVATION':
      return { status: 'ACTIVE', pendingRequestStatus: 'PENDING_DEACTIVATION' };
    case 'INITIATED':
    case 'PENDING':
      return { status: webhookStatus, pendingRequestStatus: 'PENDING_ACTIVATION' };
    default:
      return { status: webhookStatus, pendingRequestStatus: 'NONE' };
  }
}

export const handlePartnerSolutions: ChangeHandler = async (change, tx) => {
  const value = parseValue(partnerSolutionsSchema, change);
  const at = changeTime(change);
  const state = solutionState(value.solution_status);
  const row = { metaSolutionId: value.solution_id, name: value.solution_name, ...state, eventAt: at, updatedAt: new Date() };
  const stored = await tx
    .insert(solutions)
    .values(row)
    .onConflictDoUpdate({
      target: solutions.metaSolutionId,
      set: {
        name: sql`coalesce(excluded.name, ${solutions.name})`,
        status: sql`coalesce(excluded.status, ${solutions.status})`,
        pendingRequestStatus: sql`coalesce(excluded.pending_request_status, ${solutions.pendingRequestStatus})`,
        eventAt: sql`excluded.event_at`,
        updatedAt: sql`excluded.updated_at`,
      },
      // Latest by Meta's timestamp: an older status change arriving late is dropped.
      setWhere: sql`${solutions.eventAt} is null or ${solutions.eventAt} <= excluded.event_at`,
    })
    .returning({ ownerAppId: solutions.ownerAppId });
  // A solution the webhook names first (a partner's invitation): its apps and permissions are read
  // from Meta once this transaction has let go of the connection (an enqueue inside it stalls PGlite).
  if (jobsStarted() && stored[0] && !stored[0].ownerAppId) {
    setImmediate(() => {
      enqueue(refreshSolutionJob, { solutionId: value.solution_id }, { singletonKey: value.solution_id }).catch((error: unknown) =>
        log.error({ err: rootCause(error), solutionId: value.solution_id }, 'could not queue a solution refresh'),
      );
    });
  }
  return 'processed';
};
