import { and, eq, inArray } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens } from '@/lib/db/schema';
import type { TokenInfo } from '@/lib/meta/tokens';
import { tokenGrantsWaba } from '@/lib/meta/tokens';
import { closeAttention, raiseAttention } from '@/lib/accounts/attention';

// What debug_token said about a customer's stored token, kept on its row and turned into attention
// items: 7 days before it expires, and when Meta no longer accepts it (docs/meta/tokens.md).

export const expiryWarningDays = 7;

export type TokenVerdict = 'valid' | 'expiring' | 'invalid' | 'not_granted';

export function verdictOf(info: TokenInfo, metaWabaId: string, now = new Date()): TokenVerdict {
  if (!info.isValid) return 'invalid';
  if (!tokenGrantsWaba(info, metaWabaId)) return 'not_granted';
  if (info.expiresAt && info.expiresAt.getTime() - now.getTime() <= expiryWarningDays * 86_400_000) return 'expiring';
  return 'valid';
}

function daysUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 86_400_000));
}

/** Stores Meta's answer on the token row and raises or closes the account's token items; returns the verdict. */
export async function recordTokenCheck(tokenId: string, metaWabaId: string, info: TokenInfo, now = new Date()): Promise<TokenVerdict> {
  const verdict = verdictOf(info, metaWabaId, now);
  await db().transaction(async (tx) => {
    const usable = verdict === 'valid' || verdict === 'expiring';
    await tx
      .update(businessTokens)
      .set({
        checkedAt: now,
        updatedAt: now,
        ...(info.isValid && { expiresAt: info.expiresAt, scopes: info.scopes, grantedWabaIds: info.wabaIds ?? [] }),
        ...(!usable && { status: 'needs_reauth' as const }),
      })
      .where(and(eq(businessTokens.id, tokenId), inArray(businessTokens.status, ['valid', 'needs_reauth'])));
    if (verdict === 'valid') await closeAttention(tx, metaWabaId, ['token_expiring', 'token_invalid'], 'Meta reports the token valid again.');
    if (verdict === 'expiring' && info.expiresAt) {
      const days = daysUntil(info.expiresAt, now);
      await raiseAttention(tx, {
        metaWabaId,
        kind: 'token_expiring',
        message: `The customer’s token expires in ${days} ${days === 1 ? 'day' : 'days'} (${info.expiresAt.toISOString().slice(0, 10)}): send them a reauthorization link.`,
        data: { action: 'reauthorize', expiresAt: info.expiresAt.toISOString() },
      });
    }
    if (!usable) {
      await closeAttention(tx, metaWabaId, ['token_expiring'], 'Superseded: Meta no longer accepts the token.');
      await raiseAttention(tx, {
        metaWabaId,
        kind: 'token_invalid',
        message:
          verdict === 'invalid'
            ? 'Meta reports the customer’s token invalid (expired or revoked): send them a reauthorization link.'
            : 'The customer’s token no longer grants this account: send them a reauthorization link.',
        data: { action: 'reauthorize' },
      });
    }
  });
  return verdict;
}
