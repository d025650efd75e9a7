// One retry schedule for every durable retry (onboarding steps, webhook processing, forwards,
// credit-line revocations, operations): exponential growth, capped, with jitter so that many
// retries started together do not return together.

export type BackoffOptions = {
  /** Delay before the second attempt. */
  baseMs: number;
  /** Growth per attempt (2 doubles). */
  factor?: number;
  maxMs: number;
  /** `equal`: half fixed, half random; `full`: anywhere up to the ceiling; `none`: the ceiling. */
  jitter?: 'equal' | 'full' | 'none';
};

export type Backoff = {
  /** The delay after failed attempt `attempt` (1 for the first attempt). */
  delay(attempt: number): number;
  /** The longest delay that `delay(attempt)` can return. */
  ceiling(attempt: number): number;
};

export function backoff({ baseMs, factor = 2, maxMs, jitter = 'equal' }: BackoffOptions): Backoff {
  const ceiling = (attempt: number) => Math.min(maxMs, baseMs * factor ** Math.max(0, attempt - 1));
  return {
    ceiling,
    delay(attempt) {
      const top = ceiling(attempt);
      if (jitter === 'none') return top;
      if (jitter === 'full') return Math.round(Math.random() * top);
      return Math.round(top / 2 + Math.random() * (top / 2));
    },
  };
}
