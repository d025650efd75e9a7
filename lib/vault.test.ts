import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { vaultSecrets } from '@/lib/db/schema';
import { readSecret, rotateSecrets, seal, storeSecret, unseal } from '@/lib/vault';

const k1 = { id: 'old', key: randomBytes(32) };
const k2 = { id: 'new', key: randomBytes(32) };

describe('vault', () => {
  it('round-trips and never stores the plaintext', async () => {
    const id = await storeSecret('phone_pin', '581063');
    const [row] = await db().select().from(vaultSecrets).where(eq(vaultSecrets.id, id));
    expect(row!.ciphertext).not.toContain('581063');
    expect(row!.keyId).toMatch(/\w+/);
    expect(await readSecret(id)).toBe('581063');
  });

  it('uses a fresh IV for every seal and rejects tampering', () => {
    const a = seal('token', k1);
    const b = seal('token', k1);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    const [iv, tag, body] = a.ciphertext.split('.');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => unseal({ keyId: 'k1', ciphertext: [iv, tag, flipped.toString('base64')].join('.') }, [k1])).toThrow();
    expect(() => unseal(a, [k2])).toThrow(/old/);
  });

  it('rotation re-encrypts every secret with the newest key and reports how many', async () => {
    await db().delete(vaultSecrets);
    const plaintexts = ['token-a', 'token-b', 'pin-c'];
    for (const text of plaintexts) {
      await db()
        .insert(vaultSecrets)
        .values({ kind: 'business_token', ...seal(text, k1) });
    }
    const already = await db()
      .insert(vaultSecrets)
      .values({ kind: 'phone_pin', ...seal('123456', k2) })
      .returning();
    const rotated = await rotateSecrets(() => {}, [k1, k2]);
    expect(rotated).toBe(plaintexts.length);
    const rows = await db().select().from(vaultSecrets);
    expect(rows.every((row) => row.keyId === 'new')).toBe(true);
    const decrypted = rows.map((row) => unseal(row, [k2]));
    expect(decrypted).toEqual(expect.arrayContaining([...plaintexts, '123456']));
    expect(rows.find((r) => r.id === already[0]!.id)!.rotatedAt).toBeNull();
    expect(await rotateSecrets(() => {}, [k1, k2])).toBe(0);
  });
});
