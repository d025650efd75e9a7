import { sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, businessTokens, onboardingSessions, phoneNumbers, wabas, webhookEvents, type OnboardingStatus } from '@/lib/db/schema';
import { storeSecret } from '@/lib/vault';

// Test fixture (never imported by app code): accounts as the completion request and the syncs
// store them, written straight to the tables so that a test can shape every state.

let counter = 0;

export type AccountSeed = {
  metaWabaId?: string;
  wabaName?: string;
  business?: { metaBusinessId?: string; name?: string; email?: string | null; customerReference?: string | null };
  /** Reuse a business row made by an earlier seed. */
  businessId?: string;
  review?: string | null;
  verification?: string | null;
  limit?: string | null;
  canSend?: string | null;
  status?: 'connected' | 'disconnected' | 'deleted';
  primaryFundingId?: string | null;
  allocationConfigId?: string | null;
  numbers?: Array<{ display: string; verifiedName?: string; nameStatus?: string; quality?: string; metaPhoneNumberId?: string }>;
  token?: { status: 'valid' | 'needs_reauth' | 'revoked'; expiresAt?: Date | null; value?: string } | null;
  onboarding?: { status: OnboardingStatus; at?: Date } | null;
  lastWebhookAt?: Date | null;
  createdAt?: Date;
};

export type SeededAccount = { wabaRowId: string; metaWabaId: string; businessId: string };

export async function seedAccount(seed: AccountSeed = {}): Promise<SeededAccount> {
  counter += 1;
  const n = counter;
  const metaWabaId = seed.metaWabaId ?? `9${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(11, '0')}`;
  let businessId = seed.businessId;
  if (!businessId) {
    const [business] = await db()
      .insert(businesses)
      .values({
        metaBusinessId: seed.business?.metaBusinessId ?? `8${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(11, '0')}`,
        name: seed.business?.name ?? `Business ${n}`,
        email: seed.business?.email ?? null,
        customerReference: seed.business?.customerReference ?? null,
        ...(seed.createdAt && { createdAt: seed.createdAt }),
      })
      .returning({ id: businesses.id });
    businessId = business!.id;
  }
  const [waba] = await db()
    .insert(wabas)
    .values({
      metaWabaId,
      businessId,
      name: seed.wabaName ?? `Account ${n}`,
      status: seed.status ?? 'connected',
      accountReviewStatus: seed.review === undefined ? 'APPROVED' : seed.review,
      businessVerificationStatus: seed.verification === undefined ? 'verified' : seed.verification,
      messagingLimit: seed.limit === undefined ? 'TIER_2K' : seed.limit,
      healthStatus: seed.canSend === null ? null : { can_send_message: seed.canSend ?? 'AVAILABLE' },
      primaryFundingId: seed.primaryFundingId ?? null,
      allocationConfigId: seed.allocationConfigId ?? null,
      ...(seed.createdAt && { createdAt: seed.createdAt }),
    })
    .returning({ id: wabas.id });
  const wabaRowId = waba!.id;
  for (const [i, number] of (seed.numbers ?? []).entries()) {
    await db()
      .insert(phoneNumbers)
      .values({
        metaPhoneNumberId: number.metaPhoneNumberId ?? `7${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(9, '0')}${i}`,
        wabaId: wabaRowId,
        displayPhoneNumber: number.display,
        verifiedName: number.verifiedName ?? `Verified ${n}`,
        nameStatus: number.nameStatus ?? 'APPROVED',
        qualityRating: number.quality ?? 'GREEN',
        status: 'CONNECTED',
      });
  }
  if (seed.token !== null) {
    const token = seed.token ?? { status: 'valid' };
    const secretId = await storeSecret('business_token', token.value ?? `token-${n}`);
    await db()
      .insert(businessTokens)
      .values({ wabaId: wabaRowId, businessId, secretId, status: token.status, expiresAt: token.expiresAt ?? null });
  }
  if (seed.onboarding !== null) {
    const onboarding = seed.onboarding ?? { status: 'live' };
    await db()
      .insert(onboardingSessions)
      .values({
        browserKeyHash: `hash-${n}`,
        flow: 'default',
        partnerType: 'solution_partner',
        status: onboarding.status,
        expiresAt: new Date(Date.now() + 3_600_000),
        businessId,
        wabaId: wabaRowId,
        ...(onboarding.at && { createdAt: onboarding.at }),
      });
  }
  if (seed.lastWebhookAt) {
    await db()
      .insert(webhookEvents)
      .values({
        dedupeKey: `seed-${n}`,
        object: 'whatsapp_business_account',
        entryId: metaWabaId,
        field: 'account_update',
        value: {},
        wabaId: metaWabaId,
        receivedAt: seed.lastWebhookAt,
      });
  }
  return { wabaRowId, metaWabaId, businessId };
}

/**
 * Many plain accounts in a few statements (a business, a WABA and a number each), for paging,
 * export and query-plan tests. `sameTimeEvery` gives groups of that many the exact same created_at.
 */
export async function seedManyAccounts(count: number, options: { prefix?: string; sameTimeEvery?: number; withTokens?: boolean } = {}): Promise<void> {
  const prefix = options.prefix ?? '6';
  const group = options.sameTimeEvery ?? 1;
  await db().execute(sql`
    insert into businesses (meta_business_id, name, email, customer_reference, created_at)
    select ${prefix} || '1' || lpad(g::text, 10, '0'), 'Bulk Business ' || g, 'owner' || g || '@bulk.example', 'REF-' || g,
           timestamptz '2026-01-01 00:00:00+00' + ((g / ${group}) * interval '1 second')
    from generate_series(1, ${count}) g`);
  await db().execute(sql`
    insert into wabas (meta_waba_id, business_id, name, account_review_status, business_verification_status, messaging_limit, health_status, created_at)
    select ${prefix} || '2' || substr(b.meta_business_id, 3), b.id, 'Bulk Account ' || substr(b.meta_business_id, 3)::bigint,
           (array['APPROVED', 'PENDING', 'REJECTED'])[1 + (substr(b.meta_business_id, 3)::bigint % 3)],
           'verified', 'TIER_2K', jsonb_build_object('can_send_message', 'AVAILABLE'), b.created_at
    from businesses b where b.meta_business_id like ${`${prefix}1%`}`);
  await db().execute(sql`
    insert into phone_numbers (meta_phone_number_id, waba_id, display_phone_number, verified_name, name_status, quality_rating, status)
    select ${prefix} || '3' || substr(w.meta_waba_id, 3), w.id, '+1 555-' || lpad((substr(w.meta_waba_id, 3)::bigint % 10000000)::text, 7, '0'),
           'Bulk ' || w.name, 'APPROVED', 'GREEN', 'CONNECTED'
    from wabas w where w.meta_waba_id like ${`${prefix}2%`}`);
  if (!options.withTokens) return;
  // One shared secret stands in for every token: these rows are for reading, never for Meta.
  const secretId = await storeSecret('business_token', 'bulk-seed-token');
  await db().execute(sql`
    insert into business_tokens (waba_id, business_id, secret_id, status, created_at)
    select w.id, w.business_id, ${secretId}, 'valid', w.created_at from wabas w where w.meta_waba_id like ${`${prefix}2%`}`);
  await db().execute(sql`
    insert into onboarding_sessions (browser_key_hash, flow, partner_type, status, expires_at, business_id, waba_id, created_at)
    select 'seed', 'default', 'solution_partner', 'live', w.created_at + interval '1 hour', w.business_id, w.id, w.created_at
    from wabas w where w.meta_waba_id like ${`${prefix}2%`}`);
}
