import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock } from '../clock';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sandbox clock', () => {
  it('never drops a job that falls due while the due jobs are being picked', () => {
    // Every reading of Date.now is 1 ms later than the one before.
    let readings = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => 1000 + readings++);
    const clock = createClock();
    const fn = vi.fn();
    // schedule() reads the clock once (1000); advance() then reads 1001, and the job is due at 1002.
    clock.schedule(1002, fn);
    clock.advance(0);
    clock.advance(0);
    clock.advance(0);
    clock.stop();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
