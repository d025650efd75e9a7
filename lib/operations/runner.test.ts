import { describe, expect, test } from 'vitest';
import type { OperationStep } from '@/lib/db/schema';
import { readySteps } from '@/lib/operations/runner';
import { defineOperation, defineStep } from '@/lib/operations/types';

// Which steps the runner starts next for an operation with a concurrency limit (bulk runs).

const step = defineStep<{ keys: string[] }, unknown>({
  name: 'refresh',
  label: { staff: 'Refresh', customer: 'Refresh' },
  run: async () => ({ status: 'done', result: {} }),
});

const limited = defineOperation<{ keys: string[] }, unknown>({
  name: 'test.limited',
  subjectType: 'bulk',
  title: 'Limited',
  steps: [step],
  concurrency: 2,
  planOf: () => ({ keys: [] }),
  keysOf: (plan) => plan.keys,
  context: async () => ({}),
});

const unlimited = { ...limited, concurrency: undefined };

function row(name: string, status: OperationStep['status'], lastErrorCode: string | null = null): OperationStep {
  return {
    runId: 'r',
    name,
    status,
    attempts: status === 'pending' ? 0 : 1,
    startedAt: null,
    finishedAt: null,
    lastErrorCode,
    lastErrorMessage: null,
    lastFbtraceId: null,
    result: null,
    updatedAt: new Date(),
  };
}

describe('readySteps with a concurrency limit', () => {
  test('starts only as many pending steps as there are free places', () => {
    const rows = [row('refresh:1', 'running'), row('refresh:2', 'pending'), row('refresh:3', 'pending'), row('refresh:4', 'done')];
    expect(readySteps(limited, rows).map((r) => r.step)).toEqual(['refresh:2']);
    expect(readySteps(unlimited, rows).map((r) => r.step)).toEqual(['refresh:2', 'refresh:3']);
  });

  test('a step retrying after an outage keeps its place; one waiting out a rate limit holds the whole run', () => {
    const outage = [row('refresh:1', 'retrying', '503'), row('refresh:2', 'pending'), row('refresh:3', 'pending')];
    expect(readySteps(limited, outage).map((r) => r.step)).toEqual(['refresh:2']);
    for (const code of ['4', '17', '613', '80007', '80008']) {
      const rateLimited = [row('refresh:1', 'retrying', code), row('refresh:2', 'pending'), row('refresh:3', 'pending')];
      expect(readySteps(limited, rateLimited), code).toEqual([]);
    }
  });
});
