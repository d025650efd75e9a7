import { afterAll, describe, expect, it } from 'vitest';
import { defineJob, enqueue, jobs, startJobs, stopJobs } from '@/lib/jobs';

const seen: unknown[] = [];
defineJob('test.echo', {
  async handle(batch) {
    for (const job of batch) seen.push(job.data);
  },
});

afterAll(async () => {
  await stopJobs();
});

describe('job queue', () => {
  it('runs jobs in-process on the same database', async () => {
    await startJobs({ work: true });
    await enqueue('test.echo', { n: 1 });
    await enqueue('test.echo', { n: 2 });
    const deadline = Date.now() + 15_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    const schedules = await jobs().getSchedules();
    expect(schedules.map((s) => s.name)).toContain('maintenance.prune-sign-in-failures');
  });
});
