import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { signupLinks, webhookForwards, type StaffUser } from '@/lib/db/schema';
import { createStaffUser } from '@/lib/staff';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { signedIn } from './signed-in';

// The signup link and forward forms as the browser posts them, against the sandbox standing in for
// Meta: what staff may choose is what Meta accepts, and the server refuses anything else.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { createLink } = await import('@/app/(staff)/links/actions');
const { createWebhookForward } = await import('@/app/(staff)/webhooks/actions');

let meta: MetaSandbox;
let operator: StaffUser;
let admin: StaffUser;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  meta = await startMetaSandbox();
  [operator, admin] = await Promise.all([
    createStaffUser({ email: 'operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
    createStaffUser({ email: 'admin@example.com', name: 'Admin', password: 'admin pass 11', role: 'admin' }),
  ]);
});

afterAll(async () => {
  await meta.close();
});

beforeEach(() => {
  signedIn.id = operator.id;
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

async function linksLabelled(label: string) {
  return db().select().from(signupLinks).where(eq(signupLinks.label, label));
}

describe('Multi-Partner Solution links', () => {
  it.each([
    ['an unknown solution id', '7999999999999999', /Meta lists no Multi-Partner Solution with id 7999999999999999/],
    ['a DRAFT solution', '7000000000000002', /is still a draft; Meta only onboards customers through an active solution/],
    ['an INITIATED solution', '7000000000000003', /is waiting for its partner to accept the invitation/],
    ['a DEACTIVATED solution', '7000000000000005', /was deactivated/],
  ])('refuses %s with the reason and creates nothing', async (_what, solutionId, reason) => {
    const label = `MPS ${solutionId}`;
    const state = await createLink({}, form({ label, flow: 'mps', solutionId }));
    expect(state.error).toMatch(reason);
    expect(state.fieldErrors?.solutionId?.[0]).toMatch(reason);
    expect(await linksLabelled(label)).toHaveLength(0);
  });

  it('creates a link for an ACTIVE solution', async () => {
    expect(await createLink({}, form({ label: 'Brew Tech active', flow: 'mps', solutionId: '7000000000000001' }))).toMatchObject({ ok: expect.any(String) });
    expect((await linksLabelled('Brew Tech active'))[0]).toMatchObject({ flow: 'mps', solutionId: '7000000000000001' });
  });
});

describe('signup link fields', () => {
  it('refuses a pre-fill category that is not one of Meta’s, and creates nothing', async () => {
    const state = await createLink({}, form({ label: 'Odd category', flow: 'default', displayName: 'Acme', category: 'FOOD' }));
    expect(state.fieldErrors?.category).toEqual(['Choose one of Meta’s business categories.']);
    expect(await linksLabelled('Odd category')).toHaveLength(0);
    expect(await createLink({}, form({ label: 'Good category', flow: 'default', displayName: 'Acme', category: 'RESTAURANT' }))).toMatchObject({
      ok: expect.any(String),
    });
    expect((await linksLabelled('Good category'))[0]?.prefill).toEqual({ displayName: 'Acme', category: 'RESTAURANT' });
  });

  it('refuses “expires in 0 days” with a clear message; empty means never', async () => {
    const state = await createLink({}, form({ label: 'Zero days', flow: 'default', expiresInDays: '0' }));
    expect(state.fieldErrors?.expiresInDays).toEqual(['Enter 1 to 365 days, or leave it empty for a link that never expires.']);
    expect(await linksLabelled('Zero days')).toHaveLength(0);
    await createLink({}, form({ label: 'One day', flow: 'default', expiresInDays: '1' }));
    expect((await linksLabelled('One day'))[0]!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    await createLink({}, form({ label: 'Never', flow: 'default', expiresInDays: '' }));
    expect((await linksLabelled('Never'))[0]!.expiresAt).toBeNull();
  });
});

describe('webhook forwards', () => {
  it('refuse a field that is not one of Meta’s webhook fields, and accept one that is', async () => {
    signedIn.id = admin.id;
    const state = await createWebhookForward({}, form({ field: 'messages_typo', url: 'https://example.com/hook' }));
    expect(state.fieldErrors?.field).toEqual(['Choose one of Meta’s webhook fields from the list.']);
    expect(await db().select().from(webhookForwards)).toHaveLength(0);
    expect(await createWebhookForward({}, form({ field: 'account_update', url: 'https://example.com/hook' }))).toMatchObject({ ok: expect.any(String) });
    expect((await db().select().from(webhookForwards)).map((f) => f.field)).toEqual(['account_update']);
  });
});
