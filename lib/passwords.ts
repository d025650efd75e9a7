import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

// argon2id (the library's default algorithm) with OWASP's minimum memory and time costs.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Keeps unknown-email sign-ins as slow as wrong-password ones.
let decoyHash: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<void> {
  decoyHash ??= hashPassword('decoy password that never matches');
  await verifyPassword(await decoyHash, password);
}

const common = new Set(['password123', 'password1234', '1234567890', 'qwertyuiop', 'letmein123', 'welcome123']);

export const newPasswordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), 'Mix letters with numbers or symbols.')
  .refine((p) => !common.has(p.toLowerCase()), 'This password is too common.');
