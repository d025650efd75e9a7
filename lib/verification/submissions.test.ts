import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { attentionItems, businessVerifications, verificationSubmissions, type StaffUser } from '@/lib/db/schema';
import { writeSettings } from '@/lib/settings';
import { createStaffUser } from '@/lib/staff';
import { checkUploadedDocuments } from '@/lib/verification/documents';
import { attemptsUsed, checkWithMeta, selfVerificationFallback, submissionsOf, submitVerification } from '@/lib/verification/submissions';
import { verificationWorkspace } from '@/lib/verification/workspace';
import { fileOf, minimalPdf } from '@/test/document-fixtures';
import { createOnboarding } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { deliver } from '@/test/webhook-fixtures';

// Partner-led business verification against the sandbox, with Meta's decisions delivered as
// account_update webhooks through the real inbox: the attempts used, the refused 4th attempt,
// requests Meta refuses or never answers, and the attention items the decisions raise and close.

let meta: MetaSandbox;
let operator: StaffUser;

beforeAll(async () => {
  meta = await startMetaSandbox();
  operator = await createStaffUser({ email: 'plbv-operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' });
});

afterAll(async () => {
  await meta.close();
});

beforeEach(async () => {
  await meta.clearFaults();
  await writeSettings({ 'partner.type': 'solution_partner', 'partner.solutionPartnerTier': 'select' }, new Auditor(null, 'settings.update'));
});

async function customer() {
  const onboarding = await createOnboarding(meta, 'default', 'solution_partner');
  await writeSettings({ 'partner.type': 'solution_partner', 'partner.solutionPartnerTier': 'select' }, new Auditor(null, 'settings.update'));
  return onboarding;
}

async function documents() {
  return checkUploadedDocuments([fileOf('registration.pdf', minimalPdf(2))]);
}

function submit(businessId: string, docs: Awaited<ReturnType<typeof documents>>) {
  return submitVerification({ businessId, legalName: 'Acme Ltd' }, docs, operator, new Auditor(operator.id, 'verification.submit'));
}

/** Meta decides the submission in the sandbox and its account_update webhook reaches us. */
async function decide(c: { metaWabaId: string; metaBusinessId: string }, status: 'APPROVED' | 'FAILED', reasons: string[], at: number) {
  const [row] = (await submissionsOf(c.metaBusinessId)).filter((s) => s.status === 'PENDING');
  const decided = await meta.control('POST', `/business-verification/${row!.metaSubmissionId}/decision`, { status, rejection_reasons: reasons });
  expect(decided.status).toBe(200);
  await deliver(
    c.metaWabaId,
    [
      {
        field: 'account_update',
        value: {
          event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
          partner_client_certification_info: { client_business_id: c.metaBusinessId, status, rejection_reasons: reasons.length ? reasons : ['NONE'] },
        },
      },
    ],
    at,
  );
}

async function openItems(metaBusinessId: string) {
  const rows = await db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.kind, 'business_verification_rejected')));
  return rows.filter((r) => (r.data as { clientBusinessId?: string }).clientBusinessId === metaBusinessId && r.resolvedAt === null);
}

const sandboxSubmissions = (businessId: string) => Object.values(meta.sandbox.state.submissions).filter((s) => s.clientBusinessId === businessId);

describe('partner-led verification attempts', () => {
  it('counts three attempts, refuses a second one while Meta decides, and refuses a 4th with the self-verification fallback', async () => {
    const c = await customer();
    const docs = await documents();

    const first = await submit(c.metaBusinessId, docs);
    expect(first).toMatchObject({ attempt: 1, metaAttempts: 1 });
    const [row] = await submissionsOf(c.metaBusinessId);
    expect(row).toMatchObject({ status: 'PENDING', attempt: 1, metaAttempts: 1, documents: [{ name: 'registration.pdf', type: 'application/pdf', pages: 2 }] });
    expect(row!.metaSubmissionId).toBe(sandboxSubmissions(c.metaBusinessId)[0]!.id);

    await expect(submit(c.metaBusinessId, docs)).rejects.toThrow(/still waiting for Meta’s decision/);
    expect(await submissionsOf(c.metaBusinessId)).toHaveLength(1);
    // No decision a day later: the workspace sends staff to Direct Support.
    expect((await verificationWorkspace(c.metaBusinessId))!.overdue).toBe(false);
    expect((await verificationWorkspace(c.metaBusinessId, new Date(Date.now() + 25 * 3600_000)))!.overdue).toBe(true);

    await decide(c, 'FAILED', ['LEGAL NAME NOT MATCHING'], 1767225600);
    expect((await submissionsOf(c.metaBusinessId))[0]).toMatchObject({ status: 'FAILED', rejectionReasons: ['LEGAL_NAME_NOT_MATCHING'] });
    const [item] = await openItems(c.metaBusinessId);
    expect(item!.data).toMatchObject({ href: `/verification/${c.metaBusinessId}` });
    expect(item!.message).toContain('2 of 3 attempts left');

    await submit(c.metaBusinessId, docs);
    await decide(c, 'FAILED', ['MALFORMED_DOCUMENTS'], 1767225700);
    await submit(c.metaBusinessId, docs);
    // The third is being decided: attempts are used up, but the customer is not told to verify alone yet.
    expect(await verificationWorkspace(c.metaBusinessId)).toMatchObject({ attempts: { used: 3 }, exhausted: false });
    await decide(c, 'FAILED', ['WEBSITE NOT MATCHING', 'ADDRESS NOT MATCHING'], 1767225800);

    const rows = await submissionsOf(c.metaBusinessId);
    expect(rows.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'FAILED'],
      [2, 'FAILED'],
      [3, 'FAILED'],
    ]);
    expect(attemptsUsed(rows)).toBe(3);
    const workspace = await verificationWorkspace(c.metaBusinessId);
    expect(workspace).toMatchObject({ attempts: { used: 3, left: 0 }, exhausted: true });
    expect((await openItems(c.metaBusinessId)).at(-1)!.message).toContain('All 3 attempts are used');

    await expect(submit(c.metaBusinessId, docs)).rejects.toThrow(selfVerificationFallback);
    expect(await submissionsOf(c.metaBusinessId)).toHaveLength(3);
    expect(sandboxSubmissions(c.metaBusinessId)).toHaveLength(3);
  });

  it('gives the attempt back when Meta refuses the request, and counts one Meta never answered until its list says otherwise', async () => {
    const c = await customer();
    const docs = await documents();
    await meta.fault({ method: 'POST', path: '/{id}/self_certify_whatsapp_business', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
    await expect(submit(c.metaBusinessId, docs)).rejects.toMatchObject({ name: 'GraphError', code: 100 });
    expect((await submissionsOf(c.metaBusinessId)).map((r) => r.status)).toEqual(['refused']);
    expect(attemptsUsed(await submissionsOf(c.metaBusinessId))).toBe(0);

    await meta.fault({ method: 'POST', path: '/{id}/self_certify_whatsapp_business', kind: 'timeout', latencyMs: 4_000, next: 1 });
    await expect(submit(c.metaBusinessId, docs)).rejects.toThrow(/counts as an attempt: use Check with Meta/);
    expect(attemptsUsed(await submissionsOf(c.metaBusinessId))).toBe(1);
    // The request never reached the sandbox's records: Meta's list gives the attempt back.
    await checkWithMeta(c.metaBusinessId);
    expect(attemptsUsed(await submissionsOf(c.metaBusinessId))).toBe(0);

    const next = await submit(c.metaBusinessId, docs);
    expect(next.attempt).toBe(1);
  });

  it('refuses every submission unless we are a Select or Premier Solution Partner, calling Meta for none', async () => {
    const c = await customer();
    const docs = await documents();
    for (const settings of [
      { 'partner.type': 'solution_partner', 'partner.solutionPartnerTier': 'none' },
      { 'partner.type': 'tech_provider', 'partner.solutionPartnerTier': 'premier' },
    ] as const) {
      await writeSettings(settings, new Auditor(null, 'settings.update'));
      await expect(submit(c.metaBusinessId, docs)).rejects.toThrow(/only for (Select and Premier )?Solution Partners/);
    }
    expect(await submissionsOf(c.metaBusinessId)).toHaveLength(0);
    expect(sandboxSubmissions(c.metaBusinessId)).toHaveLength(0);
  });

  it('an approval closes the customer’s verification items, and Check with Meta reads "verified" with their business token', async () => {
    const c = await customer();
    await deliver(
      c.metaWabaId,
      [
        {
          field: 'account_update',
          value: { event: 'PARTNER_CLIENT_CERTIFICATION_NEEDED', partner_client_certification_needed_info: { client_business_id: c.metaBusinessId } },
        },
      ],
      1767225600,
    );
    const needed = await db().select().from(attentionItems).where(eq(attentionItems.kind, 'business_verification_needed'));
    expect(needed.filter((i) => (i.data as { href?: string }).href === `/verification/${c.metaBusinessId}`)).toHaveLength(1);

    await submit(c.metaBusinessId, await documents());
    await decide(c, 'APPROVED', [], 1767225900);
    const stillOpen = (await db().select().from(attentionItems).where(eq(attentionItems.kind, 'business_verification_needed'))).filter(
      (i) => (i.data as { clientBusinessId?: string }).clientBusinessId === c.metaBusinessId && i.resolvedAt === null,
    );
    expect(stillOpen).toHaveLength(0);
    expect((await submissionsOf(c.metaBusinessId))[0]).toMatchObject({ status: 'APPROVED', rejectionReasons: [] });

    await checkWithMeta(c.metaBusinessId);
    const [known] = await db().select().from(businessVerifications).where(eq(businessVerifications.businessId, c.metaBusinessId));
    expect(known).toMatchObject({ metaStatus: 'verified', webhookStatus: 'APPROVED' });
    await expect(submit(c.metaBusinessId, await documents())).rejects.toThrow('This business is already verified');
    expect(await db().select().from(verificationSubmissions).where(eq(verificationSubmissions.businessId, c.metaBusinessId))).toHaveLength(1);
  });
});
