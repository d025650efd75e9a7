import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { db, type Db, type Tx } from '@/lib/db/client';
import { attentionItems, businessTokens, staffUsers, vaultSecrets, wabaMetaStates, type WabaMetaState } from '@/lib/db/schema';
import { unseal } from '@/lib/vault';

// What the account page and its actions read and write beyond the WABA row: Meta's last reports
// (waba_meta_states), the customer's stored token (never its secret, except to the step that uses
// it) and the resolved attention items.

type MetaStatePatch = Partial<Omit<WabaMetaState, 'wabaId' | 'updatedAt'>>;

export async function saveMetaState(executor: Db | Tx, wabaRowId: string, patch: MetaStatePatch): Promise<void> {
  const set = { ...patch, updatedAt: new Date() };
  await executor
    .insert(wabaMetaStates)
    .values({ wabaId: wabaRowId, ...set })
    .onConflictDoUpdate({ target: wabaMetaStates.wabaId, set });
}

export async function metaStateOf(wabaRowId: string): Promise<WabaMetaState | undefined> {
  const [row] = await db().select().from(wabaMetaStates).where(eq(wabaMetaStates.wabaId, wabaRowId));
  return row;
}

/** The newest stored token of the WABA, as the page shows it: no secret. */
export async function storedTokenOf(wabaRowId: string) {
  const [row] = await db()
    .select({
      id: businessTokens.id,
      status: businessTokens.status,
      scopes: businessTokens.scopes,
      grantedWabaIds: businessTokens.grantedWabaIds,
      expiresAt: businessTokens.expiresAt,
      checkedAt: businessTokens.checkedAt,
      createdAt: businessTokens.createdAt,
    })
    .from(businessTokens)
    .where(eq(businessTokens.wabaId, wabaRowId))
    .orderBy(desc(businessTokens.createdAt))
    .limit(1);
  return row;
}

export type StoredToken = NonNullable<Awaited<ReturnType<typeof storedTokenOf>>>;

/** The newest token with its secret, for a step that calls debug_token with it. */
export async function tokenSecretOf(tokenId: string): Promise<string | undefined> {
  const [row] = await db()
    .select({ secret: vaultSecrets })
    .from(businessTokens)
    .innerJoin(vaultSecrets, eq(vaultSecrets.id, businessTokens.secretId))
    .where(eq(businessTokens.id, tokenId));
  return row ? unseal(row.secret) : undefined;
}

/** Resolved items of one WABA, newest first, with who resolved them and why. */
export async function resolvedAttention(metaWabaId: string, limit = 50) {
  return db()
    .select({
      id: attentionItems.id,
      kind: attentionItems.kind,
      message: attentionItems.message,
      createdAt: attentionItems.createdAt,
      resolvedAt: attentionItems.resolvedAt,
      resolution: attentionItems.resolution,
      resolvedBy: staffUsers.name,
    })
    .from(attentionItems)
    .leftJoin(staffUsers, eq(staffUsers.id, attentionItems.resolvedBy))
    .where(and(eq(attentionItems.wabaId, metaWabaId), isNotNull(attentionItems.resolvedAt)))
    .orderBy(desc(attentionItems.resolvedAt))
    .limit(limit);
}
