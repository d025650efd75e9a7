import { and, desc, eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, businesses, vaultSecrets, type Waba } from '@/lib/db/schema';
import { appToken, systemToken, type AuditContext, type GraphToken, businessToken } from '@/lib/meta/graph';
import { getSolutionAccessToken } from '@/lib/meta/solutions';
import { debugToken } from '@/lib/meta/tokens';
import { StepFailure } from '@/lib/operations/types';
import { mayUseSystemToken } from '@/lib/programs';
import type { PartnerType } from '@/lib/settings';
import { storeSecret, unseal } from '@/lib/vault';

// The token Meta lets us use on a WABA that was shared with us outside an Onramp signup
// (docs/meta/onboarding-sequences.md, docs/meta/multi-partner-solutions.md): a stored business token;
// for a solution's WABA, the customer's business token fetched with `GET /{solution-id}/access_token`
// (stored in the vault like one from a signup); otherwise the system token, which is the only one
// that works on a WABA created by partner-initiated creation (Meta: Partner-initiated WABA creation).
// Tech Providers and Tech Partners use business tokens only (Meta: Solution providers, Access Tokens).

/** What a finish-onboarding run is planned with: which token, never the token itself. */
export type TokenChoice = { kind: 'business'; tokenId: string; source: 'stored' | 'solution' } | { kind: 'system' };

export type TokenPlan = { choice: TokenChoice; explanation: string } | { refused: string };

/** The newest valid business token stored for a WABA. */
export async function storedBusinessToken(wabaRowId: string): Promise<{ id: string; value: string } | undefined> {
  const [row] = await db()
    .select({ id: businessTokens.id, secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(and(eq(businessTokens.wabaId, wabaRowId), eq(businessTokens.status, 'valid')))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  return row ? { id: row.id, value: unseal(row.secret) } : undefined;
}

async function ownerBusinessOf(waba: Waba): Promise<string | null> {
  if (!waba.businessId) return null;
  const [row] = await db().select({ id: businesses.metaBusinessId }).from(businesses).where(eq(businesses.id, waba.businessId));
  return row?.id ?? null;
}

/** Fetches the customer's business token through the solution and keeps it in the vault. */
async function fetchSolutionToken(waba: Waba, ownerBusinessId: string, audit: AuditContext): Promise<string> {
  const value = await getSolutionAccessToken(waba.solutionId!, ownerBusinessId, systemToken(), audit);
  const info = await debugToken(value, appToken(), audit);
  return db().transaction(async (tx) => {
    const secretId = await storeSecret('business_token', value, tx);
    const [row] = await tx
      .insert(businessTokens)
      .values({ wabaId: waba.id, businessId: waba.businessId, secretId, scopes: info.scopes, grantedWabaIds: info.wabaIds ?? [], expiresAt: info.expiresAt })
      .returning({ id: businessTokens.id });
    return row!.id;
  });
}

/**
 * Decides (and, for a solution's WABA, fetches) the token a finish-onboarding run uses. Only a
 * Solution Partner ever falls back to the system token.
 */
export async function planToken(type: PartnerType, waba: Waba, audit: AuditContext = {}): Promise<TokenPlan> {
  const stored = await storedBusinessToken(waba.id);
  if (stored) return { choice: { kind: 'business', tokenId: stored.id, source: 'stored' }, explanation: 'The customer’s business token from their signup.' };
  if (!mayUseSystemToken(type)) {
    return {
      refused:
        'As a Tech Provider, Onramp uses the customer’s business token only, and we hold none for this account: it was shared with us outside a signup. Send the customer a signup link so that they connect it through Embedded Signup.',
    };
  }
  const owner = await ownerBusinessOf(waba);
  if (waba.solutionId && owner) {
    const tokenId = await fetchSolutionToken(waba, owner, audit);
    return {
      choice: { kind: 'business', tokenId, source: 'solution' },
      explanation: `The customer’s business token, fetched through solution ${waba.solutionId}.`,
    };
  }
  return {
    choice: { kind: 'system' },
    explanation: 'Our system token: Meta accepts only it on accounts shared with us outside Embedded Signup, such as partner-initiated ones.',
  };
}

/** The token a planned choice stands for, read at each attempt. */
export async function tokenFor(choice: TokenChoice, type: PartnerType): Promise<GraphToken> {
  if (choice.kind === 'system') {
    if (!mayUseSystemToken(type))
      throw new StepFailure('partner_type', 'This run uses our system token, which only Solution Partners use; the partner type has changed since it started.');
    return systemToken();
  }
  const [row] = await db()
    .select({ status: businessTokens.status, secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(eq(businessTokens.id, choice.tokenId));
  if (row?.status !== 'valid') {
    throw new StepFailure('190', 'Meta no longer accepts the business token this run was started with. Start Finish onboarding again to choose a token.');
  }
  return businessToken(unseal(row.secret));
}

/** Which token a run would use, without fetching anything: for the page, before staff start it. */
export async function previewToken(type: PartnerType, waba: Waba): Promise<{ usable: boolean; text: string }> {
  if (await storedBusinessToken(waba.id)) return { usable: true, text: 'The customer’s business token from their signup.' };
  if (!mayUseSystemToken(type)) {
    return {
      usable: false,
      text: 'As a Tech Provider, Onramp uses the customer’s business token only, and we hold none for this account. Send the customer a signup link so that they connect it through Embedded Signup.',
    };
  }
  if (waba.solutionId && waba.businessId)
    return { usable: true, text: `The customer’s business token, fetched through solution ${waba.solutionId} and kept in the vault.` };
  return { usable: true, text: 'Our system token: Meta accepts only it on accounts shared with us outside Embedded Signup, such as partner-initiated ones.' };
}
