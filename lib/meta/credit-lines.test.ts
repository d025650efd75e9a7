import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemToken } from '@/lib/meta/graph';
import {
  getAllocationConfig,
  listAllocationConfigs,
  revokeCreditLine,
  shareAndAttachCreditLine,
  shareAndAttachInTwoCalls,
  verifyCreditLine,
} from '@/lib/meta/credit-lines';
import { assignSystemUser } from '@/lib/meta/system-users';
import { startMetaSandbox, sandboxIds, type MetaSandbox } from '@/test/meta-sandbox';
import { getWaba, getWabaOwner } from '@/lib/meta/wabas';

// Against the sandbox: sharing, verifying and revoking the Solution Partner's credit line (docs/meta/credit-lines.md).

let meta: MetaSandbox;
const { partnerBusinessId, systemUserId, creditLineId } = sandboxIds;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

async function onboardWithSystemUser() {
  const customer = await meta.onboard();
  await assignSystemUser(customer.wabaId, { userId: systemUserId, tasks: ['MANAGE'], businessId: partnerBusinessId }, systemToken());
  return customer;
}

describe('credit lines', () => {
  it('refuses to share before the system user is on the WABA (permission error, permanent)', async () => {
    const { wabaId } = await meta.onboard();
    const error = await shareAndAttachCreditLine(creditLineId, { wabaId, currency: 'USD' }, systemToken()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 200, kind: 'permanent' });
  });

  it('shares and attaches, verifies by funding id, refuses a second share, and revokes', async () => {
    const { wabaId, businessId, token } = await onboardWithSystemUser();
    const tokens = { system: systemToken(), business: token };
    const share = await shareAndAttachCreditLine(creditLineId, { wabaId, currency: 'USD' }, systemToken(), { step: 'share_credit_line' });
    expect(share.wabaId).toBe(wabaId);

    const check = await verifyCreditLine({ allocationConfigId: share.allocationConfigId, wabaId }, tokens);
    expect(check.shared).toBe(true);
    expect(check.receivingCredentialId).toBe((await getWaba(wabaId, token, {}, ['primary_funding_id'])).primary_funding_id);

    const again = await shareAndAttachCreditLine(creditLineId, { wabaId, currency: 'USD' }, systemToken()).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 100, kind: 'permanent' });

    expect(await listAllocationConfigs(creditLineId, businessId, systemToken())).toEqual([
      expect.objectContaining({ id: share.allocationConfigId, receivingBusinessId: businessId }),
    ]);
    expect(await revokeCreditLine(creditLineId, businessId, systemToken())).toEqual([share.allocationConfigId]);
    expect((await getAllocationConfig(share.allocationConfigId, systemToken())).requestStatus).toBe('DELETED');
    expect((await verifyCreditLine({ allocationConfigId: share.allocationConfigId, wabaId }, tokens)).shared).toBe(false);
  });

  it('shares with the alternate method (owner from Meta, share with the system token, attach with the business token)', async () => {
    const { wabaId, businessId, token } = await onboardWithSystemUser();
    const owner = await getWabaOwner(wabaId, token);
    expect(owner.id).toBe(businessId);
    const result = await shareAndAttachInTwoCalls(
      creditLineId,
      { wabaId, ownerBusinessId: owner.id, currency: 'EUR' },
      { system: systemToken(), business: token },
    );
    expect(result.allocationConfigId).toMatch(/^\d+$/);
    expect((await verifyCreditLine({ allocationConfigId: result.allocationConfigId!, wabaId }, { system: systemToken(), business: token })).shared).toBe(true);
  });
});
