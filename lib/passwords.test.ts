import { describe, expect, it } from 'vitest';
import { newPasswordSchema } from '@/lib/passwords';

describe('password policy', () => {
  it.each([
    ['short1', 'at least 10'],
    ['onlyletterslong', 'Mix letters'],
    ['1234567890123', 'Mix letters'],
    ['password123', 'too common'],
  ])('rejects %s', (password, message) => {
    const result = newPasswordSchema.safeParse(password);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join(' ')).toContain(message);
  });

  it('accepts a long mixed password', () => {
    expect(newPasswordSchema.safeParse('tall-lighthouse-42').success).toBe(true);
  });
});
