'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { cancelBulkRun } from '@/lib/bulk/runs';
import { staffAction } from '@/lib/staff-action';

export const cancelBulkAction = staffAction(
  { action: 'accounts.bulk_cancel', role: 'operator', schema: z.object({ runId: z.uuid('This bulk run does not exist.') }), targetOf: (input) => input.runId },
  async ({ runId }, { audit }) => {
    await cancelBulkRun(runId, audit);
    revalidatePath(`/bulk/${runId}`);
    revalidatePath('/bulk');
    return { ok: 'Cancelled: accounts not yet started were left as they were.', target: runId };
  },
);
