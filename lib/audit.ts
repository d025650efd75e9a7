import { db, type Db, type Tx } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';

export type AuditEntry = { action: string; target?: string | null; details?: Record<string, unknown> };

/** Records a staff action; `details` must never carry secrets. Inside a transaction, pass it. */
export async function recordAudit(actorId: string | null, entry: AuditEntry, executor: Db | Tx = db()): Promise<void> {
  await executor.insert(auditLog).values({ actorId, action: entry.action, target: entry.target ?? null, details: entry.details ?? null });
}

/**
 * The audit trail of one staff action: the action's own code records its row in the transaction of
 * its change (`record(tx, …)`); the staff-action wrapper records one afterwards if it did not.
 */
export class Auditor {
  recorded = false;
  constructor(
    readonly actorId: string | null,
    readonly action: string,
  ) {}

  async record(executor: Db | Tx, entry: Partial<AuditEntry> = {}): Promise<void> {
    await recordAudit(this.actorId, { action: entry.action ?? this.action, target: entry.target, details: entry.details }, executor);
    this.recorded = true;
  }
}
