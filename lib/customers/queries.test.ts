import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { customerFilterSchema, listCustomers } from '@/lib/customers/queries';
import { db } from '@/lib/db/client';
import { businesses, onboardingSessions } from '@/lib/db/schema';
import { createSignupLink } from '@/lib/onboarding/links';
import { openOnboardingSession, sessionForBrowser, verifyAndStore } from '@/lib/onboarding/sessions';
import { seedAccount, seedManyAccounts } from '@/test/account-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { finishFor } from '@/test/onboarding-fixtures';

// The Customers list (business → WABAs → numbers), its search and paging, and the customer
// reference and email that a signup link carries onto the business.

async function found(q: string): Promise<string[]> {
  return (await listCustomers(customerFilterSchema.parse({ q }), { limit: 200 })).items.map((c) => c.metaBusinessId);
}

describe('customers list', () => {
  test('shows a business with each of its WABAs and their numbers', async () => {
    const first = await seedAccount({
      business: { metaBusinessId: '3300000000000001', name: 'Two Accounts Ltd' },
      wabaName: 'Sales',
      numbers: [{ display: '+1 555 300 0001', verifiedName: 'Two Sales' }],
    });
    await seedAccount({ businessId: first.businessId, wabaName: 'Support', numbers: [{ display: '+1 555 300 0002' }, { display: '+1 555 300 0003' }] });
    const [customer] = (await listCustomers(customerFilterSchema.parse({ q: '3300000000000001' }))).items;
    expect(customer).toMatchObject({ name: 'Two Accounts Ltd', wabaCount: 2 });
    expect(customer!.wabas.map((w) => [w.name, w.numbers.map((n) => n.display)])).toEqual([
      ['Support', ['+1 555 300 0002', '+1 555 300 0003']],
      ['Sales', ['+1 555 300 0001']],
    ]);
  });

  test('finds a customer by any formatting of a number, a WABA id, the reference, the name and the email', async () => {
    const target = await seedAccount({
      business: { metaBusinessId: '3300000000000009', name: 'Corner Bakery', email: 'hello@corner.example', customerReference: 'ACME-CRM-12' },
      numbers: [{ display: '+1 555-078-3881' }],
    });
    for (const q of ['+1 (555) 078-3881', '15550783881', '555 078 3881', target.metaWabaId, 'acme-crm-12', 'corner', 'HELLO@corner']) {
      expect(await found(q), q).toEqual(['3300000000000009']);
    }
    expect(await found('555 078 3889')).toEqual([]);
  });

  test('pages through customers sharing timestamps with no one skipped or repeated', async () => {
    await seedManyAccounts(120, { prefix: '2', sameTimeEvery: 30 });
    const filter = customerFilterSchema.parse({ q: 'bulk business' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listCustomers>> = await listCustomers(filter, { cursor, limit: 11 });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next;
    } while (cursor);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });
});

describe('a signup link’s customer reference', () => {
  let meta: MetaSandbox;
  beforeAll(async () => {
    meta = await startMetaSandbox();
  });
  afterAll(async () => {
    await meta.close();
  });

  test('arrives on the business with the link’s business email when the signup completes', async () => {
    const link = await createSignupLink(
      {
        label: 'CRM campaign',
        flow: 'default',
        singleUse: false,
        customerReference: 'CRM-5001',
        prefill: { businessName: 'Acme Ltd', businessEmail: 'owner@acme.example', businessWebsite: 'https://acme.example', businessCountry: 'US' },
      },
      null,
    );
    expect(link.customerReference).toBe('CRM-5001');
    const opened = await openOnboardingSession(link.token);
    if ('problem' in opened) throw new Error(opened.problem);
    const session = (await sessionForBrowser(opened.sessionId, opened.browserKey))!;
    const signup = await meta.signup({});
    const result = await verifyAndStore(session, {
      code: signup.code,
      finish: finishFor('default', { wabaId: signup.wabaId, phoneNumberId: signup.phoneNumberId }),
    });
    expect(result.ok).toBe(true);
    const [row] = await db()
      .select({ reference: businesses.customerReference, email: businesses.email })
      .from(onboardingSessions)
      .innerJoin(businesses, eq(businesses.id, onboardingSessions.businessId))
      .where(eq(onboardingSessions.id, session.id));
    expect(row).toEqual({ reference: 'CRM-5001', email: 'owner@acme.example' });
    expect(await found('crm-5001')).toEqual([signup.businessId]);
  });
});
