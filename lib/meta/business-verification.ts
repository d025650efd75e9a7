import { z } from 'zod';
import { type AuditContext, type GraphToken, graphIdSchema, graphList, graphRequest, lenientEnum } from '@/lib/meta/graph';

// Partner-led business verification, PLBV (docs/meta/business-verification.md). Select and Premier Solution Partners
// only; partner system token; at most 3 submissions per client, so never auto-retry a submit.

export const verificationDocumentTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
const maxDocumentBytes = 5 * 1024 * 1024;

export type VerificationDocument = { name: string; type: (typeof verificationDocumentTypes)[number]; data: Blob | Uint8Array };

export type VerificationSubmission = {
  endBusinessId: string;
  documents: VerificationDocument[];
  legalName?: string;
  address?: string;
  tradeNames?: readonly string[];
  website?: string;
  businessVertical?: string;
  averageMonthlyRevenueSpendWithPartner?: number;
  numBillingCyclesWithPartner?: number;
};

export function checkDocuments(documents: readonly VerificationDocument[]): void {
  if (documents.length < 1 || documents.length > 3) throw new Error('Business verification takes 1 to 3 documents');
  for (const doc of documents) {
    const size = doc.data instanceof Blob ? doc.data.size : doc.data.byteLength;
    if (size > maxDocumentBytes) throw new Error(`${doc.name} is larger than 5 MB`);
    if (!verificationDocumentTypes.includes(doc.type)) throw new Error(`${doc.name}: only PDF, JPEG and PNG are accepted`);
  }
}

export async function submitBusinessVerification(
  partnerBusinessId: string,
  input: VerificationSubmission,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<{ message?: string; verificationAttempts?: number }> {
  checkDocuments(input.documents);
  const form = new FormData();
  form.set('end_business_id', input.endBusinessId);
  const optional: Record<string, string | undefined> = {
    end_business_legal_name: input.legalName,
    end_business_address: input.address,
    end_business_trade_names: input.tradeNames ? JSON.stringify(input.tradeNames) : undefined,
    end_business_website: input.website,
    business_vertical: input.businessVertical,
    average_monthly_revenue_spend_with_partner: input.averageMonthlyRevenueSpendWithPartner?.toString(),
    num_billing_cycles_with_partner: input.numBillingCyclesWithPartner?.toString(),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) form.set(key, value);
  for (const doc of input.documents) {
    const blob = doc.data instanceof Blob ? doc.data : new Blob([doc.data as Uint8Array<ArrayBuffer>], { type: doc.type });
    form.append('business_documents[]', blob, doc.name);
  }
  const result = await graphRequest({
    method: 'POST',
    path: `/${partnerBusinessId}/self_certify_whatsapp_business`,
    multipart: form,
    token: systemToken,
    audit,
    schema: z.looseObject({
      success: z.literal(true),
      message: z.string().optional(),
      verification_attempts: z.coerce.number().optional(),
    }),
  });
  return { message: result.message, verificationAttempts: result.verification_attempts };
}

export const submissionStatusSchema = lenientEnum(['APPROVED', 'DISCARDED', 'FAILED', 'PENDING', 'REVOKED'] as const);

const submissionSchema = z.looseObject({
  id: graphIdSchema,
  verification_status: submissionStatusSchema,
  rejection_reasons: z.array(z.string()).optional(),
  submitted_time: z.string().optional(),
  update_time: z.string().optional(),
  client_business_id: graphIdSchema.optional(),
  submitted_info: z.looseObject({}).optional(),
});

export type VerificationSubmissionRecord = {
  id: string;
  status: z.output<typeof submissionStatusSchema>;
  /** Normalised to underscores: `LEGAL_NAME_NOT_MATCHING`. */
  rejectionReasons: string[];
  submittedTime?: string;
  updateTime?: string;
  clientBusinessId?: string;
};

/** The webhook spells reasons with spaces, the PLBV page with underscores (docs/meta/business-verification.md). */
export function normaliseRejectionReason(reason: string): string {
  return reason
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
}

export async function listVerificationSubmissions(
  partnerBusinessId: string,
  endBusinessId: string,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<VerificationSubmissionRecord[]> {
  const submissions = await graphList({
    path: `/${partnerBusinessId}/self_certified_whatsapp_business_submissions`,
    query: { end_business_id: endBusinessId },
    token: systemToken,
    audit,
    item: submissionSchema,
  });
  return submissions.map((s) => ({
    id: s.id,
    status: s.verification_status,
    rejectionReasons: (s.rejection_reasons ?? []).map(normaliseRejectionReason).filter((r) => r !== 'NONE'),
    submittedTime: s.submitted_time,
    updateTime: s.update_time,
    clientBusinessId: s.client_business_id,
  }));
}

export const businessVerificationStatusSchema = lenientEnum([
  'not_verified',
  'pending',
  'pending_need_more_info',
  'pending_submission',
  'verified',
  'rejected',
  'failed',
  'expired',
  'ineligible',
  'revoked',
] as const);

/** The customer portfolio's verification status, with the customer's business token (docs/meta/business-verification.md). */
export async function getBusinessVerificationStatus(
  businessId: string,
  businessToken: GraphToken,
  audit: AuditContext = {},
): Promise<z.output<typeof businessVerificationStatusSchema>> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${businessId}`,
    query: { fields: 'verification_status' },
    token: businessToken,
    audit,
    schema: z.looseObject({ verification_status: businessVerificationStatusSchema }),
  });
  return result.verification_status;
}
