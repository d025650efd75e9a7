import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { eq, ne } from 'drizzle-orm';
import { db, type Db, type Tx } from '@/lib/db/client';
import { vaultSecrets } from '@/lib/db/schema';
import { portalSecrets, type VaultKey } from '@/lib/env';

// AES-256-GCM; each row keeps the id of the key that encrypted it, so keys can rotate.
type Sealed = { keyId: string; ciphertext: string };
export type SecretKind = (typeof vaultSecrets.$inferInsert)['kind'];

function keys(): VaultKey[] {
  return portalSecrets().vaultKeys;
}

function currentKey(available: VaultKey[] = keys()): VaultKey {
  const key = available.at(-1);
  if (!key) throw new Error('No vault key configured');
  return key;
}

export function seal(plaintext: string, key: VaultKey = currentKey()): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const ciphertext = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64')).join('.');
  return { keyId: key.id, ciphertext };
}

export function unseal(sealed: Sealed, available: VaultKey[] = keys()): string {
  const key = available.find((k) => k.id === sealed.keyId);
  if (!key) throw new Error(`Vault key "${sealed.keyId}" is not configured`);
  const [iv, tag, body] = sealed.ciphertext.split('.').map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !body) throw new Error('Malformed vault ciphertext');
  const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
}

export async function storeSecret(kind: SecretKind, plaintext: string, tx: Db | Tx = db()) {
  const [row] = await tx
    .insert(vaultSecrets)
    .values({ kind, ...seal(plaintext) })
    .returning({ id: vaultSecrets.id });
  return row!.id;
}

export async function readSecret(id: string): Promise<string> {
  const [row] = await db().select().from(vaultSecrets).where(eq(vaultSecrets.id, id));
  if (!row) throw new Error('Secret not found');
  return unseal(row);
}

/** Re-encrypts every secret not sealed with the newest key; returns how many it re-encrypted. */
export async function rotateSecrets(onProgress: (done: number) => void = () => {}, available: VaultKey[] = keys()): Promise<number> {
  const newest = currentKey(available);
  let done = 0;
  for (;;) {
    const batch = await db().select().from(vaultSecrets).where(ne(vaultSecrets.keyId, newest.id)).limit(500);
    if (batch.length === 0) return done;
    await db().transaction(async (tx) => {
      for (const row of batch) {
        const resealed = seal(unseal(row, available), newest);
        await tx
          .update(vaultSecrets)
          .set({ ...resealed, rotatedAt: new Date() })
          .where(eq(vaultSecrets.id, row.id));
      }
    });
    done += batch.length;
    onProgress(done);
  }
}
