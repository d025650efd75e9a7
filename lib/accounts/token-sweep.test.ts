import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { db } from '@/lib/db/client';
import { attentionItems, businessTokens, wabas } from '@/lib/db/schema';
import { sweepTokens } from '@/lib/accounts/token-sweep';
import { createOnboarding, type Onboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// The daily debug_token sweep over stored tokens, against the sandbox and its clock.

let meta: MetaSandbox;
let shortLived: Onboarding;
let lasting: Onboarding;

async function openItems(metaWabaId: string) {
  const rows = await db()
    .select({ kind: attentionItems.kind, message: attentionItems.message })
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, metaWabaId), isNull(attentionItems.resolvedAt)));
  return rows;
}

async function tokenOf(metaWabaId: string) {
  const [row] = await db()
    .select({ status: businessTokens.status, checkedAt: businessTokens.checkedAt, expiresAt: businessTokens.expiresAt })
    .from(businessTokens)
    .innerJoin(wabas, eq(wabas.id, businessTokens.wabaId))
    .where(eq(wabas.metaWabaId, metaWabaId));
  return row!;
}

beforeAll(async () => {
  meta = await startMetaSandbox();
  await meta.configure({ businessTokenExpiry: 5 });
  shortLived = await createOnboarding(meta, 'default', 'solution_partner');
  await meta.configure({ businessTokenExpiry: 'never' });
  lasting = await createOnboarding(meta, 'default', 'solution_partner');
}, 60_000);

afterAll(async () => {
  await meta.close();
});

describe('token sweep', () => {
  test('a token expiring within 7 days raises one item saying when; a lasting one raises none', async () => {
    expect(await sweepTokens()).toMatchObject({ valid: 1, expiring: 1, invalid: 0 });
    expect(await openItems(shortLived.metaWabaId)).toEqual([
      { kind: 'token_expiring', message: expect.stringMatching(/^The customer’s token expires in 5 days \(\d{4}-\d\d-\d\d\)/) },
    ]);
    expect(await openItems(lasting.metaWabaId)).toEqual([]);
    expect((await tokenOf(shortLived.metaWabaId)).checkedAt).not.toBeNull();

    await sweepTokens();
    expect(await openItems(shortLived.metaWabaId)).toHaveLength(1);
  });

  test('once the sandbox clock passes the expiry, Meta says invalid: the token needs reauthorization and the item says so', async () => {
    await meta.control('POST', '/clock/advance', { seconds: 6 * 86_400 });
    expect(await sweepTokens()).toMatchObject({ valid: 1, expiring: 0, invalid: 1 });
    expect((await tokenOf(shortLived.metaWabaId)).status).toBe('needs_reauth');
    expect(await openItems(shortLived.metaWabaId)).toEqual([{ kind: 'token_invalid', message: expect.stringContaining('invalid') }]);
    expect((await tokenOf(lasting.metaWabaId)).status).toBe('valid');
  });

  test('a token Meta revokes is found by the next sweep', async () => {
    await meta.control('POST', '/tokens/revoke', { token: lasting.tokenValue });
    await sweepTokens();
    expect((await tokenOf(lasting.metaWabaId)).status).toBe('needs_reauth');
    expect((await openItems(lasting.metaWabaId)).map((i) => i.kind)).toEqual(['token_invalid']);
  });
});
