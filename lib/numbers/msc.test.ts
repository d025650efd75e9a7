import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { graphCalls, mscShares } from '@/lib/db/schema';
import { assertMscAllows, loadMscNumber, mscRefusal, recordMscShare, type MscNumber } from '@/lib/numbers/msc';
import { writeSettings } from '@/lib/settings';
import { createCustomer } from '@/test/webhook-fixtures';

// Multi-Solution Conversations rules from Meta's page, as the number actions ask them.

const shared: MscNumber = { metaPhoneNumberId: '1', isOnBizApp: false, registeredByUs: false, share: { partnerCount: 3 } };
const audit = () => new Auditor(null, 'number.msc.record');

describe('mscRefusal', () => {
  it('allows everything on a number that is not shared', () => {
    for (const action of ['register', 'deregister', 'change_pin', 'coexistence_sync'] as const) {
      expect(mscRefusal({ ...shared, share: null }, action)).toBeNull();
    }
  });

  it('refuses re-registering, a new PIN and codes on a shared number another partner registered, but not to the partner that registered it', () => {
    for (const action of ['register', 'change_pin', 'request_code', 'verify_code'] as const) {
      expect(mscRefusal(shared, action)).toMatch(/only the partner that registered it may register it again or change its PIN/);
      expect(mscRefusal({ ...shared, registeredByUs: true }, action)).toBeNull();
    }
  });

  it('refuses deregistering and coexistence syncs on any shared number, and more than 5 partners or a coexistence number when recording', () => {
    expect(mscRefusal({ ...shared, registeredByUs: true }, 'deregister')).toMatch(/Embedded Signup - MSC Offboarding/);
    expect(mscRefusal(shared, 'coexistence_sync')).toMatch(/does not support coexistence numbers/);
    expect(mscRefusal(shared, 'record_sharing', 6)).toBe('Multi-Solution Conversations allows at most 5 partners per number, us included.');
    expect(mscRefusal({ ...shared, isOnBizApp: true, share: null }, 'record_sharing', 2)).toMatch(/Coexistence numbers .* cannot be shared/);
  });
});

describe('recorded sharing', () => {
  it('records a shared number, then refuses its re-registration with the reason until our own register call succeeded', async () => {
    await writeSettings({ 'partner.type': 'tech_provider' }, audit());
    const c = await createCustomer();
    const id = c.phone.metaPhoneNumberId;
    await assertMscAllows(id, 'register');
    await recordMscShare({ phoneNumberId: id, partnerCount: 3, note: 'also with a CRM partner' }, audit());
    await expect(assertMscAllows(id, 'register')).rejects.toThrow(/registered by another partner/);
    await expect(assertMscAllows(id, 'deregister')).rejects.toThrow(/stop it for all of them/);
    await db()
      .insert(graphCalls)
      .values({ method: 'POST', path: `/${id}/register`, status: 200, durationMs: 5 });
    expect((await loadMscNumber(id))!.number.registeredByUs).toBe(true);
    await assertMscAllows(id, 'register');
  });

  it('refuses to record a coexistence number, more than 5 partners, or any sharing for a Measurement Partner, storing nothing', async () => {
    await writeSettings({ 'partner.type': 'solution_partner' }, audit());
    const coexistence = await createCustomer({ coexistence: true });
    await expect(recordMscShare({ phoneNumberId: coexistence.phone.metaPhoneNumberId, partnerCount: 2 }, audit())).rejects.toThrow(/Coexistence numbers/);
    const c = await createCustomer();
    await expect(recordMscShare({ phoneNumberId: c.phone.metaPhoneNumberId, partnerCount: 6 }, audit())).rejects.toThrow(/at most 5 partners/);
    await writeSettings({ 'partner.type': 'measurement_partner' }, audit());
    await expect(recordMscShare({ phoneNumberId: c.phone.metaPhoneNumberId, partnerCount: 2 }, audit())).rejects.toThrow(
      /does not support Measurement Partners/,
    );
    for (const phone of [coexistence.phone, c.phone]) {
      expect(await db().select().from(mscShares).where(eq(mscShares.phoneNumberId, phone.metaPhoneNumberId))).toHaveLength(0);
    }
  });
});
