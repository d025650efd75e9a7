import { backoff } from '@/lib/backoff';
import { env } from '@/lib/env';

// How the runner retries and leases steps. Tests and benchmark scripts override them.

export type RunnerSettings = {
  /** First retry delay; doubles per attempt up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Meta's rate limits (4, 17, 613, 80007/80008) wait at least this long before the next attempt. */
  rateLimitDelayMs: number;
  /** Attempts per step (the first one included) before a transient error fails it. */
  maxAttempts: number;
  /** A running step whose row was not touched for this long belongs to a dead process. */
  leaseMs: number;
  /** How often a long-running step renews its lease. */
  renewMs: number;
  /** Run steps in this process (it runs job workers); otherwise hand them to the queue. */
  runInProcess: boolean;
};

let overrides: Partial<RunnerSettings> = {};

export function runnerSettings(): RunnerSettings {
  return {
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    rateLimitDelayMs: 5000,
    maxAttempts: 8,
    leaseMs: 20_000,
    renewMs: 5_000,
    runInProcess: env.JOBS_IN_PROCESS,
    ...overrides,
  };
}

/** Replaces some settings; returns a function that restores the previous ones. */
export function overrideRunnerSettings(partial: Partial<RunnerSettings>): () => void {
  const previous = overrides;
  overrides = { ...overrides, ...partial };
  return () => {
    overrides = previous;
  };
}

export function retrySchedule(settings: RunnerSettings = runnerSettings()) {
  return backoff({ baseMs: settings.baseDelayMs, maxMs: settings.maxDelayMs });
}

/** The delay before the next attempt after failed attempt `attempt`. */
export function retryDelay(attempt: number, rateLimited: boolean, settings: RunnerSettings = runnerSettings()): number {
  const delay = retrySchedule(settings).delay(attempt);
  return rateLimited ? Math.max(delay, settings.rateLimitDelayMs) : delay;
}
