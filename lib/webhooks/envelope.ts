import { createHash } from 'node:crypto';
import { z } from 'zod';

// Reference §10.2: { object, entry: [{ id, time?, changes: [{ field, value }] }] }.
const changeSchema = z.object({ field: z.string().min(1).max(100), value: z.record(z.string(), z.unknown()) });
const entrySchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  time: z.number().optional(),
  changes: z.array(changeSchema).default([]),
});
export const envelopeSchema = z.object({ object: z.string().min(1), entry: z.array(entrySchema) });

export type Envelope = z.infer<typeof envelopeSchema>;

export type IncomingChange = {
  dedupeKey: string;
  object: string;
  entryId: string;
  entryTime: Date | null;
  field: string;
  event: string | null;
  wabaId: string | null;
  value: Record<string, unknown>;
};

function eventOf(field: string, value: Record<string, unknown>): string | null {
  if (typeof value.event === 'string') return value.event;
  if (field === 'messages') {
    if (Array.isArray(value.messages)) return 'message';
    if (Array.isArray(value.statuses)) return 'status';
  }
  return null;
}

function wabaOf(field: string, entryId: string, value: Record<string, unknown>): string | null {
  const info = value.waba_info as { waba_id?: unknown } | undefined;
  if (info && typeof info.waba_id === 'string') return info.waba_id;
  // partner_solutions (and MPS partner events) carry the partner's business id as entry.id.
  if (field === 'partner_solutions') return null;
  return entryId;
}

/**
 * One row per change. The key ignores entry.time and delivery details, so a retry, or the same change
 * sent to another subscribed app, maps to the same key (reference §10.3).
 */
export function changesOf(envelope: Envelope): IncomingChange[] {
  const changes: IncomingChange[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const valueJson = JSON.stringify(change.value);
      const dedupeKey = createHash('sha256')
        .update(`${envelope.object}\n${change.field}\n${entry.id}\n${valueJson}`)
        .digest('base64url');
      changes.push({
        dedupeKey,
        object: envelope.object,
        entryId: entry.id,
        entryTime: entry.time === undefined ? null : new Date(entry.time * 1000),
        field: change.field,
        event: eventOf(change.field, change.value),
        wabaId: wabaOf(change.field, entry.id, change.value),
        value: change.value,
      });
    }
  }
  return changes;
}
