import type { Tx } from '@/lib/db/client';
import { phoneNumbers, wabas } from '@/lib/db/schema';
import type { PhoneNumber as MetaPhoneNumber } from '@/lib/meta/phone-numbers';
import type { Waba as MetaWaba } from '@/lib/meta/wabas';

// Writes what Meta reports about a WABA and its numbers to our rows: one mapping, used by the
// completion request and by the pipeline's read-back.

// Both callers read the full field lists (wabaFields, phoneNumberFields): a field Meta leaves out is
// unset there, except the names and settings that never go away once given.
function wabaColumns(waba: MetaWaba) {
  return {
    ...(waba.name !== undefined && { name: waba.name }),
    ...(waba.currency !== undefined && { currency: waba.currency }),
    ...(waba.timezone_id !== undefined && { timezoneId: waba.timezone_id }),
    ...(waba.country !== undefined && { country: waba.country }),
    accountReviewStatus: waba.account_review_status ?? null,
    businessVerificationStatus: waba.business_verification_status ?? null,
    ownershipType: waba.ownership_type ?? null,
    messagingLimit: waba.whatsapp_business_manager_messaging_limit ?? null,
    healthStatus: waba.health_status ?? null,
    primaryFundingId: waba.primary_funding_id ?? null,
  };
}

function phoneColumns(phone: MetaPhoneNumber) {
  return {
    displayPhoneNumber: phone.display_phone_number ?? null,
    verifiedName: phone.verified_name ?? null,
    codeVerificationStatus: phone.code_verification_status ?? null,
    qualityRating: phone.quality_rating ?? null,
    status: phone.status ?? null,
    nameStatus: phone.name_status ?? null,
    platformType: phone.platform_type ?? null,
    throughputLevel: phone.throughput?.level ?? null,
    isOnBizApp: phone.is_on_biz_app === true,
  };
}

/** Creates or refreshes the WABA row from Meta's read; returns our id. */
export async function saveWaba(tx: Tx, waba: MetaWaba, link: { businessId?: string; solutionId?: string | null } = {}): Promise<string> {
  const now = new Date();
  const columns = {
    ...wabaColumns(waba),
    ...(link.businessId && { businessId: link.businessId }),
    ...(link.solutionId && { solutionId: link.solutionId }),
    syncedAt: now,
    updatedAt: now,
  };
  const [row] = await tx
    .insert(wabas)
    .values({ metaWabaId: waba.id, ...columns })
    .onConflictDoUpdate({ target: wabas.metaWabaId, set: columns })
    .returning({ id: wabas.id });
  return row!.id;
}

/** Creates or refreshes phone number rows; returns our ids by Meta id. */
export async function savePhoneNumbers(tx: Tx, wabaRowId: string, numbers: readonly MetaPhoneNumber[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const now = new Date();
  for (const phone of numbers) {
    const columns = { ...phoneColumns(phone), wabaId: wabaRowId, syncedAt: now, updatedAt: now };
    const [row] = await tx
      .insert(phoneNumbers)
      .values({ metaPhoneNumberId: phone.id, ...columns })
      .onConflictDoUpdate({ target: phoneNumbers.metaPhoneNumberId, set: columns })
      .returning({ id: phoneNumbers.id });
    ids.set(phone.id, row!.id);
  }
  return ids;
}
