import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getBusinessVerificationStatus,
  listVerificationSubmissions,
  normaliseRejectionReason,
  submitBusinessVerification,
} from '@/lib/meta/business-verification';
import { systemToken } from '@/lib/meta/graph';
import { startMetaSandbox, sandboxIds, type MetaSandbox } from '@/test/meta-sandbox';

// Against the sandbox: partner-led business verification (docs/meta/business-verification.md).

let meta: MetaSandbox;

beforeAll(async () => {
  meta = await startMetaSandbox();
});

afterAll(async () => {
  await meta.close();
});

const pdf = new TextEncoder().encode('%PDF-1.4\n% sandbox document\n');

describe('partner-led business verification', () => {
  it('submits documents as multipart, lists the submission and reads the decision', async () => {
    const { businessId, token } = await meta.onboard();
    expect(await getBusinessVerificationStatus(businessId, token)).toBe('not_verified');
    const result = await submitBusinessVerification(
      sandboxIds.partnerBusinessId,
      {
        endBusinessId: businessId,
        documents: [{ name: 'registration.pdf', type: 'application/pdf', data: pdf }],
        legalName: 'Acme Ltd',
        businessVertical: 'RETAIL',
      },
      systemToken(),
      { step: 'plbv_submit' },
    );
    expect(result.verificationAttempts).toBe(1);

    const [submission] = await listVerificationSubmissions(sandboxIds.partnerBusinessId, businessId, systemToken());
    expect(submission).toMatchObject({ status: 'PENDING', clientBusinessId: businessId, rejectionReasons: [] });

    await meta.control('POST', `/business-verification/${submission!.id}/decision`, {
      status: 'FAILED',
      rejection_reasons: ['LEGAL NAME NOT MATCHING'],
    });
    const [decided] = await listVerificationSubmissions(sandboxIds.partnerBusinessId, businessId, systemToken());
    expect(decided).toMatchObject({ status: 'FAILED', rejectionReasons: ['LEGAL_NAME_NOT_MATCHING'] });
  });

  it('checks documents before calling Meta', async () => {
    const submission = { endBusinessId: '1', documents: [] };
    await expect(submitBusinessVerification(sandboxIds.partnerBusinessId, submission, systemToken())).rejects.toThrow(/1 to 3/);
    const big = { name: 'big.pdf', type: 'application/pdf' as const, data: new Uint8Array(5 * 1024 * 1024 + 1) };
    await expect(submitBusinessVerification(sandboxIds.partnerBusinessId, { endBusinessId: '1', documents: [big] }, systemToken())).rejects.toThrow(/5 MB/);
  });

  it('normalises rejection reasons spelled with spaces or underscores', () => {
    expect(normaliseRejectionReason('LEGAL NAME NOT FOUND IN DOCUMENTS')).toBe('LEGAL_NAME_NOT_FOUND_IN_DOCUMENTS');
    expect(normaliseRejectionReason('ADDRESS_NOT_MATCHING')).toBe('ADDRESS_NOT_MATCHING');
  });
});
