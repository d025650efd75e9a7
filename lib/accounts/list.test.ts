import { describe, expect, test } from 'vitest';
import { accountFilterSchema, countAccounts, filterFromParams, listAccounts, type AccountFilter } from '@/lib/accounts/list';
import { seedAccount, seedManyAccounts } from '@/test/account-fixtures';

// The WhatsApp accounts list against the real database (PGlite, and PostgreSQL when configured).

async function ids(filter: Partial<AccountFilter>): Promise<string[]> {
  const page = await listAccounts(accountFilterSchema.parse(filter), { limit: 200 });
  return page.items.map((row) => row.metaWabaId);
}

describe('search', () => {
  test('a number typed with formatting, as digits or without its country code finds the same account, and a different number does not', async () => {
    const acme = await seedAccount({ numbers: [{ display: '+1 555-078-3881' }] });
    await seedAccount({ numbers: [{ display: '+44 20 7946 0958' }] });
    for (const typed of ['+1 (555) 078-3881', '15550783881', '555 078 3881', '078-3881']) {
      expect(await ids({ q: typed }), typed).toEqual([acme.metaWabaId]);
    }
    expect(await ids({ q: '555 078 3882' })).toEqual([]);
  });

  test('finds an account by its WABA id, its business id, a number id, its name, the business name, email and customer reference', async () => {
    const target = await seedAccount({
      wabaName: 'Harbour Support',
      business: { metaBusinessId: '1234500000000001', name: 'Harbour Fish Ltd', email: 'owner@harbour.example', customerReference: 'CRM-4471' },
      numbers: [{ display: '+1 555 010 2020', metaPhoneNumberId: '1098700000000001' }],
    });
    await seedAccount({ wabaName: 'Other', business: { name: 'Other Co', email: 'x@other.example', customerReference: 'CRM-9000' } });
    for (const q of [target.metaWabaId, '1234500000000001', '1098700000000001', 'harbour sup', 'HARBOUR FISH', 'owner@harbour', 'crm-4471', 'CRM-44']) {
      expect(await ids({ q }), q).toEqual([target.metaWabaId]);
    }
    // A search is a prefix, not any substring, and LIKE's wildcards are taken literally.
    expect(await ids({ q: 'Fish Ltd' })).toEqual([]);
    expect(await ids({ q: 'CRM-%' })).toEqual([]);
  });
});

describe('filters', () => {
  test('each state column filters to exactly the accounts in that state', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const a = await seedAccount({
      review: 'PENDING',
      limit: 'TIER_250',
      canSend: 'BLOCKED',
      verification: 'pending',
      numbers: [{ display: '+1 555 111 0001', quality: 'RED', nameStatus: 'DECLINED' }],
      allocationConfigId: '11',
      primaryFundingId: '22',
      token: { status: 'valid', expiresAt: soon },
      onboarding: { status: 'action_needed' },
    });
    const b = await seedAccount({
      review: 'REJECTED',
      limit: 'TIER_100K',
      canSend: 'LIMITED',
      verification: 'rejected',
      numbers: [{ display: '+1 555 111 0002', quality: 'YELLOW', nameStatus: 'PENDING_REVIEW' }],
      primaryFundingId: '33',
      token: { status: 'needs_reauth' },
      onboarding: { status: 'failed' },
      status: 'disconnected',
    });
    const c = await seedAccount({ token: null, onboarding: null, numbers: [{ display: '+1 555 111 0003' }] });
    const d = await seedAccount({ token: { status: 'valid', expiresAt: null } });
    const mine = new Set([a.metaWabaId, b.metaWabaId, c.metaWabaId, d.metaWabaId]);
    const only = async (filter: Partial<AccountFilter>) => (await ids(filter)).filter((id) => mine.has(id)).sort();
    const sorted = (...accounts: { metaWabaId: string }[]) => accounts.map((x) => x.metaWabaId).sort();

    expect(await only({ review: 'PENDING' })).toEqual(sorted(a));
    expect(await only({ review: 'REJECTED' })).toEqual(sorted(b));
    expect(await only({ limit: 'TIER_250' })).toEqual(sorted(a));
    expect(await only({ canSend: 'LIMITED' })).toEqual(sorted(b));
    expect(await only({ verification: 'pending' })).toEqual(sorted(a));
    expect(await only({ quality: 'RED' })).toEqual(sorted(a));
    expect(await only({ nameStatus: 'PENDING_REVIEW' })).toEqual(sorted(b));
    expect(await only({ credit: 'ours' })).toEqual(sorted(a));
    expect(await only({ credit: 'other' })).toEqual(sorted(b));
    expect(await only({ credit: 'none' })).toEqual(sorted(c, d));
    expect(await only({ token: 'expiring' })).toEqual(sorted(a));
    expect(await only({ token: 'needs_reauth' })).toEqual(sorted(b));
    expect(await only({ token: 'none' })).toEqual(sorted(c));
    expect(await only({ token: 'valid' })).toEqual(sorted(d));
    expect(await only({ onboarding: 'action_needed' })).toEqual(sorted(a));
    expect(await only({ onboarding: 'failed' })).toEqual(sorted(b));
    expect(await only({ status: 'disconnected' })).toEqual(sorted(b));
    expect(await only({ review: 'PENDING', quality: 'YELLOW' })).toEqual([]);
  });

  test('the date range keeps accounts added on its first through its last day (UTC) and nothing outside', async () => {
    const before = await seedAccount({ createdAt: new Date('2025-03-09T23:59:59Z') });
    const first = await seedAccount({ createdAt: new Date('2025-03-10T00:00:00Z') });
    const last = await seedAccount({ createdAt: new Date('2025-03-12T23:59:59Z') });
    const after = await seedAccount({ createdAt: new Date('2025-03-13T00:00:00Z') });
    const found = await ids({ from: '2025-03-10', to: '2025-03-12' });
    expect(found).toEqual([last.metaWabaId, first.metaWabaId]);
    expect(found).not.toContain(before.metaWabaId);
    expect(found).not.toContain(after.metaWabaId);
  });

  test('a row shows the latest onboarding, the newest token and the last webhook received', async () => {
    const at = new Date('2026-02-01T10:00:00Z');
    const account = await seedAccount({
      onboarding: { status: 'live', at },
      lastWebhookAt: new Date('2026-02-02T08:00:00Z'),
      numbers: [{ display: '+1 555 222 0001', verifiedName: 'Harbour', nameStatus: 'APPROVED', quality: 'GREEN' }],
    });
    const [row] = (await listAccounts(accountFilterSchema.parse({ q: account.metaWabaId }))).items;
    expect(row).toMatchObject({
      onboardingStatus: 'live',
      tokenState: 'valid',
      numbers: [{ display: '+1 555 222 0001', verifiedName: 'Harbour', nameStatus: 'APPROVED', quality: 'GREEN' }],
    });
    expect(row!.onboardingAt?.toISOString()).toBe(at.toISOString());
    expect(row!.lastWebhookAt?.toISOString()).toBe('2026-02-02T08:00:00.000Z');
  });

  test('a filter value from the URL that does not parse is dropped and named, the others are kept', () => {
    const { filter, invalid } = filterFromParams({ review: 'PENDING', token: 'bogus', from: '31/01/2026', q: '  acme ' });
    expect(filter).toEqual({ review: 'PENDING', q: 'acme' });
    expect(invalid.sort()).toEqual(['from', 'token']);
  });
});

describe('keyset paging', () => {
  test('pages through 250 accounts, 40 of them sharing one timestamp, with no row skipped or repeated, newest first', async () => {
    await seedManyAccounts(250, { prefix: '5', sameTimeEvery: 40 });
    const filter = accountFilterSchema.parse({ q: 'Bulk Account' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof listAccounts>> = await listAccounts(filter, { cursor, limit: 17 });
      seen.push(...page.items.map((r) => r.id));
      const times = page.items.map((r) => r.createdAt.getTime());
      expect(times).toEqual([...times].sort((x, y) => y - x));
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(pages).toBe(Math.ceil(250 / 17));
  });

  test('counts matching accounts no further than the cap and says there are more', async () => {
    const filter = accountFilterSchema.parse({ q: 'Bulk Account' });
    expect(await countAccounts(filter, 100)).toEqual({ count: 100, more: true });
    expect(await countAccounts(filter, 1000)).toEqual({ count: 250, more: false });
  });
});
