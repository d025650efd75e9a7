'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit';
import { requireRole } from '@/lib/auth';
import { fieldErrorsOf, formValues, type FormState } from '@/lib/form';
import {
  deadDeliveryIds,
  deleteForward,
  eventFilterSchema,
  failedEventIds,
  getEvent,
  getForward,
  setForwardEnabled,
} from '@/lib/webhooks/event-log';
import { createForward, retryDeliveries } from '@/lib/webhooks/forwarding';
import { replayChanges } from '@/lib/webhooks/processing';

const idSchema = z.object({ id: z.string().uuid() });

export async function replayEvent(_prev: FormState, formData: FormData): Promise<FormState> {
  const operator = await requireRole('operator');
  const parsed = idSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Invalid request.' };
  const event = await getEvent(parsed.data.id);
  if (!event) return { error: 'This event no longer exists.' };
  await replayChanges([event.id]);
  const after = await getEvent(event.id);
  await recordAudit(operator.id, 'webhook.replay', event.id, { field: event.field, event: event.event, status: after?.status });
  revalidatePath('/webhooks');
  revalidatePath(`/webhooks/${event.id}`);
  return after?.status === 'failed' ? { error: `Replayed, and it failed again: ${after.lastError ?? 'unknown error'}` } : { ok: `Replayed: ${after?.status ?? 'done'}.` };
}

export async function replayFailedEvents(_prev: FormState, formData: FormData): Promise<FormState> {
  const operator = await requireRole('operator');
  const parsed = eventFilterSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'The filter is not valid; fix it and try again.' };
  const ids = await failedEventIds(parsed.data);
  if (ids.length === 0) return { error: 'No failed events match this filter.' };
  await replayChanges(ids);
  const stillFailed = (await failedEventIds(parsed.data)).filter((id) => ids.includes(id)).length;
  await recordAudit(operator.id, 'webhook.replay_failed', undefined, { count: ids.length, stillFailed, filter: formValues(formData) });
  revalidatePath('/webhooks');
  return { ok: `Replayed ${ids.length} failed event${ids.length === 1 ? '' : 's'}; ${stillFailed} still failing.` };
}

const forwardSchema = z.object({
  field: z.string().trim().regex(/^[a-z][a-z0-9_]{0,99}$/, 'Enter a webhook field name, like messages.'),
  url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/, message: 'Enter an http:// or https:// URL.' })),
});

export type ForwardFormState = FormState & { secret?: string };

export async function createWebhookForward(_prev: ForwardFormState, formData: FormData): Promise<ForwardFormState> {
  const admin = await requireRole('admin');
  const parsed = forwardSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return fieldErrorsOf(parsed.error, formData);
  const { id, secret } = await createForward(parsed.data.field, parsed.data.url);
  await recordAudit(admin.id, 'webhook_forward.create', id, { field: parsed.data.field, url: parsed.data.url });
  revalidatePath('/webhooks');
  // The secret is shown this once and never again (it is kept only in the vault).
  return { ok: `Forwarding ${parsed.data.field} to ${parsed.data.url}.`, secret };
}

const forwardStateSchema = z.object({ id: z.string().uuid(), enabled: z.enum(['true', 'false']) });

export async function setWebhookForwardEnabled(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = forwardStateSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Invalid request.' };
  const forward = await getForward(parsed.data.id);
  if (!forward) return { error: 'This forward no longer exists.' };
  const enabled = parsed.data.enabled === 'true';
  await setForwardEnabled(forward.id, enabled);
  await recordAudit(admin.id, enabled ? 'webhook_forward.enable' : 'webhook_forward.disable', forward.id, { field: forward.field });
  revalidatePath('/webhooks');
  return { ok: enabled ? 'Enabled.' : 'Disabled.' };
}

export async function deleteWebhookForward(_prev: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireRole('admin');
  const parsed = idSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: 'Invalid request.' };
  const forward = await getForward(parsed.data.id);
  if (!forward) return { error: 'This forward no longer exists.' };
  await deleteForward(forward.id);
  await recordAudit(admin.id, 'webhook_forward.delete', forward.id, { field: forward.field, url: forward.url });
  revalidatePath('/webhooks');
  return { ok: 'Deleted.' };
}

const retrySchema = z.object({ ids: z.array(z.string().uuid()).min(1).max(500) });

export async function retryDeadDeliveries(_prev: FormState, formData: FormData): Promise<FormState> {
  const operator = await requireRole('operator');
  const parsed = retrySchema.safeParse({ ids: formData.getAll('id') });
  if (!parsed.success) return { error: 'Choose at least one delivery.' };
  const ids = await deadDeliveryIds(parsed.data.ids);
  if (ids.length === 0) return { error: 'These deliveries are no longer in the dead-letter list.' };
  await retryDeliveries(ids);
  await recordAudit(operator.id, 'webhook_forward.retry', undefined, { deliveries: ids });
  revalidatePath('/webhooks');
  return { ok: `Retrying ${ids.length} deliver${ids.length === 1 ? 'y' : 'ies'}.` };
}
