import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, phoneNumbers, staffUsers, wabas } from '@/lib/db/schema';
import { createCustomer, metaId } from '@/test/webhook-fixtures';
import { findWaba, listWabas, onboardingsOf, openAttention, phoneNumbersOf, resolveAttention } from '@/lib/wabas';

describe('WABA views', () => {
  it('lists WABAs newest first with their number count, filters by status, searches by id or name, and pages', async () => {
    const a = await createCustomer();
    const b = await createCustomer();
    await db().update(wabas).set({ name: 'Acme Support' }).where(eq(wabas.id, a.waba.id));
    await db()
      .insert(phoneNumbers)
      .values({ metaPhoneNumberId: metaId('1'), wabaId: a.waba.id });
    const [gone] = await db()
      .insert(wabas)
      .values({ metaWabaId: metaId('2'), status: 'disconnected', name: 'Gone 100%' })
      .returning();

    const all = await listWabas({});
    expect(all.wabas.map((w) => w.id)).toEqual([gone!.id, b.waba.id, a.waba.id]);
    expect(all.wabas.find((w) => w.id === a.waba.id)?.numbers).toBe(2);
    expect(all.wabas.find((w) => w.id === gone!.id)?.numbers).toBe(0);

    expect((await listWabas({ status: 'disconnected' })).wabas.map((w) => w.id)).toEqual([gone!.id]);
    expect((await listWabas({ q: 'acme' })).wabas.map((w) => w.id)).toEqual([a.waba.id]);
    expect((await listWabas({ q: b.waba.metaWabaId })).wabas.map((w) => w.id)).toEqual([b.waba.id]);
    // LIKE wildcards in the search are literal.
    expect((await listWabas({ q: '100%' })).wabas.map((w) => w.id)).toEqual([gone!.id]);
    expect((await listWabas({ q: '%' })).wabas.map((w) => w.id)).toEqual([gone!.id]);

    const first = await listWabas({}, { limit: 2 });
    const second = await listWabas({}, { limit: 2, cursor: first.next });
    expect([...first.wabas, ...second.wabas].map((w) => w.id)).toEqual(all.wabas.map((w) => w.id));
    expect(second.next).toBeUndefined();
  });

  it('finds a WABA by our id or by Meta id, with its numbers, onboardings and open attention items', async () => {
    const c = await createCustomer();
    expect((await findWaba(c.waba.id))?.waba.id).toBe(c.waba.id);
    expect((await findWaba(c.waba.metaWabaId))?.business?.metaBusinessId).toBe(c.business.metaBusinessId);
    expect(await findWaba('../etc')).toBeUndefined();
    expect(await findWaba(metaId('2'))).toBeUndefined();
    expect((await phoneNumbersOf(c.waba.id)).map((p) => p.id)).toEqual([c.phone.id]);
    expect((await onboardingsOf(c.waba.id)).map((s) => s.id)).toEqual([c.session.id]);

    const [item] = await db().insert(attentionItems).values({ wabaId: c.waba.metaWabaId, kind: 'account_restriction', message: 'Restricted' }).returning();
    const [staff] = await db()
      .insert(staffUsers)
      .values({ name: 'Olga Operator', email: `olga-${item!.id}@example.com`, passwordHash: 'x', role: 'operator' })
      .returning();
    expect((await openAttention({ metaWabaId: c.waba.metaWabaId })).map((i) => [i.id, i.wabaRowId])).toEqual([[item!.id, c.waba.id]]);
    expect(await resolveAttention(item!.id, { userId: staff!.id, reason: 'Handled with the customer.' })).toMatchObject({
      id: item!.id,
      kind: 'account_restriction',
    });
    expect(await resolveAttention(item!.id, { userId: staff!.id, reason: 'again' })).toBeUndefined();
    expect(await openAttention({ metaWabaId: c.waba.metaWabaId })).toEqual([]);
  });
});
