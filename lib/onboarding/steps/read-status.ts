import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses } from '@/lib/db/schema';
import { listPhoneNumbers, type PhoneNumber as MetaPhoneNumber } from '@/lib/meta/phone-numbers';
import { getWaba, type HealthStatus } from '@/lib/meta/wabas';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import type { OnboardingStep } from '@/lib/onboarding/steps/context';
import { solutionAccess, type SolutionAccess } from '@/lib/onboarding/steps/solution-access';

// The last step: read the WABA and its numbers as Meta reports them now and store them; the
// session's final status is decided from this result (lib/onboarding/outcome.ts).

export type PhoneSnapshot = {
  /** Meta's phone number id. */
  id: string;
  number: string | null;
  status: string | null;
  nameStatus: string | null;
  platformType: string | null;
  isOnBizApp: boolean;
};

export type StatusSnapshot = {
  waba: {
    accountReviewStatus: string | null;
    primaryFundingId: string | null;
    /** Meta's overall value (the worst of its entities). */
    canSendMessage: string | null;
    messagingLimit: string | null;
    /** health_status as Meta reported it: one entity per number, the WABA, the business and the app. */
    health?: HealthStatus | null;
  };
  /** The number this signup connected. */
  phone: PhoneSnapshot | null;
  /** Every number on the WABA, the signup's own first. */
  phones?: PhoneSnapshot[];
  phoneCount: number;
  /** Our part in the Multi-Partner Solution the WABA came through, if any. */
  solution?: SolutionAccess | null;
};

export function phoneSnapshot(phone: {
  id: string;
  number: string | null;
  status: string | null;
  nameStatus: string | null;
  platformType: string | null;
  isOnBizApp: boolean;
}): PhoneSnapshot {
  return {
    id: phone.id,
    number: phone.number,
    status: phone.status,
    nameStatus: phone.nameStatus,
    platformType: phone.platformType,
    isOnBizApp: phone.isOnBizApp,
  };
}

function fromMeta(phone: MetaPhoneNumber): PhoneSnapshot {
  return phoneSnapshot({
    id: phone.id,
    number: phone.display_phone_number ?? null,
    status: phone.status ?? null,
    nameStatus: phone.name_status ?? null,
    platformType: phone.platform_type ?? null,
    isOnBizApp: phone.is_on_biz_app === true,
  });
}

/** The signup's own number first, then the others in Meta's order. */
export function ownNumberFirst<T extends { id: string }>(phones: readonly T[], ownId: string | null | undefined): T[] {
  const own = phones.filter((p) => p.id === ownId);
  return [...own, ...phones.filter((p) => p.id !== ownId)];
}

export const readStatusStep: OnboardingStep = {
  name: 'read_status',
  label: { staff: 'Read the account and number status from Meta', customer: 'Check your account and number status' },
  after: 'all',
  async run(ctx) {
    const [waba, phones, solution] = await Promise.all([
      getWaba(ctx.waba.metaWabaId, ctx.token, ctx.audit),
      listPhoneNumbers(ctx.waba.metaWabaId, ctx.token, ctx.audit),
      ctx.solutionId
        ? solutionAccess({ solutionId: ctx.solutionId, metaWabaId: ctx.waba.metaWabaId, token: ctx.token, audit: ctx.audit })
        : Promise.resolve(null),
    ]);
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
    const ownId = ctx.phone?.metaPhoneNumberId;
    const all = ownNumberFirst(phones.map(fromMeta), ownId);
    const snapshot: StatusSnapshot = {
      waba: {
        accountReviewStatus: waba.account_review_status ?? null,
        primaryFundingId: waba.primary_funding_id ?? null,
        canSendMessage: waba.health_status?.can_send_message ?? null,
        messagingLimit: waba.whatsapp_business_manager_messaging_limit ?? null,
        health: waba.health_status ?? null,
      },
      phone: all.find((p) => p.id === ownId) ?? null,
      phones: all,
      phoneCount: phones.length,
      solution,
    };
    return { status: 'done', result: snapshot };
  },
};
