import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { attentionItems, businessTokens, graphCalls, operationRuns, operationSteps, phoneNumbers, wabaRequests, type StaffUser } from '@/lib/db/schema';
import { rerunRunStep } from '@/lib/operations/control';
import { operationsIdle, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { finishOnboardingOperation } from '@/lib/partner-wabas/finish-operation';
import { startFinishOnboarding, wabaOfRequest } from '@/lib/partner-wabas/finish';
import { newRequestSchema, recordWabaRequest } from '@/lib/partner-wabas/requests';
import { refreshSolutions } from '@/lib/solutions/store';
import { writeSettings, type PartnerType } from '@/lib/settings';
import { createStaffUser } from '@/lib/staff';
import { readSecret } from '@/lib/vault';
import { sandboxIds, startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { deliver } from '@/test/webhook-fixtures';

// Finish onboarding against the sandbox (Meta: Partner-initiated WABA creation; Multi-Partner
// Solutions): the request, PARTNER_ADDED, and the run with the token Meta allows.

let meta: MetaSandbox;
let restoreRunner: () => void;
let staff: StaffUser;
let counter = 0;

const acme = '2100000000000001';
const activeSolution = '7000000000000001';

beforeAll(async () => {
  meta = await startMetaSandbox();
  restoreRunner = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
  staff = await createStaffUser({ email: 'finisher@example.com', name: 'Fin Isher', password: 'finish pass 1', role: 'operator' });
});

afterEach(async () => {
  await operationsIdle();
  await setPartnerType('solution_partner');
});

afterAll(async () => {
  await stopOperationWork();
  restoreRunner();
  await meta.close();
});

async function setPartnerType(type: PartnerType) {
  await writeSettings({ 'partner.type': type }, new Auditor(null, 'settings.update'));
  await meta.configure({ partnerType: type });
}

function auditor(action = 'waba.finish_onboarding') {
  return new Auditor(staff.id, action);
}

async function record(customerBusinessId: string, sentOn: string) {
  return recordWabaRequest(newRequestSchema.parse({ customerBusinessId, customerName: 'Acme Ltd', sentOn }), auditor('waba_request.create'));
}

function today(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** The customer accepts a partner-initiated request in Business Suite; Meta's PARTNER_ADDED reaches us. */
async function acceptInBusinessSuite(businessId: string, phone?: { cc: string; number: string }) {
  const created = await meta.control('POST', '/waba-requests', { clientBusinessId: businessId });
  const requestId = (created.body as { id: string }).id;
  const decided = await meta.control('POST', `/waba-requests/${requestId}/decision`, { decision: 'accept', ...(phone && { phone }) });
  const wabaId = (decided.body as { wabaId: string }).wabaId;
  await deliver(wabaId, [{ field: 'account_update', value: { event: 'PARTNER_ADDED', waba_info: { waba_id: wabaId, owner_business_id: businessId } } }]);
  return wabaId;
}

function newNumber() {
  counter += 1;
  return { cc: '1', number: `55501${String(process.pid % 100).padStart(2, '0')}${String(counter).padStart(3, '0')}` };
}

async function finished(runId: string) {
  await operationsIdle();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [run] = await db().select().from(operationRuns).where(eq(operationRuns.id, runId));
    if (run && run.status !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function steps(runId: string) {
  const rows = await db().select().from(operationSteps).where(eq(operationSteps.runId, runId));
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

async function openItems(wabaId: string) {
  return db()
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.wabaId, wabaId), eq(attentionItems.kind, 'finish_onboarding'), isNull(attentionItems.resolvedAt)));
}

describe('partner-initiated WABA creation', () => {
  it('PARTNER_ADDED marks the request accepted; Finish onboarding with the system token subscribes, shares the credit line, registers the number and reads it back', async () => {
    const request = await record(acme, today());
    const phone = newNumber();
    const wabaId = await acceptInBusinessSuite(acme, phone);

    const [accepted] = await db().select().from(wabaRequests).where(eq(wabaRequests.id, request.id));
    expect(accepted).toMatchObject({ status: 'accepted', metaWabaId: wabaId });
    expect(await wabaOfRequest(request.id)).toBe(wabaId);
    expect(await openItems(wabaId)).toHaveLength(1);

    const { runId, plan } = await startFinishOnboarding(wabaId, staff, auditor());
    expect(plan.token).toEqual({ kind: 'system' });
    const run = await finished(runId);
    expect(run.status).toBe('done');
    expect(run.statusMessage).toBe('Finished: 1 of 1 number connected to Cloud API; the account can send messages: LIMITED.');
    const rows = await steps(runId);
    expect(Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, row.status]))).toEqual({
      assign_system_user: 'done',
      subscribe_app: 'done',
      share_credit_line: 'done',
      register_numbers: 'done',
      read_status: 'done',
    });
    expect(rows.assign_system_user!.result).toMatchObject({ alreadyAssigned: true });

    const waba = meta.sandbox.state.wabas[wabaId]!;
    expect(waba.subscriptions.map((s) => s.appId)).toEqual([meta.sandbox.options.appId]);
    expect(waba.primaryFundingId).toBeTruthy();
    const sandboxPhone = Object.values(meta.sandbox.state.phoneNumbers).find((p) => p.wabaId === wabaId)!;
    expect(sandboxPhone.status).toBe('CONNECTED');
    const [phoneRow] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, sandboxPhone.id));
    expect(phoneRow!.registeredAt).not.toBeNull();
    expect(sandboxPhone.pin).toBe(await readSecret(phoneRow!.pinSecretId!));
    expect(await openItems(wabaId)).toHaveLength(0);

    // Every call of the run is on its audit trail, tagged with its step.
    const calls = await db().select().from(graphCalls).where(eq(graphCalls.runId, runId)).orderBy(asc(graphCalls.id));
    expect(
      calls
        .filter((c) => c.method === 'POST')
        .map((c) => `${c.step} ${c.path}`)
        .sort(),
    ).toEqual([
      `register_numbers /${sandboxPhone.id}/register`,
      `share_credit_line /${sandboxIds.creditLineId}/whatsapp_credit_sharing_and_attach`,
      `subscribe_app /${wabaId}/subscribed_apps`,
    ]);

    // Re-running the register step reads Meta first and registers nothing twice.
    await rerunRunStep(finishOnboardingOperation, runId, 'register_numbers');
    await finished(runId);
    expect(sandboxPhone.registerCalls).toHaveLength(1);
    expect((await steps(runId)).register_numbers!.result).toMatchObject({ registered: [], alreadyRegistered: [sandboxPhone.id] });
  });

  it('a WABA without a number finishes saying to add one, and its attention item stays open', async () => {
    await record(acme, today());
    const wabaId = await acceptInBusinessSuite(acme);
    const { runId } = await startFinishOnboarding(wabaId, staff, auditor());
    const run = await finished(runId);
    expect(run.status).toBe('done');
    expect(run.statusMessage).toBe('Finished, but this WhatsApp Business Account has no phone number yet: add a number.');
    expect((await steps(runId)).register_numbers!.result).toEqual({ numbers: 0, addNumber: true });
    expect(await openItems(wabaId)).toHaveLength(1);
  });

  it('an expired request is not accepted by a later PARTNER_ADDED, and cannot be finished', async () => {
    const other = '2100000000000002';
    const expired = await record(other, today(-91));
    const wabaId = await acceptInBusinessSuite(other);
    const [row] = await db().select().from(wabaRequests).where(eq(wabaRequests.id, expired.id));
    expect(row).toMatchObject({ status: 'sent', metaWabaId: null });
    await expect(wabaOfRequest(expired.id)).rejects.toThrow(/This request expired on .*: Meta cancelled the invitation after 90 days/);
    // The account itself still reached us: its attention item is there to finish it.
    expect(await openItems(wabaId)).toHaveLength(1);
  });

  it('refuses to finish a request the customer has not accepted yet', async () => {
    const waiting = await record('2100000000000003', today());
    await expect(wabaOfRequest(waiting.id)).rejects.toThrow('The customer has not accepted this request yet');
  });
});

describe('a WABA shared through a solution our partner hosted', () => {
  it('uses the customer’s business token from GET /{solution-id}/access_token, stored in the vault; without MESSAGING it asks for granular tasks and leaves registration to the partner', async () => {
    await refreshSolutions();
    const signup = await meta.signup({ extras: { setup: { solutionID: activeSolution }, featureType: '', sessionInfoVersion: '3' } });
    await deliver(signup.wabaId, [
      {
        field: 'account_update',
        value: { event: 'PARTNER_ADDED', waba_info: { waba_id: signup.wabaId, owner_business_id: signup.businessId, solution_id: activeSolution } },
      },
    ]);
    const { runId, plan } = await startFinishOnboarding(signup.wabaId, staff, auditor());
    expect(plan).toMatchObject({ token: { kind: 'business', source: 'solution' }, weHoldMessaging: false });
    const run = await finished(runId);
    expect(run.status).toBe('done');
    const rows = await steps(runId);
    expect(rows.register_numbers).toMatchObject({ status: 'skipped', result: { reason: 'messaging_partner_registers' } });
    const waba = meta.sandbox.state.wabas[signup.wabaId]!;
    const assigned = waba.assignedUsers.find((u) => u.userId === sandboxIds.systemUserId)!;
    expect(assigned.tasks).toContain('MANAGE_BILLING');
    expect(assigned.tasks).not.toContain('MANAGE');
    expect(waba.primaryFundingId).toBeTruthy();

    const [stored] = await db()
      .select()
      .from(businessTokens)
      .where(eq(businessTokens.id, (plan.token as { tokenId: string }).tokenId));
    expect(stored!.status).toBe('valid');
    expect(await readSecret(stored!.secretId)).toMatch(/^EAA/);
    // The token is in the vault, never in the run's stored input.
    expect(JSON.stringify(run.input)).not.toMatch(/EAA/);
  });
});

describe('Tech Providers', () => {
  it('refuse to finish a WABA they hold no business token for, without any call to Meta', async () => {
    await setPartnerType('tech_provider');
    const signup = await meta.signup({});
    await deliver(signup.wabaId, [
      { field: 'account_update', value: { event: 'PARTNER_ADDED', waba_info: { waba_id: signup.wabaId, owner_business_id: signup.businessId } } },
    ]);
    const before = await db().$count(graphCalls);
    await expect(startFinishOnboarding(signup.wabaId, staff, auditor())).rejects.toThrow('As a Tech Provider, Onramp uses the customer’s business token only');
    expect(await db().$count(graphCalls)).toBe(before);
    expect(await db().select().from(operationRuns).where(eq(operationRuns.subjectId, signup.wabaId))).toHaveLength(0);
  });
});
