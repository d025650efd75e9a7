import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function signPayload(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `X-Hub-Signature-256` over the exact bytes, compared in constant time against each accepted secret. */
export function verifySignature(body: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (!header || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const given = Buffer.from(header.slice(7).toLowerCase(), 'hex');
  let valid = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    // Every secret is checked, so the time taken does not reveal which one matched.
    if (timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

/** Verify tokens of callback overrides are kept as hashes; the GET handshake compares hashes. */
export function hashVerifyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
