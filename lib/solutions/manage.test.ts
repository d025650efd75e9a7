import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { solutions, wabas } from '@/lib/db/schema';
import { addWabaToSolution, migratableWabas } from '@/lib/solutions/migration';
import { changeSolution, createOwnSolution, createTechProviderSolution, writeToken } from '@/lib/solutions/manage';
import { refreshSolutions, storedSolution } from '@/lib/solutions/store';
import { writeSettings, type PartnerType } from '@/lib/settings';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createOnboarding } from '@/test/onboarding-fixtures';
import { deliver } from '@/test/webhook-fixtures';

// Multi-Partner Solutions against the sandbox (Meta: Multi-Partner Solutions; Multi-Partner Solution
// — Embedded creation): what we store, the state table, and the token each partner type writes with.

let meta: MetaSandbox;
const ours = '1000000000000001';
const tpApp = '1000000000000002';
const ids = {
  active: '7000000000000001',
  draft: '7000000000000002',
  invitation: '7000000000000003',
  declined: '7000000000000004',
  deactivated: '7000000000000005',
};

beforeAll(async () => {
  meta = await startMetaSandbox();
});

beforeEach(async () => {
  await meta.control('POST', '/reset', { scenario: 'demo' });
  await db().delete(solutions);
  await partner('solution_partner');
});

afterAll(async () => {
  await meta.close();
});

async function partner(type: PartnerType) {
  await writeSettings({ 'partner.type': type }, new Auditor(null, 'settings.update'));
}

async function login(personId: string, appIds?: string[]): Promise<string> {
  const r = await meta.control('POST', '/solution-logins', { personId, ...(appIds && { appIds }) });
  return (r.body as { accessToken: string }).accessToken;
}

describe('reading solutions', () => {
  it('stores every solution of our app with its state, our role, both apps and who holds MESSAGING', async () => {
    expect(await refreshSolutions()).toBe(5);
    expect(await storedSolution(ids.active)).toMatchObject({
      state: 'active',
      role: 'partner',
      ownerAppId: tpApp,
      ownerAppName: 'tp_prod_app',
      partnerAppId: ours,
      messagingApp: 'owner',
      weHoldMessaging: false,
    });
    expect((await storedSolution(ids.draft))?.state).toBe('draft');
    expect((await storedSolution(ids.invitation))?.state).toBe('pending');
    expect(await storedSolution(ids.declined)).toMatchObject({ state: 'inactive', role: 'owner', weHoldMessaging: true });
    expect((await storedSolution(ids.deactivated))?.state).toBe('deactivated');
  });

  it('a partner_solutions webhook moves the stored state, even one Meta timed in the second of our read; an older one arriving late does not', async () => {
    await refreshSolutions();
    // Meta's time is whole seconds, and a second behind ours still counts as after our read.
    const sameSecond = Math.floor(Date.now() / 1000) - 1;
    await deliver(
      '2000000000000001',
      [{ field: 'partner_solutions', value: { event: 'SOLUTION_UPDATED', solution_id: ids.active, solution_status: 'PENDING_DEACTIVATION' } }],
      sameSecond,
    );
    expect((await storedSolution(ids.active))?.state).toBe('pending_deactivation');
    await deliver(
      '2000000000000001',
      [{ field: 'partner_solutions', value: { event: 'SOLUTION_UPDATED', solution_id: ids.active, solution_status: 'ACTIVE' } }],
      sameSecond - 30,
    );
    expect((await storedSolution(ids.active))?.state).toBe('pending_deactivation');
  });
});

describe('as a Solution Partner (system token)', () => {
  it('creates a solution where exactly one app holds MESSAGING; it waits for the partner, who accepts', async () => {
    const created = await createOwnSolution('solution_partner', { name: 'Onramp x Brew Tech', partnerAppId: tpApp, messaging: 'partner' });
    expect(created).toMatchObject({ state: 'pending', role: 'owner', partnerAppId: tpApp, messagingApp: 'partner', weHoldMessaging: false });
    await expect(changeSolution('solution_partner', created.metaSolutionId, 'accept', undefined)).rejects.toThrow(
      'We sent this invitation: the invited partner accepts or declines it.',
    );
    await meta.control('POST', `/solutions/${created.metaSolutionId}/decision`, { decision: 'accept' });
    const { after } = await changeSolution('solution_partner', created.metaSolutionId, 'request_deactivation', undefined);
    expect(after.state).toBe('pending_deactivation');
    // We asked: the partner answers, not us; Meta was not asked.
    await expect(changeSolution('solution_partner', created.metaSolutionId, 'accept_deactivation', undefined)).rejects.toThrow(
      'We asked to deactivate this solution: the partner accepts or declines.',
    );
    expect(meta.sandbox.state.solutions[created.metaSolutionId]?.pendingRequest).toBe('PENDING_DEACTIVATION');
  });

  it('refuses our own app as the partner', async () => {
    await expect(createOwnSolution('solution_partner', { name: 'Self', partnerAppId: ours, messaging: 'us' })).rejects.toThrow('That is this portal’s own app');
  });

  it('accepts a Pending invitation, then refuses to accept it again because it is Active', async () => {
    const { before, after } = await changeSolution('solution_partner', ids.invitation, 'accept', undefined);
    expect([before.state, after.state]).toEqual(['pending', 'active']);
    await expect(changeSolution('solution_partner', ids.invitation, 'accept', undefined)).rejects.toThrow(
      'This solution is Active: only a Pending invitation can be accepted or declined.',
    );
    await expect(changeSolution('solution_partner', ids.invitation, 'request_deactivation', undefined)).rejects.toThrow(
      'Only the partner that created the solution can ask to deactivate it.',
    );
  });

  it('answers the owner’s deactivation request', async () => {
    await meta.control('POST', `/solutions/${ids.active}/decision`, { decision: 'send_deactivation_request' });
    const { before, after } = await changeSolution('solution_partner', ids.active, 'reject_deactivation', undefined);
    expect([before.state, after.state]).toEqual(['pending_deactivation', 'active']);
  });

  it('embedded creation: the Tech Provider’s login creates the solution on its chosen app with us as the partner, and we accept it', async () => {
    const token = await login('8000000000000005', [tpApp]);
    const created = await createTechProviderSolution('solution_partner', {
      login: token,
      techProviderAppId: tpApp,
      name: 'Brew Tech x Onramp 2',
      messaging: 'partner',
    });
    expect(created).toMatchObject({ state: 'active', role: 'partner', ownerAppId: tpApp, partnerAppId: ours, messagingApp: 'owner' });
    await expect(
      createTechProviderSolution('solution_partner', { login: token, techProviderAppId: '1000000000000003', name: 'Not chosen', messaging: 'us' }),
    ).rejects.toThrow('Choose one of the apps the Tech Provider allowed in the login window.');
  });
});

describe('as a Tech Provider (no system token)', () => {
  beforeEach(async () => {
    await partner('tech_provider');
  });

  it('needs a manage_app_solution login for every change, and one that allowed our app', async () => {
    await expect(writeToken('tech_provider', undefined)).rejects.toThrow('Sign in with Facebook first');
    await expect(
      createOwnSolution('tech_provider', { name: 'x', partnerAppId: tpApp, messaging: 'us', login: await login('8000000000000005') }),
    ).rejects.toThrow(`In the login window, choose this portal’s app (${ours})`);
    const pat = await login('8000000000000006');
    const created = await createOwnSolution('tech_provider', { name: 'Onramp x Other BSP', partnerAppId: '1000000000000099', messaging: 'us', login: pat });
    expect(created).toMatchObject({ state: 'pending', role: 'owner', weHoldMessaging: true });
    const { after } = await changeSolution('tech_provider', ids.invitation, 'reject', pat);
    expect(after.state).toBe('inactive');
    expect(meta.sandbox.state.solutions[ids.invitation]?.status).toBe('REJECTED');
  });

  it('Measurement Partners have no solutions to change', async () => {
    await expect(changeSolution('measurement_partner', ids.invitation, 'accept', undefined)).rejects.toThrow('not available to Measurement Partners');
  });
});

describe('adding an existing WABA to a solution', () => {
  it('sets the migration intent with the customer’s business token, only into an Active solution', async () => {
    const o = await createOnboarding(meta, 'default', 'solution_partner');
    const { intentId } = await addWabaToSolution(ids.active, o.metaWabaId);
    expect(meta.sandbox.state.migrationIntents[intentId]).toMatchObject({ wabaId: o.metaWabaId, solutionId: ids.active });
    await expect(addWabaToSolution(ids.draft, o.metaWabaId)).rejects.toThrow('This solution is Draft: Meta moves accounts only into an Active solution.');
  });

  it('offers our connected accounts with a valid business token, newest first, and not those already in the solution', async () => {
    const older = await createOnboarding(meta, 'default', 'solution_partner');
    const newer = await createOnboarding(meta, 'default', 'solution_partner');
    const inSolution = await createOnboarding(meta, 'default', 'solution_partner');
    await db().update(wabas).set({ solutionId: ids.active }).where(eq(wabas.metaWabaId, inSolution.metaWabaId));
    await db().insert(wabas).values({ metaWabaId: '2299000000000002' });
    const offered = (await migratableWabas(ids.active)).map((w) => w.metaWabaId);
    expect(offered.indexOf(newer.metaWabaId)).toBeGreaterThanOrEqual(0);
    expect(offered.indexOf(newer.metaWabaId)).toBeLessThan(offered.indexOf(older.metaWabaId));
    expect(offered).not.toContain(inSolution.metaWabaId);
    expect(offered).not.toContain('2299000000000002');
    expect(new Set(offered).size).toBe(offered.length);
    expect((await migratableWabas(ids.draft)).map((w) => w.metaWabaId)).toContain(inSolution.metaWabaId);
    await db().delete(wabas).where(eq(wabas.metaWabaId, '2299000000000002'));
  });

  it('refuses a WABA we hold no business token for, saying what the customer does instead', async () => {
    await db().insert(wabas).values({ metaWabaId: '2299000000000001' });
    await expect(addWabaToSolution(ids.active, '2299000000000001')).rejects.toThrow('We hold no business token for this account');
    await db().delete(wabas).where(eq(wabas.metaWabaId, '2299000000000001'));
  });
});
