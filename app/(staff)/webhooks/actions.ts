'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';
import { eventFilterSchema, failedEventIds, getEvent, knownFields } from '@/lib/webhooks/event-log';
import { retryDeliveries } from '@/lib/webhooks/forwarding';
import { createForward, deadDeliveryIds, deleteForward, getForward, setForwardEnabled } from '@/lib/webhooks/forwards';
import { replayChanges } from '@/lib/webhooks/processing';
import { setEventKept } from '@/lib/webhooks/retention';

const idSchema = z.object({ id: z.uuid('Invalid request.') });

export const replayEvent = staffAction({ action: 'webhook.replay', role: 'operator', schema: idSchema, targetOf: (input) => input.id }, async ({ id }) => {
  const event = await getEvent(id);
  if (!event) throw new UserError('This event no longer exists.');
  await replayChanges([event.id]);
  const after = await getEvent(event.id);
  revalidatePath('/webhooks');
  revalidatePath(`/webhooks/${event.id}`);
  if (after?.status === 'failed') throw new UserError(`Replayed, and it failed again: ${after.lastError ?? 'unknown error'}`);
  return { ok: `Replayed: ${after?.status ?? 'done'}.`, details: { field: event.field, event: event.event, status: after?.status } };
});

const keepSchema = z.object({ id: z.uuid('Invalid request.'), keep: z.enum(['true', 'false'], 'Invalid request.').transform((v) => v === 'true') });

/** Keeps an event past the retention age, or lets it go again. */
export const keepEvent = staffAction(
  { action: 'webhook.keep', role: 'operator', schema: keepSchema, targetOf: (input) => input.id, hidden: ['keep'] },
  async ({ id, keep }, { audit }) => {
    await setEventKept(id, keep, audit);
    revalidatePath(`/webhooks/${id}`);
    return { ok: keep ? 'Kept: the retention will not delete this event.' : 'No longer kept: the retention deletes it once it is old enough.' };
  },
);

export const replayFailedEvents = staffAction({ action: 'webhook.replay_failed', role: 'operator', schema: eventFilterSchema }, async (filter) => {
  const ids = await failedEventIds(filter);
  if (ids.length === 0) throw new UserError('No failed events match this filter.');
  await replayChanges(ids);
  const stillFailed = (await failedEventIds(filter)).filter((id) => ids.includes(id)).length;
  revalidatePath('/webhooks');
  return {
    ok: `Replayed ${ids.length} failed event${ids.length === 1 ? '' : 's'}; ${stillFailed} still failing.`,
    details: { count: ids.length, stillFailed, filter },
  };
});

const forwardSchema = z.object({
  field: z.string().refine((field) => knownFields.includes(field), 'Choose one of Meta’s webhook fields from the list.'),
  url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/, message: 'Enter an http:// or https:// URL.' })),
});

export const createWebhookForward = staffAction({ action: 'webhook_forward.create', role: 'admin', schema: forwardSchema }, async ({ field, url }) => {
  const { id, secret } = await createForward(field, url);
  revalidatePath('/webhooks');
  // The secret is shown this once and never again (it is kept only in the vault).
  return { ok: `Forwarding ${field} to ${url}.`, target: id, details: { field, url }, data: { secret } };
});

const forwardStateSchema = z.object({ id: z.uuid('Invalid request.'), enabled: z.enum(['true', 'false']).transform((v) => v === 'true') });

export const setWebhookForwardEnabled = staffAction(
  { action: 'webhook_forward.enable', role: 'admin', schema: forwardStateSchema, targetOf: (input) => input.id },
  async ({ id, enabled }) => {
    const forward = await getForward(id);
    if (!forward) throw new UserError('This forward no longer exists.');
    await setForwardEnabled(forward.id, enabled);
    revalidatePath('/webhooks');
    return {
      ok: enabled ? 'Enabled.' : 'Disabled.',
      action: enabled ? 'webhook_forward.enable' : 'webhook_forward.disable',
      details: { field: forward.field },
    };
  },
);

export const deleteWebhookForward = staffAction(
  { action: 'webhook_forward.delete', role: 'admin', schema: idSchema, targetOf: (input) => input.id },
  async ({ id }) => {
    const forward = await getForward(id);
    if (!forward) throw new UserError('This forward no longer exists.');
    await deleteForward(forward.id);
    revalidatePath('/webhooks');
    return { ok: 'Deleted.', details: { field: forward.field, url: forward.url } };
  },
);

const retrySchema = z.object({
  id: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.uuid()).min(1, 'Choose at least one delivery.').max(500)),
});

export const retryDeadDeliveries = staffAction({ action: 'webhook_forward.retry', role: 'operator', schema: retrySchema }, async ({ id }) => {
  const ids = await deadDeliveryIds(id);
  if (ids.length === 0) throw new UserError('These deliveries are no longer in the dead-letter list.');
  await retryDeliveries(ids);
  revalidatePath('/webhooks');
  return { ok: `Retrying ${ids.length} deliver${ids.length === 1 ? 'y' : 'ies'}.`, details: { deliveries: ids } };
});
