import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { auditLog, operationRuns, solutions, wabaRequests, type StaffUser } from '@/lib/db/schema';
import { operationsIdle, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { writeSettings, type PartnerType } from '@/lib/settings';
import { createStaffUser } from '@/lib/staff';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { signedIn } from './signed-in';

// The partner-program staff actions as the browser calls them: roles, partner types, validation and
// what they leave behind (solutions, WABA creation requests, Finish onboarding).

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { changeSolutionAction, createSolutionAction, refreshSolutionsAction } = await import('@/app/(staff)/solutions/actions');
const { recordRequestAction, cancelRequestAction, finishRequestAction } = await import('@/app/(staff)/waba-requests/actions');
const { finishWabaAction } = await import('@/app/(staff)/finish-onboarding/actions');

let meta: MetaSandbox;
let restoreRunner: () => void;
let viewer: StaffUser;
let operator: StaffUser;
const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });
const invitation = '7000000000000003';

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  meta = await startMetaSandbox();
  restoreRunner = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
});

beforeEach(async () => {
  signedIn.id = undefined;
  await partner('solution_partner');
});

afterAll(async () => {
  await stopOperationWork();
  restoreRunner();
  await meta.close();
});

async function partner(type: PartnerType) {
  await writeSettings({ 'partner.type': type }, new Auditor(null, 'settings.update'));
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe('solution actions', () => {
  it('refuse viewers with 403 and change nothing at Meta or here', async () => {
    signedIn.id = operator.id;
    await refreshSolutionsAction({}, form({}));
    signedIn.id = viewer.id;
    await expect(changeSolutionAction({}, form({ solutionId: invitation, action: 'accept' }))).rejects.toEqual(forbidden);
    await expect(createSolutionAction({}, form({ name: 'By a viewer', partnerAppId: '1000000000000002', messaging: 'us' }))).rejects.toEqual(forbidden);
    await expect(refreshSolutionsAction({}, form({}))).rejects.toEqual(forbidden);
    expect(meta.sandbox.state.solutions[invitation]?.status).toBe('INITIATED');
    expect(Object.values(meta.sandbox.state.solutions).some((s) => s.name === 'By a viewer')).toBe(false);
    const [row] = await db().select().from(solutions).where(eq(solutions.metaSolutionId, invitation));
    expect(row?.status).toBe('INITIATED');
  });

  it('refuse a transition the state does not permit, with the reason, and record it', async () => {
    signedIn.id = operator.id;
    const state = await changeSolutionAction({}, form({ solutionId: '7000000000000005', action: 'request_deactivation' }));
    expect(state.error).toBe('This solution is Deactivated: only an Active solution can be deactivated.');
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'solution.change'));
    expect(audit).toMatchObject({ target: '7000000000000005', details: { ok: false } });
  });

  it('accept an invitation for an operator and record the move from Pending to Active', async () => {
    signedIn.id = operator.id;
    expect(await changeSolutionAction({}, form({ solutionId: invitation, action: 'accept' }))).toEqual({
      ok: 'Accept the invitation: done. Meta now reports it as active.',
    });
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'solution.accept'));
    expect(audit).toMatchObject({ actorId: operator.id, target: invitation, details: { from: 'pending', to: 'active', ok: true } });
  });

  it('explain bad input field by field, and refuse a Tech Provider without a Facebook login', async () => {
    signedIn.id = operator.id;
    const bad = await createSolutionAction({}, form({ name: '', partnerAppId: 'abc', messaging: 'both' }));
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['messaging', 'name', 'partnerAppId']);
    await partner('tech_provider');
    const refused = await createSolutionAction({}, form({ name: 'TP solution', partnerAppId: '1000000000000099', messaging: 'us' }));
    expect(refused.error).toMatch(/^Sign in with Facebook first/);
    await partner('measurement_partner');
    expect((await refreshSolutionsAction({}, form({}))).error).toBe('Multi-Partner Solutions are not available to Measurement Partners.');
  });
});

describe('WABA creation request actions', () => {
  it('record a request for an operator, refuse viewers, and refuse other partner types', async () => {
    signedIn.id = viewer.id;
    await expect(recordRequestAction({}, form({ customerBusinessId: '2100000000000001', customerName: 'Acme Ltd', sentOn: '2026-01-05' }))).rejects.toEqual(
      forbidden,
    );
    signedIn.id = operator.id;
    const bad = await recordRequestAction({}, form({ customerBusinessId: 'acme', customerName: '', sentOn: 'yesterday' }));
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['customerBusinessId', 'customerName', 'sentOn']);
    expect(await db().$count(wabaRequests)).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      await recordRequestAction({}, form({ customerBusinessId: '2100000000000001', customerName: 'Acme Ltd', sentOn: today, note: 'Sent by Sam' })),
    ).toMatchObject({
      ok: 'Recorded the request to Acme Ltd. Send them the instructions below.',
    });
    await partner('tech_provider');
    expect((await recordRequestAction({}, form({ customerBusinessId: '2100000000000002', customerName: 'Brew', sentOn: '2026-01-05' }))).error).toBe(
      'Partner-initiated WABA creation is for Solution Partners only.',
    );
    expect(await db().$count(wabaRequests)).toBe(1);
  });

  it('refuse to finish an expired request, and to cancel it', async () => {
    signedIn.id = operator.id;
    expect(await recordRequestAction({}, form({ customerBusinessId: '2100000000000003', customerName: 'Cedar', sentOn: '2025-01-01' }))).toEqual({
      ok: 'Recorded the request to Cedar, which Meta has already cancelled: invitations last 90 days. Send a new one in Business Suite.',
    });
    const [expired] = await db().select().from(wabaRequests).where(eq(wabaRequests.customerName, 'Cedar'));
    const finish = await finishRequestAction({}, form({ requestId: expired!.id }));
    expect(finish.error).toBe(
      'This request expired on 1 Apr 2025: Meta cancelled the invitation after 90 days, so there is no account to finish. Send a new request in Meta Business Suite and record it here.',
    );
    expect((await cancelRequestAction({}, form({ id: expired!.id }))).error).toBe(
      'This request is expired: only a request still waiting for the customer can be marked cancelled.',
    );
    expect(await db().$count(operationRuns)).toBe(0);
  });

  it('refuse Finish onboarding to viewers, and start nothing', async () => {
    signedIn.id = viewer.id;
    await expect(finishWabaAction({}, form({ metaWabaId: '2200000000000002' }))).rejects.toEqual(forbidden);
    await operationsIdle();
    expect(await db().$count(operationRuns)).toBe(0);
  });
});
