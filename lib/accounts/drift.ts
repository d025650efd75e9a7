import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas } from '@/lib/db/schema';
import { isGraphError } from '@/lib/meta/graph';
import { defineJob, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { NoAccess, tokenForWaba } from '@/lib/numbers/access';
import { readSubscription } from '@/lib/accounts/subscription';

// The nightly webhook drift check: what Meta has on each connected WABA (GET subscribed_apps)
// against what it should be (our app subscribed, with the override we set, or none). A difference
// raises an attention item whose "Fix" re-subscribes (docs/meta/webhook-subscriptions.md).

/** Checks every connected WABA; returns how many drifted, how many were fine, and how many could not be read. */
export async function checkWebhookDrift(): Promise<{ drifted: number; fine: number; unreadable: number }> {
  const rows = await db().select().from(wabas).where(eq(wabas.status, 'connected'));
  const counts = { drifted: 0, fine: 0, unreadable: 0 };
  for (const waba of rows) {
    try {
      const { problem } = await readSubscription(waba, await tokenForWaba(waba.id));
      counts[problem ? 'drifted' : 'fine'] += 1;
    } catch (error) {
      if (!(error instanceof NoAccess) && !isGraphError(error)) throw error;
      counts.unreadable += 1;
    }
  }
  return counts;
}

export const webhookDriftJob = defineJob({
  name: 'accounts.webhook-drift',
  schema: noData,
  schedule: '40 2 * * *',
  async handle() {
    const counts = await checkWebhookDrift();
    log.info(counts, 'webhook drift check done');
  },
});
