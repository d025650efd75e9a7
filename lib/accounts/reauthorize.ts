import { eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { businesses, type StaffUser, type Waba } from '@/lib/db/schema';
import { publicUrl } from '@/lib/env';
import { createSignupLink } from '@/lib/onboarding/links';
import type { SignupFlow } from '@/lib/db/schema';

// Re-authorize: a single-use signup link made for this customer. Its signup finds the same business
// portfolio and WABA by Meta's ids and replaces the stored token (lib/onboarding/sessions.ts), so no
// second customer appears.

export const reauthorizeLinkDays = 14;

export async function createReauthorizeLink(waba: Waba, user: StaffUser): Promise<{ url: string; linkId: string; expiresAt: Date | null }> {
  const [business] = waba.businessId ? await db().select().from(businesses).where(eq(businesses.id, waba.businessId)) : [];
  const flow: SignupFlow = waba.solutionId ? 'mps' : 'default';
  const link = await createSignupLink(
    {
      label: `Re-authorize ${business?.name ?? waba.name ?? waba.metaWabaId}`.slice(0, 100),
      flow,
      solutionId: flow === 'mps' ? (waba.solutionId ?? undefined) : undefined,
      singleUse: true,
      expiresInDays: reauthorizeLinkDays,
      prefill: {},
      customerReference: business?.customerReference ?? undefined,
    },
    user.id,
  );
  return { url: `${publicUrl}/signup/${link.token}`, linkId: link.id, expiresAt: link.expiresAt };
}
