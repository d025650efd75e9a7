import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog, businesses, operationRuns, type StaffUser } from '@/lib/db/schema';
import { operationsIdle, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { createStaffUser } from '@/lib/staff';
import { seedAccount, type SeededAccount } from '@/test/account-fixtures';
import { signedIn } from './signed-in';

// The list actions as the browser calls them (customer reference, bulk start and cancel): roles,
// validation and writes are the real ones.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { setReferenceAction, startBulkAction } = await import('@/app/(staff)/wabas/actions');
const { cancelBulkAction } = await import('@/app/(staff)/bulk/actions');

let viewer: StaffUser;
let operator: StaffUser;
let account: SeededAccount;
let restore: () => void;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  restore = overrideRunnerSettings({ runInProcess: true, baseDelayMs: 20, maxDelayMs: 100 });
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
  // No token: the bulk steps settle without calling Meta.
  account = await seedAccount({ business: { name: 'Harbour Fish', customerReference: 'OLD-1' }, token: null });
});

afterAll(async () => {
  await stopOperationWork();
  restore();
});

beforeEach(() => {
  signedIn.id = undefined;
});

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

async function referenceOf(businessId: string) {
  const [row] = await db().select({ reference: businesses.customerReference }).from(businesses).where(eq(businesses.id, businessId));
  return row?.reference;
}

describe('customer reference', () => {
  it('refuses a viewer with 403 and leaves the reference as it was', async () => {
    signedIn.id = viewer.id;
    await expect(setReferenceAction({}, form({ businessId: account.businessId, reference: 'BY-VIEWER' }))).rejects.toEqual(forbidden);
    expect(await referenceOf(account.businessId)).toBe('OLD-1');
  });

  it('explains a reference that is too long and keeps the stored one', async () => {
    signedIn.id = operator.id;
    const state = await setReferenceAction({}, form({ businessId: account.businessId, reference: 'x'.repeat(101) }));
    expect(state.fieldErrors?.reference).toEqual(['At most 100 characters.']);
    expect(await referenceOf(account.businessId)).toBe('OLD-1');
    expect(await setReferenceAction({}, form({ businessId: 'nope', reference: 'A' }))).toMatchObject({ error: 'This customer does not exist.' });
  });

  it('lets an operator set and clear it, recording the change from and to', async () => {
    signedIn.id = operator.id;
    expect(await setReferenceAction({}, form({ businessId: account.businessId, reference: '  CRM-77 ' }))).toEqual({ ok: 'Reference set to “CRM-77”.' });
    expect(await referenceOf(account.businessId)).toBe('CRM-77');
    expect(await setReferenceAction({}, form({ businessId: account.businessId, reference: '' }))).toEqual({ ok: 'Reference removed.' });
    expect(await referenceOf(account.businessId)).toBeNull();
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, 'business.set_reference'));
    expect(audits.map((a) => a.details)).toEqual([
      { from: 'OLD-1', to: 'CRM-77' },
      { from: 'CRM-77', to: null },
    ]);
  });
});

describe('bulk actions', () => {
  it('refuses a viewer with 403 and starts no run', async () => {
    signedIn.id = viewer.id;
    await expect(startBulkAction({}, form({ action: 'refresh', scope: 'selected', wabaIds: [account.metaWabaId], filter: '' }))).rejects.toEqual(forbidden);
    expect(await db().select().from(operationRuns)).toHaveLength(0);
  });

  it('asks an operator to select accounts, then starts a run on the selection and opens its page', async () => {
    signedIn.id = operator.id;
    expect(await startBulkAction({}, form({ action: 'refresh', scope: 'selected', filter: '' }))).toMatchObject({
      error: 'No accounts were selected (or none of them is on record any more).',
    });
    expect(await startBulkAction({}, form({ action: 'explode', scope: 'selected', filter: '' }))).toMatchObject({
      fieldErrors: { action: ['Choose what to run.'] },
    });
    const redirect = await startBulkAction({}, form({ action: 'token_check', scope: 'selected', wabaIds: [account.metaWabaId], filter: '' })).catch(
      (error: { digest?: string }) => error.digest,
    );
    expect(redirect).toMatch(/^NEXT_REDIRECT;.*;\/bulk\/[0-9a-f-]{36};/);
    await operationsIdle();
    const [run] = await db().select().from(operationRuns);
    expect(run).toMatchObject({ operation: 'accounts.bulk', createdBy: operator.id, input: { action: 'token_check', wabaIds: [account.metaWabaId] } });
  });

  it('runs on all accounts matching the list’s filter', async () => {
    signedIn.id = operator.id;
    const other = await seedAccount({ business: { name: 'Zebra Goods' }, token: null });
    await startBulkAction({}, form({ action: 'refresh', scope: 'all', filter: 'q=zebra' })).catch(() => undefined);
    const runs = await db().select().from(operationRuns).where(eq(operationRuns.operation, 'accounts.bulk'));
    const newest = runs.find((r) => (r.input as { action: string }).action === 'refresh');
    expect(newest?.input).toMatchObject({ wabaIds: [other.metaWabaId], filter: { q: 'zebra' } });
  });

  it('refuses a viewer’s cancel with 403 and leaves the run as it was', async () => {
    const [run] = await db().select().from(operationRuns).limit(1);
    const before = run!.status;
    signedIn.id = viewer.id;
    await expect(cancelBulkAction({}, form({ runId: run!.id }))).rejects.toEqual(forbidden);
    const [after] = await db().select().from(operationRuns).where(eq(operationRuns.id, run!.id));
    expect(after!.status).toBe(before);
  });
});
