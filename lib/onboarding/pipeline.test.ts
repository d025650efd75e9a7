import { and, asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import {
  businessTokens,
  graphCalls,
  onboardingEvents,
  onboardingSessions,
  operationEvents,
  operationRuns,
  operationSteps,
  phoneNumbers,
  wabas,
  type SignupFlow,
} from '@/lib/db/schema';
import { shareAndAttachCreditLine } from '@/lib/meta/credit-lines';
import { overrideGraphSettings } from '@/lib/graph-settings';
import { businessToken, systemToken } from '@/lib/meta/graph';
import { registerPhoneNumber } from '@/lib/meta/phone-numbers';
import { subscribeApp } from '@/lib/meta/subscriptions';
import { assignSystemUser } from '@/lib/meta/system-users';
import { sandboxIds, startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { planSteps, rerunStep, resumeOnboarding, startPipeline, stepLabel } from '@/lib/onboarding/pipeline';
import { recoverRuns } from '@/lib/operations/control';
import { operationsIdle, scheduledRetries, startOperationWork, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { pinFor } from '@/lib/onboarding/steps/register-phone';
import type { PartnerType } from '@/lib/onboarding/steps/context';
import { deliver } from '@/test/webhook-fixtures';
import { createOnboarding, stepStatuses, stepsOf, waitForSession } from '@/test/onboarding-fixtures';
import { readSecret } from '@/lib/vault';

let meta: MetaSandbox;
let restoreSettings: () => void;

beforeAll(async () => {
  meta = await startMetaSandbox();
  restoreSettings = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
});

afterEach(async () => {
  await meta.clearFaults();
  await meta.configure({ partnerType: 'solution_partner' });
});

afterAll(async () => {
  await stopOperationWork();
  restoreSettings();
  await meta.close();
});

const state = () => meta.sandbox.state;

async function onboard(flow: SignupFlow, partnerType: PartnerType) {
  const onboarding = await createOnboarding(meta, flow, partnerType);
  await startPipeline(onboarding.sessionId);
  return onboarding;
}

async function callsOf(sessionId: string, step?: string) {
  const rows = await db().select().from(graphCalls).where(eq(graphCalls.sessionId, sessionId)).orderBy(asc(graphCalls.id));
  return step ? rows.filter((r) => r.step === step) : rows;
}

/** The onboarding's own events and its run's, in the order they happened. */
async function eventsOf(sessionId: string) {
  const [own, run] = await Promise.all([
    db().select().from(onboardingEvents).where(eq(onboardingEvents.sessionId, sessionId)).orderBy(asc(onboardingEvents.id)),
    db().select().from(operationEvents).where(eq(operationEvents.runId, sessionId)).orderBy(asc(operationEvents.id)),
  ]);
  return [...own, ...run].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

describe('planSteps', () => {
  it('plans each flow and partner type with the dependencies Meta needs', () => {
    const names = (flow: SignupFlow, type: PartnerType) => planSteps(flow, type).map((s) => s.name);
    expect(names('default', 'solution_partner')).toEqual(['subscribe_app', 'assign_system_user', 'share_credit_line', 'register_phone', 'read_status']);
    expect(names('default', 'tech_provider')).toEqual(['subscribe_app', 'register_phone', 'read_status']);
    expect(names('coexistence', 'solution_partner')).toEqual([
      'subscribe_app',
      'assign_system_user',
      'share_credit_line',
      'sync_contacts',
      'sync_history',
      'read_status',
    ]);
    expect(names('waba_only', 'tech_partner')).toEqual(['subscribe_app', 'read_status']);
    // Measurement Partners subscribe to each client's WABA to receive its webhooks, and write nothing else.
    expect(names('measurement', 'measurement_partner')).toEqual(['subscribe_app', 'read_status']);
    expect(names('default', 'measurement_partner')).toEqual(['subscribe_app', 'read_status']);
    const plan = planSteps('default', 'solution_partner');
    expect(plan.find((s) => s.name === 'share_credit_line')?.dependsOn).toEqual(['assign_system_user']);
    expect(plan.find((s) => s.name === 'register_phone')?.dependsOn).toEqual(['subscribe_app']);
    expect(plan.find((s) => s.name === 'read_status')?.dependsOn).toEqual(['subscribe_app', 'assign_system_user', 'share_credit_line', 'register_phone']);
    expect(plan.every((s) => s.label === stepLabel(s.name))).toBe(true);
  });
});

describe('pipeline end states', () => {
  it('Solution Partner, default flow: subscribes, adds the system user, shares the credit line, registers with a vaulted PIN, goes live', async () => {
    const o = await onboard('default', 'solution_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('live');
    expect(session.completedAt).not.toBeNull();
    // A new number's display name is reviewed by Meta: live, with a note the customer understands.
    expect(session.statusMessage).toContain('display name is under review');
    expect(await stepStatuses(o.sessionId)).toEqual({
      subscribe_app: 'done',
      assign_system_user: 'done',
      share_credit_line: 'done',
      register_phone: 'done',
      read_status: 'done',
    });

    const waba = state().wabas[o.metaWabaId]!;
    expect(waba.subscriptions.map((s) => s.appId)).toEqual([meta.sandbox.options.appId]);
    expect(waba.assignedUsers).toEqual([{ userId: sandboxIds.systemUserId, tasks: ['MANAGE'] }]);
    expect(waba.primaryFundingId).toBeTruthy();
    const phone = state().phoneNumbers[o.metaPhoneNumberId!]!;
    expect(phone.status).toBe('CONNECTED');
    expect(phone.registerCalls).toHaveLength(1);

    const [wabaRow] = await db().select().from(wabas).where(eq(wabas.metaWabaId, o.metaWabaId));
    expect(wabaRow!.allocationConfigId).toBe(waba.allocationConfigId);
    expect(wabaRow!.primaryFundingId).toBe(waba.primaryFundingId);
    expect(wabaRow!.subscribedAt).not.toBeNull();
    expect(wabaRow!.healthStatus).toMatchObject({ can_send_message: 'LIMITED' });
    const [phoneRow] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, o.metaPhoneNumberId!));
    expect(phoneRow!.status).toBe('CONNECTED');
    expect(phoneRow!.platformType).toBe('CLOUD_API');
    expect(phoneRow!.nameStatus).toBe('PENDING_REVIEW');
    expect(phoneRow!.registeredAt).not.toBeNull();
    // The PIN Meta holds is the one in the vault, six random digits.
    const pin = await readSecret(phoneRow!.pinSecretId!);
    expect(pin).toMatch(/^\d{6}$/);
    expect(phone.pin).toBe(pin);

    // Every Graph call of the pipeline is on the audit trail with its onboarding and step.
    const calls = await callsOf(o.sessionId);
    expect(calls.filter((c) => c.method === 'POST').map((c) => `${c.step} ${c.path}`)).toEqual(
      expect.arrayContaining([
        `subscribe_app /${o.metaWabaId}/subscribed_apps`,
        `assign_system_user /${o.metaWabaId}/assigned_users`,
        `share_credit_line /${sandboxIds.creditLineId}/whatsapp_credit_sharing_and_attach`,
        `register_phone /${o.metaPhoneNumberId}/register`,
      ]),
    );
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(4);

    const types = (await eventsOf(o.sessionId)).map((e) => `${e.type}${(e.data as { step?: string }).step ? ` ${(e.data as { step: string }).step}` : ''}`);
    expect(types.slice(0, 2)).toEqual(['verified', 'run.started']);
    expect(types).toContain('step.started register_phone');
    expect(types).toContain('step.done read_status');
    expect(types.slice(-2)).toEqual(['live', 'run.done']);
  });

  it('Tech Provider: no system user or credit line, ends asking for a payment method', async () => {
    await meta.configure({ partnerType: 'tech_provider' });
    const o = await onboard('default', 'tech_provider');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('action_needed');
    expect(session.statusMessage).toContain('Add a payment method in WhatsApp Manager');
    expect(await stepStatuses(o.sessionId)).toEqual({ subscribe_app: 'done', register_phone: 'done', read_status: 'done' });
    const waba = state().wabas[o.metaWabaId]!;
    expect(waba.assignedUsers).toEqual([]);
    expect(waba.primaryFundingId).toBeUndefined();
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.status).toBe('CONNECTED');
  });

  it('Tech Partner whose customer already has a payment method goes live', async () => {
    await meta.configure({ partnerType: 'tech_provider' });
    const signup = await createOnboarding(meta, 'default', 'tech_partner');
    // The customer's own payment method, as Meta reports it on the WABA.
    state().wabas[signup.metaWabaId]!.primaryFundingId = '9999999999999999';
    await startPipeline(signup.sessionId);
    const session = await waitForSession(signup.sessionId);
    expect(session.status).toBe('live');
    expect(session.statusMessage ?? '').not.toContain('payment method');
  });

  it('coexistence: never registers, runs both syncs once and keeps their request ids', async () => {
    const o = await onboard('coexistence', 'solution_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('live');
    const steps = await stepsOf(o.sessionId);
    expect(Object.keys(steps).sort()).toEqual(['assign_system_user', 'read_status', 'share_credit_line', 'subscribe_app', 'sync_contacts', 'sync_history']);
    const phone = state().phoneNumbers[o.metaPhoneNumberId!]!;
    expect(phone.registerCalls).toHaveLength(0);
    expect(steps.sync_contacts!.result).toEqual({ requestId: phone.coexistence!.syncs.smb_app_state_sync, alreadyRequested: false });
    expect(steps.sync_history!.result).toEqual({ requestId: phone.coexistence!.syncs.history, alreadyRequested: false });
    expect((await callsOf(o.sessionId)).some((c) => c.path.endsWith('/register'))).toBe(false);

    // A re-run asks Meta again, gets "already requested" (2593107) and stays done with the same id.
    await rerunStep(o.sessionId, 'sync_history');
    await waitForSession(o.sessionId, ['live']);
    await operationsIdle();
    expect((await stepsOf(o.sessionId)).sync_history!.result).toEqual({ requestId: phone.coexistence!.syncs.history, alreadyRequested: true });
  });

  it('WABA-only sharing: no number to register, connected (not live) once billing and webhooks are set up', async () => {
    const o = await onboard('waba_only', 'solution_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('connected');
    expect(await stepStatuses(o.sessionId)).toEqual({ subscribe_app: 'done', assign_system_user: 'done', share_credit_line: 'done', read_status: 'done' });
    expect(o.metaPhoneNumberId).toBeNull();
  });

  it('MPS without MESSAGING: granular tasks with MANAGE_BILLING, credit line shared, waiting on the messaging partner to register', async () => {
    const o = await onboard('mps', 'solution_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('waiting_on_partner');
    const waba = state().wabas[o.metaWabaId]!;
    expect(waba.assignedUsers[0]!.tasks).toContain('MANAGE_BILLING');
    expect(waba.assignedUsers[0]!.tasks).not.toContain('MANAGE');
    expect(waba.primaryFundingId).toBeTruthy();
    const steps = await stepsOf(o.sessionId);
    expect(steps.register_phone).toMatchObject({ status: 'skipped', result: { reason: 'messaging_partner_registers' } });
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(0);
  });

  it('Measurement Partner: read-only, subscribes to the WABA for its webhooks, otherwise only reads, connected', async () => {
    await meta.configure({ partnerType: 'measurement_partner' });
    const o = await onboard('measurement', 'measurement_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('connected');
    expect(await stepStatuses(o.sessionId)).toEqual({ subscribe_app: 'done', read_status: 'done' });
    const calls = await callsOf(o.sessionId, 'read_status');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
    const posts = (await callsOf(o.sessionId)).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual([`/${o.metaWabaId}/subscribed_apps`]);
    expect(state().wabas[o.metaWabaId]!.subscriptions.some((s) => s.appId === meta.sandbox.options.appId)).toBe(true);
  });

  it('startPipeline is idempotent, also when the completion already marked the session running', async () => {
    const o = await createOnboarding(meta, 'waba_only', 'tech_provider');
    await db().update(onboardingSessions).set({ status: 'running' }).where(eq(onboardingSessions.id, o.sessionId));
    await Promise.all([startPipeline(o.sessionId), startPipeline(o.sessionId)]);
    await waitForSession(o.sessionId);
    await startPipeline(o.sessionId);
    await operationsIdle();
    const types = (await eventsOf(o.sessionId)).map((e) => e.type);
    // One run, started once and finished once, with one ending for the customer.
    expect(types.filter((t) => t === 'run.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'run.done')).toHaveLength(1);
    expect(types.filter((t) => t === 'action_needed')).toHaveLength(1);
    expect(await db().select().from(operationRuns).where(eq(operationRuns.id, o.sessionId))).toHaveLength(1);
    expect((await callsOf(o.sessionId, 'subscribe_app')).filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});

describe('errors and retries', () => {
  it('retries 503s and rate limits with backoff and still finishes', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/subscribed_apps', error: { code: 80007, message: '(#80007) Rate limit hit' }, next: 2 });
    await meta.fault({ method: 'POST', path: '/{id}/register', kind: 'http5xx', httpStatus: 503, next: 2 });
    await meta.fault({ method: 'POST', path: '/{id}/whatsapp_credit_sharing_and_attach', error: { code: 4 }, next: 1 });
    const o = await onboard('default', 'solution_partner');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('live');
    const steps = await stepsOf(o.sessionId);
    expect(steps.subscribe_app).toMatchObject({ status: 'done', attempts: 3, lastErrorCode: '80007' });
    expect(steps.register_phone).toMatchObject({ status: 'done', attempts: 3 });
    expect(steps.share_credit_line).toMatchObject({ status: 'done', attempts: 2, lastErrorCode: '4' });
    const retrying = (await eventsOf(o.sessionId)).filter((e) => e.type === 'step.retrying');
    expect(retrying.map((e) => (e.data as { step: string }).step).sort()).toEqual([
      'register_phone',
      'register_phone',
      'share_credit_line',
      'subscribe_app',
      'subscribe_app',
    ]);
    expect(retrying[0]!.data).toMatchObject({ attempt: 1, code: expect.stringMatching(/^(80007|4|2)$/), fbtraceId: expect.any(String) });
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(1);
    expect(Object.values(state().allocations).filter((a) => a.receivingBusinessId === o.metaBusinessId && a.status === 'ACTIVE')).toHaveLength(1);
  });

  it('gives up after the last attempt with a plain message', async () => {
    const restore = overrideRunnerSettings({ maxAttempts: 3 });
    try {
      await meta.fault({ method: 'GET', path: '/{id}/subscribed_apps', kind: 'http5xx', httpStatus: 503, next: 3 });
      const o = await onboard('waba_only', 'tech_provider');
      const session = await waitForSession(o.sessionId);
      expect(session.status).toBe('failed');
      expect(session.statusMessage).toContain('Meta was unavailable for too long');
      expect((await stepsOf(o.sessionId)).subscribe_app).toMatchObject({ status: 'failed', attempts: 3 });
    } finally {
      restore();
    }
  });

  it('133016 stops registration with the waiting time, never calls register again, and Resume finishes later', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133016 }, next: 1 });
    const o = await onboard('default', 'tech_provider');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('failed');
    expect(session.statusMessage).toMatch(/^This number was registered too many times in 72 hours\. Wait until \d{4}-\d\d-\d\d \d\d:\d\d UTC, then Resume\.$/);
    const step = (await stepsOf(o.sessionId)).register_phone!;
    expect(step).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: '133016', lastFbtraceId: expect.stringMatching(/^\w+$/) });
    // Nothing runs or waits to run again: no retry is scheduled for it.
    await operationsIdle();
    expect(scheduledRetries().filter((r) => r.runId === o.sessionId)).toEqual([]);
    const registers = (await callsOf(o.sessionId, 'register_phone')).filter((c) => c.method === 'POST');
    expect(registers).toHaveLength(1);
    expect(registers[0]!.errorCode).toBe('133016');
    expect((await stepsOf(o.sessionId)).read_status!.status).toBe('pending');

    await resumeOnboarding(o.sessionId);
    expect((await waitForSession(o.sessionId)).status).toBe('action_needed');
    expect((await stepsOf(o.sessionId)).register_phone).toMatchObject({ status: 'done', attempts: 2 });
    const events = (await eventsOf(o.sessionId)).map((e) => e.type);
    expect(events).toContain('run.resumed');
    expect(events.filter((t) => t === 'failed')).toHaveLength(1);
  });

  it('a PIN mismatch (133005) fails with what to do', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133005 }, next: 1 });
    const o = await onboard('default', 'tech_provider');
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('failed');
    expect(session.statusMessage).toContain('Two-step verification is already on for this number');
  });

  it('190 marks the token as needing reauthorization and Resume refuses until the customer signs up again', async () => {
    const o = await createOnboarding(meta, 'default', 'tech_provider');
    await meta.control('POST', '/tokens/revoke', { token: o.tokenValue });
    await startPipeline(o.sessionId);
    const session = await waitForSession(o.sessionId);
    expect(session).toMatchObject({ status: 'failed', statusMessage: expect.stringContaining('Run the signup again') });
    const [token] = await db().select().from(businessTokens).where(eq(businessTokens.id, session.tokenId!));
    expect(token!.status).toBe('needs_reauth');
    expect((await stepsOf(o.sessionId)).subscribe_app).toMatchObject({ status: 'failed', lastErrorCode: '190' });
    await expect(resumeOnboarding(o.sessionId)).rejects.toThrow(/needs reauthorization/);
    await expect(rerunStep(o.sessionId, 'subscribe_app')).rejects.toThrow(/needs reauthorization/);
  });
});

describe('lost responses', () => {
  it('a credit-line share whose response was lost is verified, not shared again', async () => {
    const restoreGraph = overrideGraphSettings({ timeoutMs: 300 });
    const restore = overrideRunnerSettings({ baseDelayMs: 1200, maxDelayMs: 2400 });
    try {
      await meta.fault({ method: 'POST', path: '/{id}/whatsapp_credit_sharing_and_attach', kind: 'latency', latencyMs: 500, next: 1 });
      const o = await onboard('waba_only', 'solution_partner');
      const session = await waitForSession(o.sessionId);
      expect(session.status).toBe('connected');
      const step = (await stepsOf(o.sessionId)).share_credit_line!;
      expect(step).toMatchObject({ status: 'done', attempts: 2, lastErrorCode: 'timeout' });
      const waba = state().wabas[o.metaWabaId]!;
      expect(step.result).toMatchObject({ alreadyShared: true, ours: true, allocationConfigId: waba.allocationConfigId });
      const shares = (await callsOf(o.sessionId, 'share_credit_line')).filter((c) => c.method === 'POST');
      expect(shares).toHaveLength(1);
      const [wabaRow] = await db().select().from(wabas).where(eq(wabas.metaWabaId, o.metaWabaId));
      expect(wabaRow!.allocationConfigId).toBe(waba.allocationConfigId);
    } finally {
      restore();
      restoreGraph();
    }
  });

  it('a registration whose response was lost is seen as done, not registered again', async () => {
    const restoreGraph = overrideGraphSettings({ timeoutMs: 300 });
    const restore = overrideRunnerSettings({ baseDelayMs: 1200, maxDelayMs: 2400 });
    try {
      await meta.fault({ method: 'POST', path: '/{id}/register', kind: 'latency', latencyMs: 500, next: 1 });
      const o = await onboard('default', 'tech_provider');
      await waitForSession(o.sessionId);
      expect((await stepsOf(o.sessionId)).register_phone).toMatchObject({ status: 'done', attempts: 2, result: { alreadyRegistered: true } });
      expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(1);
    } finally {
      restore();
      restoreGraph();
    }
  });
});

describe('recovery after a restart', () => {
  it('a stop mid-pipeline leaves the rest to the sweep, which finishes it', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/register', kind: 'latency', latencyMs: 400, next: 1 });
    const o = await onboard('default', 'tech_provider');
    const deadline = Date.now() + 5000;
    while ((await stepStatuses(o.sessionId)).register_phone !== 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await stopOperationWork();
    // The register call that was in flight finished; nothing after it started.
    expect(await stepStatuses(o.sessionId)).toEqual({ subscribe_app: 'done', register_phone: 'done', read_status: 'pending' });
    const [stopped] = await db().select().from(onboardingSessions).where(eq(onboardingSessions.id, o.sessionId));
    expect(stopped!.status).toBe('running');

    startOperationWork();
    expect(await recoverRuns()).toBeGreaterThanOrEqual(1);
    expect((await waitForSession(o.sessionId)).status).toBe('action_needed');
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(1);
  });

  it('steps a dead process left running after Meta acted are taken over and act once', async () => {
    await stopOperationWork();
    const o = await createOnboarding(meta, 'default', 'solution_partner');
    await startPipeline(o.sessionId);
    // What the dead process did: every write at Meta, but only some records.
    const token = businessToken(o.tokenValue);
    const audit = (step: string) => ({ sessionId: o.sessionId, step });
    await subscribeApp(o.metaWabaId, token, audit('subscribe_app'));
    await assignSystemUser(
      o.metaWabaId,
      { userId: sandboxIds.systemUserId, tasks: ['MANAGE'], businessId: sandboxIds.partnerBusinessId },
      systemToken(),
      audit('assign_system_user'),
    );
    await shareAndAttachCreditLine(sandboxIds.creditLineId, { wabaId: o.metaWabaId, currency: 'USD' }, systemToken(), audit('share_credit_line'));
    const [phoneRow] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, o.metaPhoneNumberId!));
    await registerPhoneNumber(o.metaPhoneNumberId!, { pin: await pinFor(phoneRow!.id) }, token, audit('register_phone'));
    const set = (name: string, status: 'done' | 'running') =>
      db()
        .update(operationSteps)
        .set({ status, attempts: 1, updatedAt: new Date(Date.now() - 120_000), ...(status === 'done' ? { result: {} } : {}) })
        .where(and(eq(operationSteps.runId, o.sessionId), eq(operationSteps.name, name)));
    await set('subscribe_app', 'done');
    await set('assign_system_user', 'done');
    await set('share_credit_line', 'running');
    await set('register_phone', 'running');

    startOperationWork();
    await recoverRuns();
    const session = await waitForSession(o.sessionId);
    expect(session.status).toBe('live');
    const steps = await stepsOf(o.sessionId);
    const waba = state().wabas[o.metaWabaId]!;
    expect(steps.share_credit_line).toMatchObject({
      status: 'done',
      attempts: 2,
      result: { alreadyShared: true, ours: true, allocationConfigId: waba.allocationConfigId },
    });
    expect(steps.register_phone).toMatchObject({ status: 'done', attempts: 2, result: { alreadyRegistered: true } });
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(1);
    const posts = (await callsOf(o.sessionId)).filter((c) => c.method === 'POST').map((c) => c.step);
    expect(posts.sort()).toEqual(['assign_system_user', 'register_phone', 'share_credit_line', 'subscribe_app']);
    const [wabaRow] = await db().select().from(wabas).where(eq(wabas.metaWabaId, o.metaWabaId));
    expect(wabaRow!.allocationConfigId).toBe(waba.allocationConfigId);
  });
});

describe('staff actions', () => {
  it('re-runs a finished step without acting twice and comes back to the same end state', async () => {
    const o = await onboard('default', 'solution_partner');
    await waitForSession(o.sessionId, ['live']);
    await rerunStep(o.sessionId, 'register_phone');
    await rerunStep(o.sessionId, 'share_credit_line');
    const session = await waitForSession(o.sessionId, ['live']);
    await operationsIdle();
    expect(session.status).toBe('live');
    expect(state().phoneNumbers[o.metaPhoneNumberId!]!.registerCalls).toHaveLength(1);
    expect((await callsOf(o.sessionId)).filter((c) => c.method === 'POST' && c.step === 'share_credit_line')).toHaveLength(1);
    expect((await stepsOf(o.sessionId)).register_phone).toMatchObject({ status: 'done', attempts: 2, result: { alreadyRegistered: true } });
  });

  it('refuses unknown sessions, unknown steps and wrong states with clear errors', async () => {
    await expect(resumeOnboarding('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/not found/);
    const o = await onboard('waba_only', 'tech_provider');
    await waitForSession(o.sessionId);
    await expect(rerunStep(o.sessionId, 'launch_rockets')).rejects.toThrow(/Unknown step/);
    await expect(rerunStep(o.sessionId, 'register_phone')).rejects.toThrow(/not part of this onboarding/);
    await expect(resumeOnboarding(o.sessionId)).rejects.toThrow(/Only a failed or stuck onboarding can be resumed/);
    const fresh = await createOnboarding(meta, 'default', 'tech_provider');
    await expect(rerunStep(fresh.sessionId, 'subscribe_app')).rejects.toThrow(/no pipeline yet/);
  });
});

describe("Meta's later decisions", () => {
  it('a display name approved after the pipeline drops the note; a rejection asks the customer to act', async () => {
    const o = await onboard('default', 'solution_partner');
    const done = await waitForSession(o.sessionId);
    expect(done.status).toBe('live');
    expect(done.statusMessage).toContain('display name is under review');
    const [phone] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, o.metaPhoneNumberId!));
    const decision = (value: string, time: number) =>
      deliver(
        o.metaWabaId,
        [{ field: 'phone_number_name_update', value: { display_phone_number: phone!.displayPhoneNumber!, decision: value, requested_verified_name: 'Acme' } }],
        time,
      );

    const now = Math.floor(Date.now() / 1000);
    await decision('APPROVED', now);
    const approved = await waitForSession(o.sessionId, ['live']);
    expect(approved.statusMessage ?? '').not.toContain('display name');

    await decision('REJECTED', now + 60);
    const rejected = await waitForSession(o.sessionId, ['action_needed']);
    expect(rejected.statusMessage).toContain('did not approve your display name');
    const types = (await eventsOf(o.sessionId)).map((e) => e.type);
    expect(types.filter((t) => t === 'outcome.updated')).toHaveLength(2);
  });
});
