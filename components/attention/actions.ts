'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';
import { resolveAttention } from '@/lib/wabas';

export const resolveAttentionItem = staffAction(
  { action: 'attention.resolve', role: 'operator', schema: z.object({ id: z.uuid('Invalid request.') }), targetOf: (input) => input.id },
  async ({ id }) => {
    const item = await resolveAttention(id);
    if (!item) throw new UserError('This item is already resolved or no longer exists.');
    revalidatePath('/dashboard');
    if (item.wabaId) revalidatePath(`/wabas/${item.wabaId}`);
    return { ok: 'Resolved.', details: { kind: item.kind, wabaId: item.wabaId } };
  },
);
