import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses } from '@/lib/db/schema';
import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { getWaba } from '@/lib/meta/wabas';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import type { OnboardingStep } from '@/lib/onboarding/steps/context';

// The last step: read the WABA and its numbers as Meta reports them now (reference §14, "Dashboard
// polling") and store them; the session's final status is decided from this result.

export type StatusSnapshot = {
  waba: {
    accountReviewStatus: string | null;
    primaryFundingId: string | null;
    canSendMessage: string | null;
    messagingLimit: string | null;
  };
  phone: { status: string | null; nameStatus: string | null; platformType: string | null; isOnBizApp: boolean } | null;
  phoneCount: number;
};

export const readStatusStep: OnboardingStep = {
  name: 'read_status',
  label: { staff: 'Read the account and number status from Meta', customer: 'Check your account and number status' },
  after: 'all',
  async run(ctx) {
  const [waba, phones] = await Promise.all([
    getWaba(ctx.waba.metaWabaId, ctx.token, ctx.audit),
    listPhoneNumbers(ctx.waba.metaWabaId, ctx.token, ctx.audit),
  ]);
  const now = new Date();
  await db().transaction(async (tx) => {
    await saveWaba(tx, waba);
    if (ctx.session.businessId && waba.business_verification_status) {
      await tx
        .update(businesses)
        .set({ verificationStatus: waba.business_verification_status, name: waba.owner_business_info?.name, updatedAt: new Date() })
        .where(eq(businesses.id, ctx.session.businessId));
    }
    await savePhoneNumbers(tx, ctx.waba.id, phones);
  });
  const ours = ctx.phone ? phones.find((p) => p.id === ctx.phone!.metaPhoneNumberId) : undefined;
  const snapshot: StatusSnapshot = {
    waba: {
      accountReviewStatus: waba.account_review_status ?? null,
      primaryFundingId: waba.primary_funding_id ?? null,
      canSendMessage: waba.health_status?.can_send_message ?? null,
      messagingLimit: waba.whatsapp_business_manager_messaging_limit ?? null,
    },
    phone: ours
      ? { status: ours.status ?? null, nameStatus: ours.name_status ?? null, platformType: ours.platform_type ?? null, isOnBizApp: ours.is_on_biz_app === true }
      : null,
    phoneCount: phones.length,
  };
  return { status: 'done', result: snapshot };
  },
};
