import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { solutions } from '@/lib/db/schema';
import { startJobs, stopJobs } from '@/lib/jobs';
import { refreshSolutionJob } from '@/lib/solutions/jobs';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { deliver } from '@/test/webhook-fixtures';

// A partner's invitation that reaches us first by webhook (Meta: Multi-Partner Solutions, Step 3):
// the webhook stores its state, and a job reads its apps and permissions from Meta.

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
  await startJobs({ work: true, jobs: [refreshSolutionJob] });
});

afterAll(async () => {
  await stopJobs();
  await meta.close();
});

describe('partner_solutions for a solution we have not read', () => {
  it('stores the state at once and then reads the solution’s apps and who holds MESSAGING', async () => {
    const login = await meta.control('POST', '/solution-logins', { personId: '8000000000000005', appIds: ['1000000000000002'] });
    const token = (login.body as { accessToken: string }).accessToken;
    const created = await fetch(`${meta.url}/v25.0/1000000000000002/whatsapp_business_solution`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        solution_name: 'Invitation by webhook',
        partner_app_id: '1000000000000001',
        owner_permissions: ['MESSAGING'],
        partner_permissions: [],
      }),
    });
    const { solution_id: id } = (await created.json()) as { solution_id: string };
    await deliver('2000000000000001', [{ field: 'partner_solutions', value: { event: 'SOLUTION_CREATED', solution_id: id, solution_status: 'INITIATED' } }]);
    const [first] = await db().select().from(solutions).where(eq(solutions.metaSolutionId, id));
    expect(first).toMatchObject({ status: 'INITIATED', pendingRequestStatus: 'PENDING_ACTIVATION' });
    await expect
      .poll(async () => (await db().select().from(solutions).where(eq(solutions.metaSolutionId, id)))[0], { timeout: 15_000 })
      .toMatchObject({ name: 'Invitation by webhook', role: 'partner', ownerAppId: '1000000000000002', messagingApp: 'owner' });
  });
});
