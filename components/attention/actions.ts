'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';
import { resolveAttention } from '@/lib/wabas';

const resolveSchema = z.object({
  id: z.uuid('Invalid request.'),
  reason: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(500, 'At most 500 characters.').optional()),
});

export const resolveAttentionItem = staffAction(
  { action: 'attention.resolve', role: 'operator', schema: resolveSchema, targetOf: (input) => input.id },
  async ({ id, reason }, { user }) => {
    const item = await resolveAttention(id, { userId: user.id, reason: reason ?? 'No reason given.' });
    if (!item) throw new UserError('This item is already resolved or no longer exists.');
    revalidatePath('/dashboard');
    if (item.wabaId) revalidatePath(`/wabas/${item.wabaId}`);
    return { ok: 'Resolved.', details: { kind: item.kind, wabaId: item.wabaId, reason } };
  },
);
