import { and, desc, eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businessTokens, vaultSecrets } from '@/lib/db/schema';
import { type GraphToken, businessToken, graphSettings, systemToken } from '@/lib/meta/graph';
import { unseal } from '@/lib/vault';

// The token a number's calls use (docs/meta/phone-numbers.md): the customer's business token from
// their signup, else the partner's system token (its system user was added to the WABA at onboarding).

export class NoAccess extends Error {
  constructor() {
    super('We hold no working access to this WhatsApp account: the customer must connect it again through Embedded Signup.');
    this.name = 'NoAccess';
  }
}

export async function tokenForWaba(wabaRowId: string): Promise<GraphToken> {
  const [row] = await db()
    .select({ secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(and(eq(businessTokens.wabaId, wabaRowId), eq(businessTokens.status, 'valid')))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  if (row) return businessToken(unseal(row.secret));
  if (graphSettings().systemToken) return systemToken();
  throw new NoAccess();
}
