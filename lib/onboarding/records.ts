import type { Tx } from '@/lib/db/client';
import { phoneNumbers, wabas } from '@/lib/db/schema';
import type { PhoneNumber as MetaPhoneNumber } from '@/lib/meta/phone-numbers';
import type { Waba as MetaWaba } from '@/lib/meta/wabas';

// Writes what Meta reports about a WABA and its numbers to our rows (one mapping, used by the
// completion request and by the pipeline's read-back).

function wabaColumns(waba: MetaWaba) {
  return {
    ...(waba.name !== undefined && { name: waba.name }),
    ...(waba.currency !== undefined && { currency: waba.currency }),
    ...(waba.timezone_id !== undefined && { timezoneId: waba.timezone_id }),
    ...(waba.account_review_status !== undefined && { accountReviewStatus: waba.account_review_status }),
    ...(waba.business_verification_status !== undefined && { businessVerificationStatus: waba.business_verification_status }),
    ...(waba.ownership_type !== undefined && { ownershipType: waba.ownership_type }),
    ...(waba.whatsapp_business_manager_messaging_limit !== undefined && { messagingLimit: waba.whatsapp_business_manager_messaging_limit }),
    ...(waba.health_status !== undefined && { healthStatus: waba.health_status }),
    ...(waba.primary_funding_id !== undefined && { primaryFundingId: waba.primary_funding_id }),
    ...(waba.country !== undefined && { country: waba.country }),
  };
}

function phoneColumns(phone: MetaPhoneNumber) {
  return {
    ...(phone.display_phone_number !== undefined && { displayPhoneNumber: phone.display_phone_number }),
    ...(phone.verified_name !== undefined && { verifiedName: phone.verified_name }),
    ...(phone.code_verification_status !== undefined && { codeVerificationStatus: phone.code_verification_status }),
    ...(phone.quality_rating !== undefined && { qualityRating: phone.quality_rating }),
    ...(phone.status !== undefined && { status: phone.status }),
    ...(phone.name_status !== undefined && { nameStatus: phone.name_status }),
    ...(phone.platform_type !== undefined && { platformType: phone.platform_type }),
    ...(phone.throughput !== undefined && { throughputLevel: phone.throughput.level }),
    ...(phone.is_on_biz_app !== undefined && { isOnBizApp: phone.is_on_biz_app }),
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
