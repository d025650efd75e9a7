import { eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, auditLog, signupLinks, webhookEvents, webhookForwards, type StaffUser } from '@/lib/db/schema';
import { readSetting } from '@/lib/settings';
import { createStaffUser } from '@/lib/staff';
import { signedIn } from './signed-in';

// The staff actions as the browser calls them, with the session cookie replaced by `signedIn`:
// the role checks, validation and writes are the real ones.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { createLink, disableLink } = await import('@/app/(staff)/links/actions');
const { saveSettings } = await import('@/app/(staff)/settings/actions');
const { createWebhookForward, replayEvent } = await import('@/app/(staff)/webhooks/actions');
const { resolveAttentionItem } = await import('@/components/attention/actions');

let viewer: StaffUser;
let operator: StaffUser;
let admin: StaffUser;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  [viewer, operator, admin] = await Promise.all([
    createStaffUser({ email: 'viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
    createStaffUser({ email: 'admin@example.com', name: 'Admin', password: 'admin pass 11', role: 'admin' }),
  ]);
});

beforeEach(() => {
  signedIn.id = undefined;
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

async function linksLabelled(label: string) {
  return db().select().from(signupLinks).where(eq(signupLinks.label, label));
}

async function auditActions(action: string) {
  return db().select().from(auditLog).where(eq(auditLog.action, action));
}

describe('signup link actions', () => {
  it('sends a caller who is not signed in to sign-in and creates nothing', async () => {
    await expect(createLink({}, form({ label: 'Anonymous', flow: 'default' }))).rejects.toMatchObject({ digest: expect.stringContaining('/sign-in') });
    expect(await linksLabelled('Anonymous')).toHaveLength(0);
  });

  it('refuses viewers with 403 and changes nothing', async () => {
    signedIn.id = operator.id;
    await createLink({}, form({ label: 'Existing', flow: 'default' }));
    const [existing] = await linksLabelled('Existing');
    signedIn.id = viewer.id;
    await expect(createLink({}, form({ label: 'By a viewer', flow: 'default' }))).rejects.toEqual(forbidden);
    await expect(disableLink({}, form({ id: existing!.id }))).rejects.toEqual(forbidden);
    expect(await linksLabelled('By a viewer')).toHaveLength(0);
    expect((await linksLabelled('Existing'))[0]?.disabledAt).toBeNull();
  });

  it('explains bad input field by field, keeps the values and creates nothing', async () => {
    signedIn.id = operator.id;
    const state = await createLink(
      {},
      form({
        label: 'Bad prefill',
        flow: 'mps',
        solutionId: 'abc',
        expiresInDays: 'soon',
        businessName: 'Acme',
        businessEmail: 'not-an-email',
        businessWebsite: 'https://acme.example',
        businessCountry: 'us',
      }),
    );
    expect(state.error).toBe('Please correct the highlighted fields.');
    expect(Object.keys(state.fieldErrors ?? {}).sort()).toEqual(['businessCountry', 'businessEmail', 'expiresInDays', 'solutionId']);
    expect(state.fieldErrors?.businessEmail).toEqual(['Enter a valid email address.']);
    expect(state.fieldErrors?.expiresInDays).toEqual(['Enter a number of days.']);
    expect(state.values).toMatchObject({ label: 'Bad prefill', flow: 'mps', businessName: 'Acme' });
    expect(await linksLabelled('Bad prefill')).toHaveLength(0);
  });

  it('lets an operator create a link with pre-fill and disable it, recording both', async () => {
    signedIn.id = operator.id;
    const created = await createLink(
      {},
      form({
        label: 'Bakery campaign',
        flow: 'default',
        singleUse: 'on',
        expiresInDays: '7',
        businessName: 'Acme Bakery',
        businessEmail: 'owner@acme.example',
        businessWebsite: 'https://acme.example',
        businessCountry: 'US',
        displayName: 'Acme Bakery',
        category: 'GROCERY',
      }),
    );
    expect(created).toEqual({ ok: 'Link “Bakery campaign” created. Copy it from the list.' });
    const [link] = await linksLabelled('Bakery campaign');
    expect(link).toMatchObject({ flow: 'default', singleUse: true, createdBy: operator.id });
    expect(link!.prefill).toEqual({
      businessName: 'Acme Bakery',
      businessEmail: 'owner@acme.example',
      businessWebsite: 'https://acme.example',
      businessCountry: 'US',
      displayName: 'Acme Bakery',
      category: 'GROCERY',
    });
    expect(link!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    expect((await auditActions('link.create')).map((a) => a.target)).toContain(link!.id);

    expect(await disableLink({}, form({ id: link!.id }))).toMatchObject({ ok: expect.stringContaining('disabled') });
    expect((await linksLabelled('Bakery campaign'))[0]?.disabledAt).toBeInstanceOf(Date);
    expect((await auditActions('link.disable')).map((a) => a.target)).toEqual([link!.id]);
    expect(await disableLink({}, form({ id: link!.id }))).toMatchObject({ error: 'This link is already disabled or no longer exists.' });
    expect(await disableLink({}, form({ id: 'nope' }))).toMatchObject({ error: 'This link does not exist.' });
  });
});

describe('settings action', () => {
  it('is for admins only', async () => {
    signedIn.id = operator.id;
    await expect(saveSettings({}, form({ partnerType: 'tech_provider' }))).rejects.toEqual(forbidden);
    expect(await readSetting('partner.type')).toBe('solution_partner');
  });

  it('refuses an unknown partner type without saving anything', async () => {
    signedIn.id = admin.id;
    const state = await saveSettings({}, form({ partnerType: 'reseller', revokeCreditLine: 'on' }));
    expect(state.fieldErrors?.partnerType).toEqual(['Choose a partner type.']);
    expect(await readSetting('partner.type')).toBe('solution_partner');
    expect(await readSetting('webhooks.revokeCreditLineOnPartnerRemoved')).toBe(false);
  });

  it('saves both settings and records the change; an unticked box turns the revoke off', async () => {
    signedIn.id = admin.id;
    expect(await saveSettings({}, form({ partnerType: 'tech_provider', revokeCreditLine: 'on' }))).toMatchObject({ ok: expect.any(String) });
    expect(await readSetting('partner.type')).toBe('tech_provider');
    expect(await readSetting('webhooks.revokeCreditLineOnPartnerRemoved')).toBe(true);
    await saveSettings({}, form({ partnerType: 'tech_provider' }));
    expect(await readSetting('webhooks.revokeCreditLineOnPartnerRemoved')).toBe(false);
    const audits = await auditActions('settings.update');
    expect(audits).toHaveLength(2);
    const unnamed = {
      'partner.name': '',
      'partner.supportContact': '',
      'partner.solutionPartnerTier': 'none',
      'creditLines.method': 'share_and_attach',
      'webhooks.retentionDays': 90,
    };
    expect(audits[0]?.details).toEqual({
      from: { 'partner.type': 'solution_partner', 'webhooks.revokeCreditLineOnPartnerRemoved': false, ...unnamed },
      to: { 'partner.type': 'tech_provider', 'webhooks.revokeCreditLineOnPartnerRemoved': true, ...unnamed },
    });
  });

  it('the two-call credit-line box selects the alternate sharing method; unticked, share-and-attach', async () => {
    signedIn.id = admin.id;
    await saveSettings({}, form({ partnerType: 'solution_partner', twoCallCreditLine: 'on' }));
    expect(await readSetting('creditLines.method')).toBe('two_calls');
    await saveSettings({}, form({ partnerType: 'solution_partner' }));
    expect(await readSetting('creditLines.method')).toBe('share_and_attach');
  });

  it('saves how long webhook events are kept; a value out of range is refused and nothing changes', async () => {
    signedIn.id = admin.id;
    expect(await saveSettings({}, form({ partnerType: 'tech_provider', retentionDays: '30' }))).toMatchObject({ ok: expect.any(String) });
    expect(await readSetting('webhooks.retentionDays')).toBe(30);
    const refused = await saveSettings({}, form({ partnerType: 'tech_provider', retentionDays: '3' }));
    expect(refused.fieldErrors?.retentionDays).toEqual(['Keep events at least 7 days.']);
    expect(await readSetting('webhooks.retentionDays')).toBe(30);
    await saveSettings({}, form({ partnerType: 'tech_provider', retentionDays: '90' }));
  });

  it("saves the partner's name and support contact for customers' pages; one that is too long is refused and nothing changes", async () => {
    signedIn.id = admin.id;
    await saveSettings({}, form({ partnerType: 'tech_provider', partnerName: ' Acme Messaging ', supportContact: 'help@acme.example' }));
    expect(await readSetting('partner.name')).toBe('Acme Messaging');
    expect(await readSetting('partner.supportContact')).toBe('help@acme.example');
    const refused = await saveSettings({}, form({ partnerType: 'solution_partner', partnerName: 'Acme', supportContact: 'x'.repeat(201) }));
    expect(refused.fieldErrors?.supportContact).toEqual(['Use at most 200 characters.']);
    expect(await readSetting('partner.type')).toBe('tech_provider');
    expect(await readSetting('partner.supportContact')).toBe('help@acme.example');
  });
});

describe('webhook and attention actions', () => {
  it('refuse viewers with 403 and change nothing', async () => {
    const [event] = await db()
      .insert(webhookEvents)
      .values({
        dedupeKey: 'viewer-replay-test',
        object: 'whatsapp_business_account',
        entryId: '1',
        field: 'security',
        value: {},
        status: 'failed',
        attempts: 3,
        lastError: 'boom',
      })
      .returning();
    const [item] = await db().insert(attentionItems).values({ wabaId: '1', kind: 'test', message: 'Look at this' }).returning();
    signedIn.id = viewer.id;
    await expect(replayEvent({}, form({ id: event!.id }))).rejects.toEqual(forbidden);
    await expect(resolveAttentionItem({}, form({ id: item!.id }))).rejects.toEqual(forbidden);
    signedIn.id = operator.id;
    await expect(createWebhookForward({}, form({ field: 'messages', url: 'https://example.com/hook' }))).rejects.toEqual(forbidden);

    const [after] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, event!.id));
    expect(after).toMatchObject({ status: 'failed', attempts: 3, lastError: 'boom' });
    const [open] = await db().select().from(attentionItems).where(eq(attentionItems.id, item!.id));
    expect(open!.resolvedAt).toBeNull();
    expect(await db().select().from(webhookForwards)).toHaveLength(0);
  });
});
