import { and, eq, isNotNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { wabas, type Waba } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { revokeCreditLine, shareAndAttachCreditLine, shareAndAttachInTwoCalls, verifyCreditLine, type WabaCurrency } from '@/lib/meta/credit-lines';
import { type AuditContext, type GraphToken, systemToken } from '@/lib/meta/graph';
import { getWaba, getWabaOwner } from '@/lib/meta/wabas';
import { partnerType, readSetting } from '@/lib/settings';
import { UserError } from '@/lib/user-error';
import { saveMetaState } from '@/lib/accounts/state';

// Our credit line on a customer's WABA, Solution Partners only (docs/meta/credit-lines.md): share
// and attach (one call, or the two-call method the `creditLines.method` setting selects), verify
// the allocation against the WABA's primary_funding_id, and revoke from the customer's portfolio.

async function creditLineId(): Promise<string> {
  if ((await partnerType()) !== 'solution_partner') throw new UserError('Only Solution Partners share a credit line.');
  const { creditLineId } = metaConfig();
  if (!creditLineId) throw new UserError('META_CREDIT_LINE_ID must be configured to share the credit line.');
  return creditLineId;
}

export async function verifyAccountCreditLine(waba: Waba, token: GraphToken, audit: AuditContext = {}) {
  await creditLineId();
  if (!waba.allocationConfigId) throw new UserError('No allocation of our credit line is on record for this account: share it first.');
  const check = await verifyCreditLine(
    { allocationConfigId: waba.allocationConfigId, wabaId: waba.metaWabaId },
    { system: systemToken(), business: token },
    audit,
  );
  await db().transaction(async (tx) => {
    await saveMetaState(tx, waba.id, {
      allocation: { id: waba.allocationConfigId!, receivingCredentialId: check.receivingCredentialId, shared: check.shared },
      allocationReadAt: new Date(),
    });
    await tx
      .update(wabas)
      .set({ primaryFundingId: check.primaryFundingId ?? null, updatedAt: new Date() })
      .where(eq(wabas.id, waba.id));
  });
  return check;
}

/** Shares and attaches our line in the currency staff chose; refused when the WABA is funded already (a line cannot change once attached). */
export async function shareAccountCreditLine(waba: Waba, currency: WabaCurrency, token: GraphToken, audit: AuditContext = {}) {
  const lineId = await creditLineId();
  const before = await getWaba(waba.metaWabaId, token, audit, ['primary_funding_id']);
  if (before.primary_funding_id) {
    await db().update(wabas).set({ primaryFundingId: before.primary_funding_id, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
    throw new UserError(
      `Meta reports this account funded already (funding id ${before.primary_funding_id}); a credit line cannot be changed once attached. Verify it instead.`,
    );
  }
  const method = await readSetting('creditLines.method');
  const shared =
    method === 'two_calls'
      ? await shareAndAttachInTwoCalls(
          lineId,
          { wabaId: waba.metaWabaId, ownerBusinessId: (await getWabaOwner(waba.metaWabaId, token, audit)).id, currency },
          { system: systemToken(), business: token },
          audit,
        )
      : await shareAndAttachCreditLine(lineId, { wabaId: waba.metaWabaId, currency }, systemToken(), audit);
  if (!shared.allocationConfigId) throw new UserError('Meta attached the line but reported no allocation id: read the account again to find it.');
  await db().update(wabas).set({ allocationConfigId: shared.allocationConfigId, currency, updatedAt: new Date() }).where(eq(wabas.id, waba.id));
  const [updated] = await db().select().from(wabas).where(eq(wabas.id, waba.id));
  const check = await verifyAccountCreditLine(updated!, token, audit);
  return { allocationConfigId: shared.allocationConfigId, method, shared: check.shared };
}

/** Revokes our line from the customer's portfolio: every WABA of that portfolio loses it (docs/meta/credit-lines.md#revoke). */
export async function revokeAccountCreditLine(waba: Waba, token: GraphToken, audit: AuditContext = {}) {
  const lineId = await creditLineId();
  const owner = await getWabaOwner(waba.metaWabaId, token, audit);
  const deleted = await revokeCreditLine(lineId, owner.id, systemToken(), audit);
  const after = await getWaba(waba.metaWabaId, token, audit, ['primary_funding_id']);
  await db().transaction(async (tx) => {
    // The portfolio's other WABAs on our line lost their funding with it.
    const funded = waba.businessId ? and(eq(wabas.businessId, waba.businessId), isNotNull(wabas.allocationConfigId)) : eq(wabas.id, waba.id);
    await tx.update(wabas).set({ allocationConfigId: null, primaryFundingId: null, updatedAt: new Date() }).where(funded);
    await tx
      .update(wabas)
      .set({ allocationConfigId: null, primaryFundingId: after.primary_funding_id ?? null, updatedAt: new Date() })
      .where(eq(wabas.id, waba.id));
    await saveMetaState(tx, waba.id, { allocation: null, allocationReadAt: new Date() });
  });
  return { deleted };
}
