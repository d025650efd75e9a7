import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, describe, expect, test } from 'vitest';
import { accountFilterSchema, accountPageQuery, listAccounts, type AccountFilter } from '@/lib/accounts/list';
import { customerFilterSchema, customerPageQuery } from '@/lib/customers/queries';
import { db, rowsOf } from '@/lib/db/client';
import { seedAccount, seedManyAccounts } from '@/test/account-fixtures';

// The list pages' query plans on a few thousand accounts: the first page, a later page and each
// kind of search must be served by indexes, never by reading a whole table.

async function plan(query: SQL): Promise<string> {
  const rows = rowsOf<{ 'QUERY PLAN': string }>(await db().execute(sql`explain ${query}`));
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const bigTables = ['wabas', 'businesses', 'phone_numbers', 'business_tokens', 'onboarding_sessions'];

function expectIndexed(text: string, label: string) {
  for (const table of bigTables) expect(text, `${label}:\n${text}`).not.toMatch(new RegExp(`Seq Scan on ${table}\\b`));
}

let laterCursor: string;

beforeAll(async () => {
  await seedManyAccounts(5_000, { prefix: '3', withTokens: true });
  await seedAccount({
    business: { name: 'Zephyr Ltd', email: 'zed@zephyr.example', customerReference: 'CRM-ZZ-1' },
    numbers: [{ display: '+1 555-078-3881', metaPhoneNumberId: '1777000000000001' }],
    review: 'REJECTED',
    canSend: 'BLOCKED',
  });
  await db().execute(sql`analyze`);
  const filter = accountFilterSchema.parse({});
  let page = await listAccounts(filter, { limit: 50 });
  for (let i = 0; i < 20; i++) page = await listAccounts(filter, { cursor: page.next, limit: 50 });
  laterCursor = page.next!;
}, 120_000);

const cases: Array<[string, Partial<AccountFilter>]> = [
  ['first page', {}],
  ['search by phone, formatted', { q: '+1 (555) 078-3881' }],
  ['search by phone without country code', { q: '555 078 3881' }],
  ['search by WABA id', { q: '32000000004000' }],
  ['search by business name', { q: 'zephyr' }],
  ['search by email', { q: 'zed@zephyr' }],
  ['search by customer reference', { q: 'CRM-ZZ' }],
  ['filter: account review', { review: 'REJECTED' }],
  ['filter: can send', { canSend: 'BLOCKED' }],
  ['filter: quality', { quality: 'RED' }],
  ['filter: date range', { from: '2026-01-01', to: '2026-01-01' }],
  ['filter: token needs reauthorization', { token: 'needs_reauth' }],
  ['filter: onboarding action needed', { onboarding: 'action_needed' }],
];

describe('query plans on 5,000 accounts', () => {
  test.each(cases)('%s reads no whole table', async (label, filter) => {
    const text = await plan(accountPageQuery(accountFilterSchema.parse(filter), { limit: 50 }));
    console.info(`--- ${label}\n${text}`);
    expectIndexed(text, label);
  });

  test('a later page reads no whole table', async () => {
    const text = await plan(accountPageQuery(accountFilterSchema.parse({}), { cursor: laterCursor, limit: 50 }));
    console.info(`--- later page (page 22)\n${text}`);
    expectIndexed(text, 'later page');
  });

  test('the customers list, first page and a search by phone, reads no whole table', async () => {
    for (const [label, q] of [
      ['customers first page', undefined],
      ['customers search by phone', '555 078 3881'],
    ] as const) {
      const text = await plan(customerPageQuery(customerFilterSchema.parse({ q }), { limit: 25 }));
      console.info(`--- ${label}\n${text}`);
      expectIndexed(text, label);
    }
  });
});
