import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, enqueue, jobs, pruneSignInFailuresJob, startJobs, stopJobs } from '@/lib/jobs';

const seen: unknown[] = [];
const echoJob = defineJob({
  name: 'test.echo',
  schema: z.object({ n: z.number().int() }),
  async handle(batch) {
    for (const job of batch) seen.push(job.data);
  },
});

afterAll(async () => {
  await stopJobs();
});

describe('job queue', () => {
  it('runs jobs in-process on the same database, with their data checked by the job’s schema', async () => {
    await startJobs({ work: true, jobs: [echoJob, pruneSignInFailuresJob] });
    await enqueue(echoJob, { n: 1 });
    await enqueue(echoJob, { n: 2 });
    await expect(enqueue(echoJob, { n: 'three' } as never)).rejects.toThrow();
    await expect.poll(() => seen, { timeout: 15_000 }).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    const schedules = await jobs().getSchedules();
    expect(schedules.map((s) => s.name)).toContain('maintenance.prune-sign-in-failures');
  });

  it('drops a job whose stored data does not fit the schema, and still runs the good ones', async () => {
    await jobs().send(echoJob.name, { n: 'not a number' });
    await enqueue(echoJob, { n: 3 });
    await expect.poll(() => seen, { timeout: 15_000 }).toContainEqual({ n: 3 });
    expect(seen).not.toContainEqual({ n: 'not a number' });
  });
});
