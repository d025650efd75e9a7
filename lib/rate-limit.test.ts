import { describe, expect, it } from 'vitest';
import { slidingWindow } from '@/lib/rate-limit';

describe('slidingWindow', () => {
  it('allows the limit per key within the window, then again once it has passed', () => {
    const limiter = slidingWindow(3, 1000);
    expect([0, 10, 20, 30].map((t) => limiter.take('a', t))).toEqual([true, true, true, false]);
    expect(limiter.take('b', 30)).toBe(true);
    expect(limiter.take('a', 1005)).toBe(true);
    expect(limiter.take('a', 1006)).toBe(false);
  });
});
