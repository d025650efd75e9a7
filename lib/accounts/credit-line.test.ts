import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { graphCalls, wabas, type Waba } from '@/lib/db/schema';
import { otherFundedWabas, tokenOf } from '@/lib/accounts/commands';
import { revokeAccountCreditLine, shareAccountCreditLine } from '@/lib/accounts/credit-line';
import { addOurSystemUser } from '@/lib/accounts/system-users';
import { writeSettings } from '@/lib/settings';
import { UserError } from '@/lib/user-error';
import { completeSignupForTest } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// The account page's credit-line actions against the sandbox: both sharing methods, the refusal
// to share twice, and a revoke that takes the line from every account of the portfolio.

const acmeBusinessId = '2100000000000001';
const alexPersonId = '8000000000000001';
let meta: MetaSandbox;
let first: Waba;
let second: Waba;

async function row(id: string): Promise<Waba> {
  const [found] = await db().select().from(wabas).where(eq(wabas.id, id));
  return found!;
}

beforeAll(async () => {
  meta = await startMetaSandbox();
  // Two accounts of the same business portfolio, our system user on each (Meta requires it first).
  for (let i = 0; i < 2; i++) {
    const signup = await meta.signup({ person: { personId: alexPersonId }, business: { businessId: acmeBusinessId } });
    const onboarding = await completeSignupForTest(
      signup.code,
      { wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId },
      { flow: 'default', partnerType: 'solution_partner' },
    );
    const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, onboarding.metaWabaId));
    await addOurSystemUser(waba!, await tokenOf(waba!));
    if (i === 0) first = waba!;
    else second = waba!;
  }
}, 60_000);

afterAll(async () => {
  await meta.close();
});

describe('credit line actions', () => {
  test('share and attach in one call by default, in the chosen currency; sharing again is refused and changes nothing', async () => {
    const result = await shareAccountCreditLine(first, 'EUR', await tokenOf(first));
    expect(result).toMatchObject({ method: 'share_and_attach', shared: true });
    expect(await row(first.id)).toMatchObject({ allocationConfigId: result.allocationConfigId, currency: 'EUR' });
    const funding = meta.sandbox.state.wabas[first.metaWabaId]?.primaryFundingId;
    expect(funding).toBeDefined();

    const again = shareAccountCreditLine(await row(first.id), 'USD', await tokenOf(first));
    await expect(again).rejects.toBeInstanceOf(UserError);
    await expect(again).rejects.toThrow('funded already');
    expect(await row(first.id)).toMatchObject({ allocationConfigId: result.allocationConfigId, currency: 'EUR' });
    expect(meta.sandbox.state.wabas[first.metaWabaId]?.primaryFundingId).toBe(funding);
  });

  test('with the two-call setting, the line is shared with the portfolio and then attached with the customer’s token', async () => {
    await writeSettings({ 'creditLines.method': 'two_calls' }, new Auditor(null, 'settings.update'));
    const result = await shareAccountCreditLine(second, 'USD', await tokenOf(second));
    expect(result).toMatchObject({ method: 'two_calls', shared: true });
    const sharing = await db().select({ path: graphCalls.path }).from(graphCalls).where(like(graphCalls.path, '%/whatsapp_credit_sharing'));
    const attach = await db().select({ path: graphCalls.path }).from(graphCalls).where(like(graphCalls.path, '%/whatsapp_credit_attach'));
    expect(sharing).toHaveLength(1);
    expect(attach).toHaveLength(1);
    expect((await row(second.id)).allocationConfigId).toBe(result.allocationConfigId);
  });

  test('revoking from one account names the other account on the line, and takes the line from both', async () => {
    expect((await otherFundedWabas(await row(first.id))).map((w) => w.metaWabaId)).toEqual([second.metaWabaId]);
    const { deleted } = await revokeAccountCreditLine(await row(first.id), await tokenOf(first));
    expect(deleted).toHaveLength(1);
    for (const waba of [first, second]) {
      expect(await row(waba.id)).toMatchObject({ allocationConfigId: null, primaryFundingId: null });
      expect(meta.sandbox.state.wabas[waba.metaWabaId]?.primaryFundingId).toBeUndefined();
    }
  });
});
