import { listPhoneNumbers } from '@/lib/meta/phone-numbers';
import { getWaba } from '@/lib/meta/wabas';
import { savePhoneNumbers, saveWaba } from '@/lib/onboarding/records';
import { and, eq, isNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses } from '@/lib/db/schema';
import type { FinishStep } from '@/lib/partner-wabas/finish-context';

export type FinishSnapshot = {
  accountReviewStatus: string | null;
  primaryFundingId: string | null;
  canSendMessage: string | null;
  phones: Array<{ id: string; number: string | null; status: string | null; platformType: string | null }>;
};

/** Reads the WABA and its numbers back from Meta and stores them: what staff see at the end of the run. */
export const finishReadStatusStep: FinishStep = {
  name: 'read_status',
  label: { staff: 'Read the account and number status from Meta', customer: 'Check your account and number status' },
  after: 'all',
  async run(ctx) {
    const [waba, phones] = await Promise.all([getWaba(ctx.waba.metaWabaId, ctx.token, ctx.audit), listPhoneNumbers(ctx.waba.metaWabaId, ctx.token, ctx.audit)]);
    await db().transaction(async (tx) => {
      await saveWaba(tx, waba);
      await savePhoneNumbers(tx, ctx.waba.id, phones);
      // A WABA that reached us by webhook only knows its owner's id until now.
      const owner = waba.owner_business_info;
      if (ctx.waba.businessId && owner?.name) {
        await tx
          .update(businesses)
          .set({ name: owner.name, updatedAt: new Date() })
          .where(and(eq(businesses.id, ctx.waba.businessId), isNull(businesses.name)));
      }
    });
    const snapshot: FinishSnapshot = {
      accountReviewStatus: waba.account_review_status ?? null,
      primaryFundingId: waba.primary_funding_id ?? null,
      canSendMessage: waba.health_status?.can_send_message ?? null,
      phones: phones.map((p) => ({ id: p.id, number: p.display_phone_number ?? null, status: p.status ?? null, platformType: p.platform_type ?? null })),
    };
    return { status: 'done', result: snapshot };
  },
};
