import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { graphCalls, type SignupFlow } from '@/lib/db/schema';
import { overrideGraphSettings } from '@/lib/graph-settings';
import { whatsAppManagerUrl } from '@/lib/onboarding/outcome';
import { rerunStep, startPipeline } from '@/lib/onboarding/pipeline';
import { stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { customerStatus } from '@/lib/onboarding/status';
import type { PartnerType } from '@/lib/onboarding/steps/context';
import { writeSettings } from '@/lib/settings';
import { createOnboarding, stepsOf, waitForSession } from '@/test/onboarding-fixtures';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';

// Every ending of an onboarding through the sandbox, as the customer's status page tells it.

let meta: MetaSandbox;
let restoreSettings: () => void;
const solutionId = '7000000000000001';

beforeAll(async () => {
  meta = await startMetaSandbox();
  restoreSettings = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 3, runInProcess: true });
});

afterEach(async () => {
  await meta.clearFaults();
  await meta.configure({ partnerType: 'solution_partner' });
  await writeSettings({ 'partner.name': '', 'partner.supportContact': '' }, new Auditor(null, 'settings.update'));
});

afterAll(async () => {
  await stopOperationWork();
  restoreSettings();
  await meta.close();
});

async function onboard(flow: SignupFlow, partnerType: PartnerType) {
  const onboarding = await createOnboarding(meta, flow, partnerType);
  await startPipeline(onboarding.sessionId);
  const session = await waitForSession(onboarding.sessionId);
  return { ...onboarding, session, page: await customerStatus(session) };
}

async function callsOf(sessionId: string) {
  return db().select().from(graphCalls).where(eq(graphCalls.sessionId, sessionId)).orderBy(asc(graphCalls.id));
}

describe('endings the customer reads', () => {
  it('default flow as a Solution Partner: live, “You’re live”, because the number is registered and the credit line shows', async () => {
    const { session, page } = await onboard('default', 'solution_partner');
    expect(session.status).toBe('live');
    expect(page.headline).toBe('You’re live');
    expect(page.settled).toBe(true);
  });

  it('WABA-only sharing without a number is connected, not live, and says to add a phone number', async () => {
    const { session, page } = await onboard('waba_only', 'solution_partner');
    expect(session.status).toBe('connected');
    expect(page.headline).toBe('Your account is connected');
    expect(page.message).toContain('Add a phone number');
    expect(page.message).not.toMatch(/live|ready to send/i);
  });

  it('a Measurement Partner signup is a read-only grant to the partner by name, subscribed for webhooks, never live', async () => {
    await writeSettings({ 'partner.name': 'Acme Analytics' }, new Auditor(null, 'settings.update'));
    await meta.configure({ partnerType: 'measurement_partner' });
    const { session, page, metaWabaId } = await onboard('measurement', 'measurement_partner');
    expect(session.status).toBe('connected');
    expect(page.headline).toBe('Read-only access granted to Acme Analytics');
    expect(page.message).toContain('We cannot send messages for you');
    expect(meta.sandbox.state.wabas[metaWabaId]!.subscriptions.map((s) => s.appId)).toContain(meta.sandbox.options.appId);
  });

  it('a Multi-Partner signup whose number the messaging partner registers waits on that partner and is not live', async () => {
    const { session, page, sessionId, metaWabaId } = await onboard('mps', 'solution_partner');
    expect(session.status).toBe('waiting_on_partner');
    expect(page.headline).toBe('Almost there: nothing for you to do');
    expect(page.message).toMatch(/^The other partner in “Brew Tech x Onramp” will finish registering your number .+; it can send messages once they have\.$/);
    expect(page.steps.find((s) => s.name === 'register_phone')).toMatchObject({ status: 'skipped', statusText: 'Left to your partner' });
    // Who holds MESSAGING was read with the business token and the app token, not the system token.
    const calls = await callsOf(sessionId);
    expect(calls.some((c) => c.path === `/${solutionId}`)).toBe(false);
    expect(calls.filter((c) => c.step === 'register_phone').map((c) => c.path)).toEqual(expect.arrayContaining([`/${metaWabaId}/solutions`, '/debug_token']));
  });

  it('once the messaging partner has registered the number, re-running the status check makes it live', async () => {
    const { session, sessionId, metaPhoneNumberId } = await onboard('mps', 'solution_partner');
    expect(session.status).toBe('waiting_on_partner');
    Object.assign(meta.sandbox.state.phoneNumbers[metaPhoneNumberId!]!, { status: 'CONNECTED', platformType: 'CLOUD_API' });
    await rerunStep(sessionId, 'read_status');
    const after = await waitForSession(sessionId, ['live']);
    expect((await customerStatus(after)).headline).toBe('You’re live');
  });

  it('a Multi-Partner signup where we hold MESSAGING registers the number and goes live', async () => {
    const solution = meta.sandbox.state.solutions[solutionId]!;
    const before = { owner: solution.ownerMessaging, partner: solution.partnerMessaging };
    solution.ownerMessaging = false;
    solution.partnerMessaging = true;
    try {
      const { session, sessionId } = await onboard('mps', 'solution_partner');
      expect(session.status).toBe('live');
      expect((await stepsOf(sessionId)).register_phone).toMatchObject({ status: 'done' });
    } finally {
      solution.ownerMessaging = before.owner;
      solution.partnerMessaging = before.partner;
    }
  });

  it('a Tech Provider without a system token onboards a Multi-Partner customer and never asks them for a payment method', async () => {
    await meta.configure({ partnerType: 'tech_provider' });
    const restore = overrideGraphSettings({ systemToken: undefined });
    try {
      const { session, page, sessionId } = await onboard('mps', 'tech_provider');
      expect(session.status).toBe('waiting_on_partner');
      expect(page.message).toContain('will share its credit line with your account, so you do not need a payment method');
      expect(page.message).toContain('will finish registering your number');
      expect(page.message).not.toContain('Add a payment method');
      expect((await stepsOf(sessionId)).register_phone).toMatchObject({ status: 'skipped' });
    } finally {
      restore();
    }
  });

  it("a Tech Provider's own customer is asked for a payment method once, with the WhatsApp Manager link, and not told they can send", async () => {
    await meta.configure({ partnerType: 'tech_provider' });
    const { session, page } = await onboard('default', 'tech_provider');
    expect(session.status).toBe('action_needed');
    expect(page.headline).toBe('Almost there: something to do on your side');
    expect(page.message).toBe(`Add a payment method in WhatsApp Manager (${whatsAppManagerUrl}) so that messages can be sent.`);
  });
});

describe('a stopped setup, as the customer reads it', () => {
  it('133016: no “Resume”; says when it can go on, that our team resumes it, and how to reach us', async () => {
    await writeSettings({ 'partner.supportContact': 'help@acme.example' }, new Auditor(null, 'settings.update'));
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133016 }, next: 1 });
    const { session, page } = await onboard('default', 'solution_partner');
    expect(session.status).toBe('failed');
    expect(session.statusMessage).toContain('then Resume');
    expect(page.message).toMatch(/^Meta allows a number to be registered only 10 times in 72 hours, .+ after \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect(page.next).toBe('Our team will resume your setup after that. You do not need to do anything or sign up again.');
    expect(`${page.message} ${page.next}`).not.toMatch(/\bResume\b/);
    expect(page.contact).toBe('help@acme.example');
    expect(page.restartPath).toBeNull();
  });

  it('133005: the customer turns off two-step verification, then tells us, and we resume', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133005 }, next: 1 });
    const { page } = await onboard('default', 'solution_partner');
    expect(page.status).toBe('failed');
    expect(page.next).toContain('then tell us, and our team will resume your setup');
    expect(`${page.message} ${page.next}`).not.toMatch(/\bResume\b/);
    expect(page.contact).toBeNull();
  });

  it('Meta unavailable for too long: told our team resumes it, never to press Resume', async () => {
    await meta.fault({ method: 'POST', path: '/{id}/subscribed_apps', kind: 'http5xx', httpStatus: 503, next: 5 });
    const { page } = await onboard('default', 'solution_partner');
    expect(page.status).toBe('failed');
    expect(page.message).toContain('Meta was unavailable for too long');
    expect(page.next).toBe('Our team sees stopped setups on its dashboard and will resume yours from where it stopped. You do not need to sign up again.');
  });
});
