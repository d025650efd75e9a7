import { describe, expect, it } from 'vitest';
import { backoff } from '@/lib/backoff';

describe('backoff', () => {
  it('grows by the factor from the base up to the maximum', () => {
    const schedule = backoff({ baseMs: 1000, factor: 3, maxMs: 20_000, jitter: 'none' });
    expect([1, 2, 3, 4, 5].map((a) => schedule.delay(a))).toEqual([1000, 3000, 9000, 20_000, 20_000]);
  });

  it('keeps equal jitter between half the ceiling and the ceiling', () => {
    const schedule = backoff({ baseMs: 1000, maxMs: 60_000 });
    for (let attempt = 1; attempt <= 10; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = schedule.delay(attempt);
        expect(delay).toBeGreaterThanOrEqual(schedule.ceiling(attempt) / 2);
        expect(delay).toBeLessThanOrEqual(schedule.ceiling(attempt));
      }
    }
  });

  it('keeps full jitter between zero and the ceiling', () => {
    const schedule = backoff({ baseMs: 500, maxMs: 4000, jitter: 'full' });
    const delays = Array.from({ length: 200 }, () => schedule.delay(4));
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });
});
