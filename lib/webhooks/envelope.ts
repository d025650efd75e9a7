import { createHash } from 'node:crypto';
import { z } from 'zod';

// Meta: Webhooks (Create a webhook endpoint): { object, entry: [{ id, time?, changes: [{ field, value }] }] }.
// The envelope must have that shape; inside it, an entry or a change that does not is kept as an
// `invalid` event (so staff see it) while the good changes of the same batch are stored as usual.
export const envelopeSchema = z.object({ object: z.string().min(1), entry: z.array(z.unknown()) });
const entrySchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  time: z.number().optional(),
  changes: z.array(z.unknown()).default([]),
});
const changeSchema = z.object({ field: z.string().min(1).max(100), value: z.record(z.string(), z.unknown()) });

export type Envelope = z.infer<typeof envelopeSchema>;

/** Meta's payloads nest a dozen levels at most; anything far deeper is refused before it is read further. */
export const maxNestingDepth = 64;

/** Whether a parsed JSON value nests deeper than `limit` (walked without recursion, so no body can exhaust the stack). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const inner of Object.values(current)) {
      if (inner !== null && typeof inner === 'object') stack.push([inner, depth + 1]);
    }
  }
  return false;
}

export type IncomingChange = {
  dedupeKey: string;
  object: string;
  entryId: string;
  entryTime: Date | null;
  field: string;
  event: string | null;
  wabaId: string | null;
  /** The change's value; for an invalid change, the entry or change exactly as it came. */
  value: unknown;
  status: 'received' | 'invalid';
  /** Why the change is invalid. */
  problem: string | null;
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
  return entryId || null;
}

const kinds: Record<string, string> = { record: 'an object', object: 'an object', string: 'text', array: 'a list', number: 'a number' };

/** "entry[0].changes[1].field: missing", "entry[0].changes[2].value: should be an object". */
function problemOf(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      let why = issue.message;
      if (issue.input === undefined) why = 'missing';
      else if (issue.code === 'invalid_type') why = `should be ${kinds[issue.expected] ?? issue.expected}`;
      return `${[prefix, ...issue.path].join('.')}: ${why}`;
    })
    .join('; ');
}

function keyOf(parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

function idOf(entry: unknown): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 100) : '';
}

/**
 * One row per change. A re-delivery of a change (Meta's retries, the same change sent to each
 * subscribed app) has the same entry.time and value, so it maps to the same key; the same content
 * sent again later (a review APPROVED again, a partner added again) has a later entry.time, or a
 * later timestamp inside the value, and is a new event. Changes without entry.time keep the key of
 * their value alone.
 */
export function changesOf(envelope: Envelope): IncomingChange[] {
  const changes: IncomingChange[] = [];
  const invalid = (entryId: string, entryTime: Date | null, raw: unknown, field: string, problem: string) => {
    changes.push({
      dedupeKey: keyOf([envelope.object, 'invalid', entryId, entryTime?.getTime() ?? '', JSON.stringify(raw) ?? 'undefined']),
      object: envelope.object,
      entryId,
      entryTime,
      field,
      event: null,
      wabaId: entryId || null,
      value: raw ?? null,
      status: 'invalid',
      problem: problem.slice(0, 2000),
    });
  };
  for (const [e, rawEntry] of envelope.entry.entries()) {
    const entry = entrySchema.safeParse(rawEntry, { reportInput: true });
    if (!entry.success) {
      invalid(idOf(rawEntry), null, rawEntry, '', problemOf(entry.error, `entry[${e}]`));
      continue;
    }
    const { id: entryId, time } = entry.data;
    const entryTime = time === undefined ? null : new Date(time * 1000);
    for (const [c, rawChange] of entry.data.changes.entries()) {
      const change = changeSchema.safeParse(rawChange, { reportInput: true });
      if (!change.success) {
        const field = (rawChange as { field?: unknown } | null)?.field;
        invalid(entryId, entryTime, rawChange, typeof field === 'string' ? field.slice(0, 100) : '', problemOf(change.error, `entry[${e}].changes[${c}]`));
        continue;
      }
      const { field, value } = change.data;
      const valueJson = JSON.stringify(value);
      changes.push({
        dedupeKey: keyOf(time === undefined ? [envelope.object, field, entryId, valueJson] : [envelope.object, field, entryId, time, valueJson]),
        object: envelope.object,
        entryId,
        entryTime,
        field,
        event: eventOf(field, value),
        wabaId: wabaOf(field, entryId, value),
        value,
        status: 'received',
        problem: null,
      });
    }
  }
  return changes;
}
