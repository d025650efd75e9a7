import { and, desc, eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, wabas } from '@/lib/db/schema';
import { defineJob, noData } from '@/lib/jobs';
import { log } from '@/lib/log';
import { appToken, isGraphError } from '@/lib/meta/graph';
import { debugToken } from '@/lib/meta/tokens';
import { tokenSecretOf } from '@/lib/accounts/state';
import { recordTokenCheck, type TokenVerdict } from '@/lib/accounts/token-health';

// The daily token sweep: debug_token on the newest stored token of every connected WABA, with the
// app token (docs/meta/tokens.md). Items are raised 7 days before expiry and when Meta says invalid.

export async function sweepTokens(now = new Date()): Promise<Record<TokenVerdict | 'unreadable', number>> {
  const counts: Record<TokenVerdict | 'unreadable', number> = { valid: 0, expiring: 0, invalid: 0, not_granted: 0, unreadable: 0 };
  const rows = await db()
    .selectDistinctOn([businessTokens.wabaId], { id: businessTokens.id, metaWabaId: wabas.metaWabaId })
    .from(businessTokens)
    .innerJoin(wabas, eq(wabas.id, businessTokens.wabaId))
    .where(and(eq(wabas.status, 'connected'), inArray(businessTokens.status, ['valid', 'needs_reauth'])))
    .orderBy(businessTokens.wabaId, desc(businessTokens.createdAt));
  for (const row of rows) {
    const secret = await tokenSecretOf(row.id);
    if (!secret) {
      counts.unreadable += 1;
      continue;
    }
    try {
      const info = await debugToken(secret, appToken());
      counts[await recordTokenCheck(row.id, row.metaWabaId, info, now)] += 1;
    } catch (error) {
      if (!isGraphError(error)) throw error;
      counts.unreadable += 1;
    }
  }
  return counts;
}

export const tokenSweepJob = defineJob({
  name: 'accounts.token-sweep',
  schema: noData,
  schedule: '20 3 * * *',
  async handle() {
    log.info(await sweepTokens(), 'token sweep done');
  },
});
