import { db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';

/** Records a staff action; `details` must never carry secrets. */
export async function recordAudit(actorId: string | null, action: string, target?: string, details?: object) {
  await db().insert(auditLog).values({ actorId, action, target, details });
}
