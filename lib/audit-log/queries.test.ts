import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog, graphCalls, onboardingSessions, phoneNumbers, staffUsers, wabas } from '@/lib/db/schema';
import {
  graphCallFilterSchema,
  listGraphCalls,
  listStaffActions,
  parseFilter,
  redactDetails,
  staffActionFilterSchema,
  auditActions,
} from '@/lib/audit-log/queries';

// The audit log's two lists from rows written here: filters, keyset paging and redaction.

const wabaId = '2900000000000001';
const phoneId = '2900000000000002';
const otherWaba = '2900000000000009';
let ada: string;
let sessionId: string;

const stamp = (value: string) => sql`${value}::timestamptz` as unknown as Date;

beforeAll(async () => {
  const [a] = await db().insert(staffUsers).values({ email: 'ada@partner.example', name: 'Ada Admin', passwordHash: 'x', role: 'admin' }).returning();
  ada = a!.id;
  const [w] = await db().insert(wabas).values({ metaWabaId: wabaId, name: 'Brew & Co' }).returning();
  await db().insert(phoneNumbers).values({ metaPhoneNumberId: phoneId, wabaId: w!.id });
  const [s] = await db()
    .insert(onboardingSessions)
    .values({ browserKeyHash: 'h', flow: 'default', partnerType: 'solution_partner', expiresAt: new Date(), wabaId: w!.id })
    .returning();
  sessionId = s!.id;
});

describe('staff actions', () => {
  it('lists newest first, filters by who, action, WABA and UTC time, and pages without skipping rows of the same instant', async () => {
    expect((await listStaffActions({})).items).toEqual([]);
    await db()
      .insert(auditLog)
      .values([
        { actorId: ada, action: 'link.create', target: 'link-1', createdAt: stamp('2030-01-01 10:00:00.000001+00') },
        { actorId: ada, action: 'onboarding.resume', target: sessionId, createdAt: stamp('2030-01-01 11:00:00.000002+00') },
        { actorId: null, action: 'credit_line.revoke', target: wabaId, details: { ownerBusinessId: '1' }, createdAt: stamp('2030-01-01 11:00:00.000002+00') },
        { actorId: ada, action: 'settings.update', target: null, details: { wabaId }, createdAt: stamp('2030-01-01 11:00:00.000002+00') },
        { actorId: ada, action: 'settings.update', target: otherWaba, createdAt: stamp('2030-01-02 09:00:00+00') },
      ]);

    const all = (await listStaffActions({})).items;
    expect(all.map((r) => r.action)).toEqual(['settings.update', 'settings.update', 'credit_line.revoke', 'onboarding.resume', 'link.create']);
    expect(all[0]).toMatchObject({ actorName: 'Ada Admin', actorEmail: 'ada@partner.example' });

    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await listStaffActions({}, { cursor, limit: 2 });
      seen.push(...result.items.map((r) => r.id));
      if (!result.next) break;
      cursor = result.next;
    }
    expect(seen).toEqual(all.map((r) => r.id));

    expect((await listStaffActions({ actor: 'system' })).items.map((r) => r.action)).toEqual(['credit_line.revoke']);
    expect((await listStaffActions({ actor: ada })).items).toHaveLength(4);
    expect((await listStaffActions({ action: 'link.create' })).items.map((r) => r.target)).toEqual(['link-1']);
    // By WABA: named as the target, in the details, or through one of its onboardings.
    expect((await listStaffActions({ waba: wabaId })).items.map((r) => r.action).sort()).toEqual([
      'credit_line.revoke',
      'onboarding.resume',
      'settings.update',
    ]);
    expect((await listStaffActions({ waba: otherWaba })).items).toHaveLength(1);
    const window = { from: new Date('2030-01-01T10:30:00Z'), to: new Date('2030-01-01T12:00:00Z') };
    expect((await listStaffActions(window)).items).toHaveLength(3);
    expect(await auditActions()).toEqual(['credit_line.revoke', 'link.create', 'onboarding.resume', 'settings.update']);
  });

  it('never shows a token, PIN or secret in the details', async () => {
    const token = `EAAG${'x'.repeat(40)}`;
    await db()
      .insert(auditLog)
      .values({
        actorId: ada,
        action: 'webhook_forward.create',
        details: {
          url: 'https://hooks.example/in?token=abc123&tenant=7',
          access_token: token,
          note: `got ${token}`,
          phone: { pin: '123456' },
          field: 'messages',
        },
        createdAt: stamp('2031-01-01 00:00:00+00'),
      });
    const [row] = (await listStaffActions({ action: 'webhook_forward.create' })).items;
    const shown = JSON.stringify(row!.details);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('abc123');
    expect(shown).not.toContain('123456');
    expect(row!.details).toEqual({
      url: 'https://hooks.example/in?token=•••&tenant=7',
      access_token: '•••',
      note: 'got •••',
      phone: { pin: '•••' },
      field: 'messages',
    });
    expect(redactDetails(null)).toBeNull();
  });
});

describe('graph calls', () => {
  it('filters by WABA (its path, its numbers, its onboardings), step, result and time, and pages', async () => {
    expect((await listGraphCalls({ waba: wabaId })).items).toEqual([]);
    await db()
      .insert(graphCalls)
      .values([
        { method: 'GET', path: `/${wabaId}`, status: 200, durationMs: 12, createdAt: stamp('2030-01-01 10:00:00+00') },
        {
          method: 'POST',
          path: `/${phoneId}/register`,
          status: 400,
          errorCode: '133016',
          fbtraceId: 'Atrace',
          durationMs: 40,
          createdAt: stamp('2030-01-01 10:01:00+00'),
        },
        { method: 'GET', path: '/debug_token', status: 200, durationMs: 8, sessionId, step: 'verify_token', createdAt: stamp('2030-01-01 10:02:00+00') },
        { method: 'GET', path: `/${otherWaba}/phone_numbers`, status: 200, durationMs: 9, createdAt: stamp('2030-01-01 10:03:00+00') },
        { method: 'GET', path: `/${wabaId}9/phone_numbers`, status: 200, durationMs: 9, createdAt: stamp('2030-01-01 10:04:00+00') },
      ]);
    const ours = (await listGraphCalls({ waba: wabaId })).items;
    expect(ours.map((c) => c.path)).toEqual(['/debug_token', `/${phoneId}/register`, `/${wabaId}`]);
    expect((await listGraphCalls({ result: 'failed' })).items.map((c) => c.errorCode)).toEqual(['133016']);
    expect((await listGraphCalls({ step: 'verify_token' })).items.map((c) => c.path)).toEqual(['/debug_token']);
    expect((await listGraphCalls({ from: new Date('2030-01-01T10:02:30Z') })).items).toHaveLength(2);

    const first = await listGraphCalls({}, { limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await listGraphCalls({}, { cursor: first.next!, limit: 3 });
    expect([...first.items, ...second.items].map((c) => c.id)).toEqual((await listGraphCalls({})).items.map((c) => c.id));
    expect(second.next).toBeNull();
  });
});

describe('filters from the query string', () => {
  it('drops an invalid value and says why, keeping the rest', () => {
    const { filter, errors } = parseFilter(staffActionFilterSchema, { actor: 'nobody', action: 'link.create', waba: '12a', from: '2030-01-01T10:00' });
    expect(filter).toEqual({ action: 'link.create', from: new Date('2030-01-01T10:00:00Z') });
    expect(errors).toHaveLength(2);
    expect(parseFilter(graphCallFilterSchema, { step: 'drop_tables', result: 'failed' })).toMatchObject({
      filter: { result: 'failed' },
      errors: [expect.stringContaining('step')],
    });
  });
});
