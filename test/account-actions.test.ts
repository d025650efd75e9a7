import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog, operationRuns, signupLinks, wabas, type StaffUser } from '@/lib/db/schema';
import { stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { createStaffUser } from '@/lib/staff';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createOnboarding, type Onboarding } from '@/test/onboarding-fixtures';
import { signedIn } from './signed-in';

// The account page's actions as the browser calls them: viewers are refused with 403 and nothing
// changes at Meta or in our rows; an operator's bad input is explained and sends nothing; every
// action that ran leaves an audit row.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const actions = await import('@/app/(staff)/wabas/[id]/actions');

let meta: MetaSandbox;
let restoreSettings: () => void;
let viewer: StaffUser;
let operator: StaffUser;
let customer: Onboarding;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  meta = await startMetaSandbox();
  restoreSettings = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'account-viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'account-operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
  customer = await createOnboarding(meta, 'default', 'solution_partner');
});

afterAll(async () => {
  await stopOperationWork();
  restoreSettings();
  await meta.close();
});

beforeEach(() => {
  signedIn.id = undefined;
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

describe('viewers', () => {
  it('get 403 from every account action, and nothing changes at Meta or in our rows', async () => {
    const ref = { wabaId: customer.metaWabaId };
    const sandboxWaba = () => meta.sandbox.state.wabas[ref.wabaId]!;
    const before = {
      waba: structuredClone(sandboxWaba()),
      runs: (await db().select().from(operationRuns)).length,
      links: (await db().select().from(signupLinks)).length,
    };
    const [rowBefore] = await db().select().from(wabas).where(eq(wabas.metaWabaId, ref.wabaId));
    signedIn.id = viewer.id;
    const posts: Array<[keyof typeof actions, Record<string, string>]> = [
      ['refreshAccountAction', ref],
      ['resubscribeAction', ref],
      ['wabaOverrideAction', { ...ref, callbackUri: 'https://hooks.example.com/wa', verifyToken: 'x' }],
      ['clearWabaOverrideAction', ref],
      ['addSystemUserAction', ref],
      ['removeSystemUserAction', { ...ref, userId: '3000000000000001', confirm: 'yes' }],
      ['shareCreditAction', { ...ref, currency: 'USD' }],
      ['verifyCreditAction', ref],
      ['revokeCreditAction', { ...ref, confirm: 'yes' }],
      ['reauthorizeAction', ref],
      ['offboardAction', { ...ref, confirm: 'yes' }],
    ];
    for (const [name, fields] of posts) {
      await expect(actions[name]({}, form(fields)), name).rejects.toEqual(forbidden);
    }
    expect(sandboxWaba()).toEqual(before.waba);
    expect(await db().select().from(operationRuns)).toHaveLength(before.runs);
    expect(await db().select().from(signupLinks)).toHaveLength(before.links);
    const [rowAfter] = await db().select().from(wabas).where(eq(wabas.metaWabaId, ref.wabaId));
    expect(rowAfter).toEqual(rowBefore);
  });
});

describe('operators', () => {
  it('bad input is explained field by field and nothing is sent to Meta', async () => {
    signedIn.id = operator.id;
    const ref = { wabaId: customer.metaWabaId };
    const before = structuredClone(meta.sandbox.state.wabas[ref.wabaId]!);
    expect(await actions.removeSystemUserAction({}, form({ ...ref, userId: '3000000000000001' }))).toMatchObject({
      fieldErrors: { confirm: ['Tick the box to confirm the removal.'] },
    });
    expect(await actions.revokeCreditAction({}, form(ref))).toMatchObject({ fieldErrors: { confirm: [expect.stringContaining('Tick the box')] } });
    expect(await actions.offboardAction({}, form(ref))).toMatchObject({ fieldErrors: { confirm: ['Tick the box to confirm the offboarding.'] } });
    expect(await actions.shareCreditAction({}, form({ ...ref, currency: 'XYZ' }))).toMatchObject({
      fieldErrors: { currency: ['Choose the currency the customer is billed in.'] },
    });
    expect(await actions.wabaOverrideAction({}, form({ ...ref, callbackUri: 'not a url' }))).toMatchObject({
      fieldErrors: { callbackUri: [expect.stringContaining('full address')] },
    });
    expect(await actions.wabaOverrideAction({}, form({ ...ref, callbackUri: 'https://hooks.example.com/wa' }))).toMatchObject({
      fieldErrors: { verifyToken: ['Required for another server.'] },
    });
    expect(await actions.refreshAccountAction({}, form({ wabaId: '999999999999' }))).toMatchObject({ error: 'This WhatsApp account is not on record.' });
    expect(meta.sandbox.state.wabas[ref.wabaId]).toEqual(before);
  });

  it('a refresh runs as an operation and is audited; a reauthorization link is single-use and carries no token', async () => {
    signedIn.id = operator.id;
    const ref = { wabaId: customer.metaWabaId };
    expect(await actions.refreshAccountAction({}, form(ref))).toMatchObject({ ok: 'Read from Meta just now: every panel shows what Meta reports.' });
    const link = await actions.reauthorizeAction({}, form(ref));
    expect(link.data?.url).toMatch(/\/signup\/[\w-]+$/);
    const token = String(link.data?.url).split('/').at(-1)!;
    const [stored] = await db().select().from(signupLinks).where(eq(signupLinks.token, token));
    expect(stored).toMatchObject({ singleUse: true, usedAt: null });
    const audit = await db().select().from(auditLog).where(eq(auditLog.actorId, operator.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['waba.refresh', 'waba.reauthorize_link', 'waba.webhook_override']));
    expect(JSON.stringify(audit)).not.toContain(customer.tokenValue);
  });
});
