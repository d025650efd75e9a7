import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { auditLog, mscShares, verificationSubmissions, type StaffUser } from '@/lib/db/schema';
import { readSetting, writeSettings } from '@/lib/settings';
import { createStaffUser } from '@/lib/staff';
import { minimalPdf, notAPdf } from '@/test/document-fixtures';
import { createOnboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createCustomer } from '@/test/webhook-fixtures';
import { signedIn } from './signed-in';

// The partner-program actions as the browser calls them: role checks, validation, and that a
// refused call changes nothing.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { submitVerificationDocuments } = await import('@/app/(staff)/verification/[businessId]/actions');
const { recordMscSharing } = await import('@/components/numbers/msc-actions');
const { saveSettings } = await import('@/app/(staff)/settings/actions');

let meta: MetaSandbox;
let viewer: StaffUser;
let operator: StaffUser;
let admin: StaffUser;

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  meta = await startMetaSandbox();
  [viewer, operator, admin] = await Promise.all([
    createStaffUser({ email: 'pv@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'po@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
    createStaffUser({ email: 'pa@example.com', name: 'Admin', password: 'admin pass 11', role: 'admin' }),
  ]);
});

afterAll(async () => {
  await meta.close();
});

beforeEach(() => {
  signedIn.id = undefined;
});

function submission(businessId: string, files: Array<[string, Uint8Array]>): FormData {
  const form = new FormData();
  form.set('businessId', businessId);
  for (const [name, bytes] of files) form.append('documents', new File([bytes as Uint8Array<ArrayBuffer>], name));
  return form;
}

describe('verification submit action', () => {
  it('refuses a viewer with 403, a bad file with its reason, and submits for an operator', async () => {
    const c = await createOnboarding(meta, 'default', 'solution_partner');
    await writeSettings({ 'partner.type': 'solution_partner', 'partner.solutionPartnerTier': 'premier' }, new Auditor(null, 'settings.update'));
    const rows = () => db().select().from(verificationSubmissions).where(eq(verificationSubmissions.businessId, c.metaBusinessId));

    signedIn.id = viewer.id;
    await expect(submitVerificationDocuments({}, submission(c.metaBusinessId, [['a.pdf', minimalPdf()]]))).rejects.toEqual(forbidden);
    expect(await rows()).toHaveLength(0);

    signedIn.id = operator.id;
    const bad = await submitVerificationDocuments({}, submission(c.metaBusinessId, [['a.pdf', notAPdf]]));
    expect(bad.fieldErrors?.documents).toEqual(['a.pdf is not a PDF, JPEG or PNG file (whatever its name says): Meta accepts only those.']);
    expect(await rows()).toHaveLength(0);

    const good = await submitVerificationDocuments({}, submission(c.metaBusinessId, [['a.pdf', minimalPdf()]]));
    expect(good.ok).toMatch(/attempt 1 of 3/);
    expect((await rows()).map((r) => r.status)).toEqual(['PENDING']);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'verification.submit'));
    expect(audit).toMatchObject({ actorId: operator.id, target: c.metaBusinessId });
  });
});

describe('MSC and settings actions', () => {
  it('refuses a viewer recording MSC sharing with 403, and explains 6 partners to an operator, storing nothing', async () => {
    await writeSettings({ 'partner.type': 'tech_provider' }, new Auditor(null, 'settings.update'));
    const c = await createCustomer();
    const form = (count: string) => {
      const data = new FormData();
      data.set('phoneNumberId', c.phone.metaPhoneNumberId);
      data.set('partnerCount', count);
      return data;
    };
    signedIn.id = viewer.id;
    await expect(recordMscSharing({}, form('3'))).rejects.toEqual(forbidden);
    signedIn.id = operator.id;
    const state = await recordMscSharing({}, form('6'));
    expect(state.fieldErrors?.partnerCount).toEqual(['Multi-Solution Conversations allows at most 5 partners per number, us included.']);
    expect(await db().select().from(mscShares).where(eq(mscShares.phoneNumberId, c.phone.metaPhoneNumberId))).toHaveLength(0);
    expect((await recordMscSharing({}, form('3'))).ok).toBe('Recorded: shared with 3 partners, us included.');
  });

  it('saves the Solution Partner tier for admins only', async () => {
    const form = new FormData();
    form.set('partnerType', 'solution_partner');
    form.set('solutionPartnerTier', 'select');
    signedIn.id = operator.id;
    await expect(saveSettings({}, form)).rejects.toEqual(forbidden);
    signedIn.id = admin.id;
    expect((await saveSettings({}, form)).ok).toMatch(/Settings saved/);
    expect(await readSetting('partner.solutionPartnerTier')).toBe('select');
    form.set('solutionPartnerTier', 'gold');
    expect((await saveSettings({}, form)).fieldErrors?.solutionPartnerTier).toBeDefined();
    expect(await readSetting('partner.solutionPartnerTier')).toBe('select');
  });
});
