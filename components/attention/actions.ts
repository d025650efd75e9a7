'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import type { FormState } from '@/lib/form';
import { resolveAttention } from '@/lib/wabas';

const resolveSchema = z.object({ id: z.string().uuid() });

export async function resolveAttentionItem(_prev: FormState, formData: FormData): Promise<FormState> {
  const operator = await requireRole('operator');
  const parsed = resolveSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Invalid request.' };
  const item = await resolveAttention(parsed.data.id);
  if (!item) return { error: 'This item is already resolved or no longer exists.' };
  await recordAudit(operator.id, 'attention.resolve', item.id, { kind: item.kind, wabaId: item.wabaId });
  revalidatePath('/dashboard');
  if (item.wabaId) revalidatePath(`/wabas/${item.wabaId}`);
  return { ok: 'Resolved.' };
}
