import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessToken, systemToken } from '@/lib/meta/graph';
import { acceptSolution, createSolution, getSolution, getSolutionAccessToken, listSolutions, requestSolutionDeactivation } from '@/lib/meta/solutions';
import { startMetaSandbox, sandboxApp, type MetaSandbox } from '@/test/meta-sandbox';
import { getWaba } from '@/lib/meta/wabas';

// Against the sandbox: Multi-Partner Solutions (docs/meta/multi-partner-solutions.md). Ids from the sandbox's demo scenario.

let meta: MetaSandbox;
const tpApp = '1000000000000002';
const activeSolution = '7000000000000001';
const invitation = '7000000000000003';

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

describe('multi-partner solutions', () => {
  it('lists solutions by role, across pages', async () => {
    const all = await listSolutions(sandboxApp.appId, systemToken(), {}, { limit: 2 });
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    const owned = await listSolutions(sandboxApp.appId, systemToken(), {}, { role: 'OWNER' });
    expect(owned.every((s) => all.some((a) => a.id === s.id))).toBe(true);
    expect(owned.length).toBeLessThan(all.length);
  });

  it('reads an invitation and accepts it', async () => {
    const before = await getSolution(invitation, systemToken());
    expect(before).toMatchObject({ status: 'INITIATED', status_for_pending_request: 'PENDING_ACTIVATION' });
    await acceptSolution(invitation, systemToken());
    expect((await getSolution(invitation, systemToken())).status).toBe('ACTIVE');
  });

  it('creates a solution, and the owner can ask to deactivate it once active', async () => {
    const id = await createSolution(
      sandboxApp.appId,
      { name: 'Onramp x Brew Tech', partnerAppId: tpApp, ownerPermissions: ['MESSAGING'], partnerPermissions: [] },
      systemToken(),
    );
    expect((await getSolution(id, systemToken())).status).toBe('INITIATED');
    await meta.control('POST', `/solutions/${id}/decision`, { decision: 'accept' });
    await requestSolutionDeactivation(id, systemToken());
    expect((await getSolution(id, systemToken())).status_for_pending_request).toBe('PENDING_DEACTIVATION');
  });

  it('refuses a solution where both apps have MESSAGING', async () => {
    const error = await createSolution(
      sandboxApp.appId,
      { name: 'Both', partnerAppId: tpApp, ownerPermissions: ['MESSAGING'], partnerPermissions: ['MESSAGING'] },
      systemToken(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 100, kind: 'permanent' });
  });

  it("fetches a customer's business token for a solution signup", async () => {
    const signup = await meta.signup({ extras: { setup: { solutionID: activeSolution } } });
    const token = await getSolutionAccessToken(activeSolution, signup.businessId, systemToken());
    expect(token).toMatch(/^EAA/);
    expect((await getWaba(signup.wabaId, businessToken(token), {}, ['id'])).id).toBe(signup.wabaId);
  });
});
