import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { db, type Tx } from '@/lib/db/client';
import { phoneNumbers, vaultSecrets } from '@/lib/db/schema';
import { readSecret, storeSecret } from '@/lib/vault';

// The secrets of a number's lifecycle, always in the vault: the verification code staff type (kept
// only until verify_code used it) and a new two-step PIN (kept beside the current one until Meta
// accepted it). Neither is ever logged, put in a run's input or result, or sent to the browser.

async function lockedPhone(tx: Tx, phoneRowId: string) {
  const [row] = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.id, phoneRowId)).for('update');
  if (!row) throw new Error('Phone number row not found');
  return row;
}

async function dropSecret(tx: Tx, secretId: string | null): Promise<void> {
  if (secretId) await tx.delete(vaultSecrets).where(eq(vaultSecrets.id, secretId));
}

/** Keeps the code for verify_code; a code entered earlier and not yet used is replaced. */
export async function storeVerificationCode(phoneRowId: string, code: string): Promise<void> {
  await db().transaction(async (tx) => {
    const row = await lockedPhone(tx, phoneRowId);
    const id = await storeSecret('verification_code', code, tx);
    await tx.update(phoneNumbers).set({ pendingCodeSecretId: id, updatedAt: new Date() }).where(eq(phoneNumbers.id, phoneRowId));
    await dropSecret(tx, row.pendingCodeSecretId);
  });
}

export async function pendingVerificationCode(phoneRowId: string): Promise<string | null> {
  const [row] = await db().select({ id: phoneNumbers.pendingCodeSecretId }).from(phoneNumbers).where(eq(phoneNumbers.id, phoneRowId));
  return row?.id ? readSecret(row.id) : null;
}

/** A code is used once, right or wrong: forget it. */
export async function discardVerificationCode(phoneRowId: string): Promise<void> {
  await db().transaction(async (tx) => {
    const row = await lockedPhone(tx, phoneRowId);
    if (!row.pendingCodeSecretId) return;
    await tx.update(phoneNumbers).set({ pendingCodeSecretId: null, updatedAt: new Date() }).where(eq(phoneNumbers.id, phoneRowId));
    await dropSecret(tx, row.pendingCodeSecretId);
  });
}

function randomPin(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The new PIN to send: the one an earlier, unconfirmed attempt sent (Meta may have applied it), or
 * a new random one, stored before anything is sent.
 */
export async function newPinToSend(phoneRowId: string): Promise<{ pin: string; unconfirmedBefore: boolean }> {
  const { secretId, unconfirmedBefore } = await db().transaction(async (tx) => {
    const row = await lockedPhone(tx, phoneRowId);
    if (row.pendingPinSecretId) return { secretId: row.pendingPinSecretId, unconfirmedBefore: true };
    const id = await storeSecret('phone_pin', randomPin(), tx);
    await tx.update(phoneNumbers).set({ pendingPinSecretId: id, updatedAt: new Date() }).where(eq(phoneNumbers.id, phoneRowId));
    return { secretId: id, unconfirmedBefore: false };
  });
  return { pin: await readSecret(secretId), unconfirmedBefore };
}

/** Meta accepted the new PIN: it becomes the number's PIN and the old one is deleted. */
export async function confirmNewPin(phoneRowId: string): Promise<void> {
  await db().transaction(async (tx) => {
    const row = await lockedPhone(tx, phoneRowId);
    if (!row.pendingPinSecretId) return;
    await tx
      .update(phoneNumbers)
      .set({ pinSecretId: row.pendingPinSecretId, pendingPinSecretId: null, updatedAt: new Date() })
      .where(eq(phoneNumbers.id, phoneRowId));
    if (row.pinSecretId !== row.pendingPinSecretId) await dropSecret(tx, row.pinSecretId);
  });
}

/** Meta refused the new PIN: the number keeps its PIN, the new one is deleted. */
export async function dropNewPin(phoneRowId: string): Promise<void> {
  await db().transaction(async (tx) => {
    const row = await lockedPhone(tx, phoneRowId);
    if (!row.pendingPinSecretId) return;
    await tx.update(phoneNumbers).set({ pendingPinSecretId: null, updatedAt: new Date() }).where(eq(phoneNumbers.id, phoneRowId));
    await dropSecret(tx, row.pendingPinSecretId);
  });
}
