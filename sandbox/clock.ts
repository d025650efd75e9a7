// The sandbox clock: real time plus an offset that the control API can advance, so 30-second codes,
// 72-hour register budgets, 24-hour sync windows and 90-day invitations can be tested in milliseconds.

export type Clock = {
  now: () => number;
  nowSeconds: () => number;
  advance: (ms: number) => void;
  offsetMs: () => number;
  /** Runs fn once the sandbox clock reaches `at` (by real time passing or by advance). */
  schedule: (at: number, fn: () => void) => () => void;
  /** Drops every scheduled job (used by reset). */
  clear: () => void;
  stop: () => void;
};

type Job = { at: number; fn: () => void; id: number };

export function createClock(): Clock {
  let offset = 0;
  let jobs: Job[] = [];
  let timer: NodeJS.Timeout | undefined;
  let nextId = 1;
  let stopped = false;
  const now = () => Date.now() + offset;

  const runDue = () => {
    // One reading of the clock: a job that fell due between two readings would be in neither list.
    const at = now();
    const due = jobs.filter((j) => j.at <= at).sort((x, y) => x.at - y.at || x.id - y.id);
    jobs = jobs.filter((j) => j.at > at);
    for (const job of due) {
      try {
        job.fn();
      } catch (error) {
        console.error('sandbox: scheduled job failed', error);
      }
    }
    arm();
  };

  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stopped || jobs.length === 0) return;
    const soonest = Math.min(...jobs.map((j) => j.at));
    // Long timers are capped so a clock advance is never needed to wake a far-away job late.
    timer = setTimeout(runDue, Math.min(Math.max(0, soonest - now()), 60_000));
    timer.unref();
  };

  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    offsetMs: () => offset,
    advance: (ms) => {
      offset += Math.max(0, ms);
      runDue();
    },
    schedule: (at, fn) => {
      const job = { at, fn, id: nextId++ };
      jobs.push(job);
      arm();
      return () => {
        jobs = jobs.filter((j) => j !== job);
        arm();
      };
    },
    clear: () => {
      jobs = [];
      arm();
    },
    stop: () => {
      stopped = true;
      jobs = [];
      if (timer) clearTimeout(timer);
    },
  };
}
