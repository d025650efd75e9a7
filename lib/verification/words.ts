// Meta's verification values in plain words for staff (Meta: Partner-led Business Verification;
// the Business node's verification_status; docs/meta/business-verification.md).

const reasons: Record<string, string> = {
  ADDRESS_NOT_MATCHING: 'the address does not match the documents',
  BUSINESS_NOT_ELIGIBLE: 'the business is not eligible',
  LEGAL_NAME_NOT_MATCHING: 'the legal name does not match the documents',
  LEGAL_NAME_NOT_FOUND_IN_DOCUMENTS: 'the legal name was not found in the documents',
  MALFORMED_DOCUMENTS: 'the documents could not be read',
  WEBSITE_NOT_MATCHING: 'the website does not match the business',
};

/** "the legal name does not match the documents (LEGAL_NAME_NOT_MATCHING)"; unknown reasons keep Meta's word. */
export function rejectionReasonText(reason: string): string {
  const words = reasons[reason];
  return words ? `${words} (${reason})` : reason;
}

const statuses: Record<string, string> = {
  not_verified: 'Not verified',
  pending: 'Being reviewed',
  pending_need_more_info: 'Meta needs more information',
  pending_submission: 'Waiting for a submission',
  verified: 'Verified',
  rejected: 'Rejected',
  failed: 'Failed',
  expired: 'Expired',
  ineligible: 'Not eligible',
  revoked: 'Revoked',
};

export function verificationStatusText(status: string | null | undefined): string {
  if (!status) return 'Not known yet';
  return statuses[status] ?? status;
}

const submissionStatuses: Record<string, string> = {
  submitting: 'Sending to Meta',
  refused: 'Refused by Meta (no attempt used)',
  unconfirmed: 'Not confirmed by Meta',
  PENDING: 'Being reviewed',
  APPROVED: 'Approved',
  FAILED: 'Rejected',
  DISCARDED: 'Discarded',
  REVOKED: 'Revoked',
};

export function submissionStatusText(status: string): string {
  return submissionStatuses[status] ?? status;
}
