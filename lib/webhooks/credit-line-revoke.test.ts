import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, auditLog, businesses, wabas, type Waba } from '@/lib/db/schema';
import { allJobs } from '@/lib/job-registry';
import { jobs, startJobs, stopJobs } from '@/lib/jobs';
import { getAllocationConfig, shareAndAttachCreditLine } from '@/lib/meta/credit-lines';
import { systemToken } from '@/lib/meta/graph';
import { assignSystemUser } from '@/lib/meta/system-users';
import { sandboxIds, startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { manualKind, requestedKind, requeueRevocations, revokeCreditLineFor } from '@/lib/webhooks/credit-line-revoke';
import { revokeCreditLineJob } from '@/lib/webhooks/credit-line-revoke';

// Against the sandbox over HTTP: the worker behind PARTNER_REMOVED's automatic credit line revocation.

let meta: MetaSandbox;
const { partnerBusinessId, systemUserId, creditLineId } = sandboxIds;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterEach(async () => {
  await meta.clearFaults();
});

afterAll(async () => {
  await stopJobs();
  await meta.close();
});

/** A customer with our credit line attached, removed us, and an open automatic revocation request. */
async function removedCustomer(options: { status?: Waba['status']; storeAllocation?: boolean } = {}) {
  const customer = await meta.onboard();
  await assignSystemUser(customer.wabaId, { userId: systemUserId, tasks: ['MANAGE'], businessId: partnerBusinessId }, systemToken());
  const share = await shareAndAttachCreditLine(creditLineId, { wabaId: customer.wabaId, currency: 'USD' }, systemToken());
  const removed = await meta.control('POST', `/wabas/${customer.wabaId}/remove-partner`);
  expect(removed.status).toBeLessThan(300);
  const [business] = await db().insert(businesses).values({ metaBusinessId: customer.businessId }).returning();
  await db()
    .insert(wabas)
    .values({
      metaWabaId: customer.wabaId,
      businessId: business!.id,
      status: options.status ?? 'disconnected',
      allocationConfigId: options.storeAllocation === false ? null : share.allocationConfigId,
    });
  await db()
    .insert(attentionItems)
    .values({
      wabaId: customer.wabaId,
      kind: requestedKind,
      message: `The customer removed us from WABA ${customer.wabaId}; revoking our credit line automatically.`,
      data: { ownerBusinessId: customer.businessId },
    });
  return { ...customer, allocationConfigId: share.allocationConfigId };
}

async function openItems(metaWabaId: string) {
  const rows = await db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, metaWabaId), isNull(attentionItems.resolvedAt)));
  return rows.map((r) => r.kind);
}

async function allocationStatus(id: string) {
  return (await getAllocationConfig(id, systemToken())).requestStatus;
}

describe('credit line revocation job', () => {
  it('revokes the line of a disconnected WABA, resolves the request, and is a success when run again', async () => {
    const c = await removedCustomer({ storeAllocation: false });
    expect(await allocationStatus(c.allocationConfigId)).toBe('APPROVED');

    const first = await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId });
    expect(first).toEqual({ outcome: 'revoked', allocationIds: [c.allocationConfigId] });
    expect(await allocationStatus(c.allocationConfigId)).toBe('DELETED');
    expect(await openItems(c.wabaId)).toEqual([]);
    const audits = await db().select().from(auditLog).where(eq(auditLog.target, c.wabaId));
    expect(audits).toEqual([expect.objectContaining({ action: 'credit_line.revoke', actorId: null })]);

    // Nothing active is left for that portfolio: a second run (a retry, the sweep) succeeds too.
    expect(await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId })).toEqual({ outcome: 'already_revoked' });
    expect(await openItems(c.wabaId)).toEqual([]);
  });

  it('uses the stored allocation and the stored owner when the job data lacks it', async () => {
    const c = await removedCustomer();
    expect(await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: null })).toEqual({
      outcome: 'revoked',
      allocationIds: [c.allocationConfigId],
    });
    // The stored allocation reads DELETED now: done without listing again.
    expect(await revokeCreditLineFor({ wabaId: c.wabaId })).toEqual({ outcome: 'already_revoked' });
  });

  it('leaves the line alone when the WABA is connected again', async () => {
    const c = await removedCustomer({ status: 'connected' });
    expect(await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId })).toEqual({ outcome: 'reconnected' });
    expect(await allocationStatus(c.allocationConfigId)).toBe('APPROVED');
    expect(await openItems(c.wabaId)).toEqual([]);
  });

  it('hands a permanent failure over to staff as a credit_line_revoke item', async () => {
    const c = await removedCustomer({ storeAllocation: false });
    await meta.fault({ method: 'DELETE', path: '/{id}', error: { code: 200, message: '(#200) Permissions error' }, next: 1 });
    const result = await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId });
    expect(result).toMatchObject({ outcome: 'needs_staff', reason: expect.stringContaining('Meta error 200') });
    expect(await openItems(c.wabaId)).toEqual([manualKind]);
    expect(await allocationStatus(c.allocationConfigId)).toBe('APPROVED');

    // Unknown owner: nothing to call Meta with, so staff again (still one open item).
    await db().insert(attentionItems).values({ wabaId: c.wabaId, kind: requestedKind, message: 'again', data: {} });
    await db().update(wabas).set({ businessId: null }).where(eq(wabas.metaWabaId, c.wabaId));
    expect(await revokeCreditLineFor({ wabaId: c.wabaId })).toMatchObject({
      outcome: 'needs_staff',
      reason: expect.stringContaining('portfolio id is unknown'),
    });
    expect(await openItems(c.wabaId)).toEqual([manualKind]);
  });

  it('throws on a transient failure, keeps the request open, and the sweep queues it once', async () => {
    const c = await removedCustomer({ storeAllocation: false });
    await meta.fault({ path: '/{id}/owning_credit_allocation_configs', kind: 'http5xx', httpStatus: 503, next: 1 });
    await expect(revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId })).rejects.toMatchObject({ kind: 'transient' });
    expect(await openItems(c.wabaId)).toEqual([requestedKind]);

    await startJobs({ work: false, jobs: allJobs });
    expect(await requeueRevocations()).toBe(1);
    expect(await requeueRevocations()).toBe(0);
    const queued = await jobs().fetch(revokeCreditLineJob.name, { batchSize: 10 });
    expect(queued.map((j) => j.data)).toEqual([{ wabaId: c.wabaId, ownerBusinessId: c.businessId }]);

    // The retry succeeds.
    expect(await revokeCreditLineFor({ wabaId: c.wabaId, ownerBusinessId: c.businessId })).toMatchObject({ outcome: 'revoked' });
    expect(await openItems(c.wabaId)).toEqual([]);
  });
});
