import { describe, expect, it } from 'vitest';
import { changesOf, envelopeSchema, maxNestingDepth, nestsDeeperThan } from '@/lib/webhooks/envelope';

function envelopeOf(entries: unknown[]) {
  return envelopeSchema.parse({ object: 'whatsapp_business_account', entry: entries });
}

const review = (decision: string) => ({ field: 'account_review_update', value: { decision } });

describe('de-duplication key', () => {
  it('is the same for a re-delivery: same change, same entry.time, however batched', () => {
    const alone = changesOf(envelopeOf([{ id: '2001', time: 1767225600, changes: [review('APPROVED')] }]));
    const batched = changesOf(
      envelopeOf([
        { id: '2002', time: 1767225600, changes: [review('REJECTED')] },
        { id: '2001', time: 1767225600, changes: [review('PENDING'), review('APPROVED')] },
      ]),
    );
    expect(batched.map((c) => c.dedupeKey)).toContain(alone[0]!.dedupeKey);
  });

  it('differs for the same content sent again later (a later entry.time)', () => {
    const first = changesOf(envelopeOf([{ id: '2001', time: 1767225600, changes: [review('APPROVED')] }]));
    const again = changesOf(envelopeOf([{ id: '2001', time: 1767225900, changes: [review('APPROVED')] }]));
    expect(again[0]!.dedupeKey).not.toBe(first[0]!.dedupeKey);
  });

  it('differs for a later timestamp inside the value when entry.time is absent', () => {
    const status = (timestamp: string) => ({
      field: 'messages',
      value: { metadata: { phone_number_id: '1' }, statuses: [{ id: 'wamid.A', status: 'read', timestamp }] },
    });
    const first = changesOf(envelopeOf([{ id: '2001', changes: [status('1767225600')] }]));
    const retry = changesOf(envelopeOf([{ id: '2001', changes: [status('1767225600')] }]));
    const later = changesOf(envelopeOf([{ id: '2001', changes: [status('1767225660')] }]));
    expect(retry[0]!.dedupeKey).toBe(first[0]!.dedupeKey);
    expect(later[0]!.dedupeKey).not.toBe(first[0]!.dedupeKey);
  });
});

describe('malformed changes', () => {
  it('keeps the good changes of a batch and marks each malformed change or entry invalid with why', () => {
    const changes = changesOf(
      envelopeOf([
        {
          id: '2001',
          time: 1767225600,
          changes: [review('APPROVED'), { value: { decision: 'X' } }, { field: 'messages', value: 'not an object' }, review('PENDING')],
        },
        { time: 1767225600, changes: [review('APPROVED')] },
      ]),
    );
    expect(changes.map((c) => [c.status, c.field])).toEqual([
      ['received', 'account_review_update'],
      ['invalid', ''],
      ['invalid', 'messages'],
      ['received', 'account_review_update'],
      ['invalid', ''],
    ]);
    expect(changes[1]!.problem).toBe('entry[0].changes[1].field: missing');
    expect(changes[1]!.value).toEqual({ value: { decision: 'X' } });
    expect(changes[2]!.problem).toBe('entry[0].changes[2].value: should be an object');
    expect(changes[4]!.problem).toBe('entry[1].id: missing');
    expect(new Set(changes.map((c) => c.dedupeKey)).size).toBe(5);
  });

  it('tells bodies nested deeper than the limit from Meta-shaped ones, without recursion', () => {
    const deep = JSON.parse('{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000));
    expect(nestsDeeperThan(deep, maxNestingDepth)).toBe(true);
    const meta = {
      object: 'x',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messages: [{ interactive: { nfm_reply: { a: { b: 1 } } } }] } }] }],
    };
    expect(nestsDeeperThan(meta, maxNestingDepth)).toBe(false);
  });
});
