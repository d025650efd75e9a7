import { z } from 'zod';
import { defineJob } from '@/lib/jobs';
import { refreshSolution } from '@/lib/solutions/store';

/** Reads a solution Meta told us about by webhook but whose apps and permissions we have not read yet. */
export const refreshSolutionJob = defineJob({
  name: 'solutions.refresh',
  schema: z.object({ solutionId: z.string().regex(/^\d+$/) }),
  async handle(batch) {
    for (const job of batch) await refreshSolution(job.data.solutionId, { step: 'refresh_solution' });
  },
});
