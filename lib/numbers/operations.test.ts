import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, asc, eq, gte } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { graphCalls, phoneNumbers, testMessages, vaultSecrets, type StaffUser } from '@/lib/db/schema';
import type { GraphError } from '@/lib/meta/graph';
import { registrationBudget } from '@/lib/numbers/budget';
import {
  changePin,
  clearWebhookOverride,
  setWebhookOverride,
  deregisterNumber,
  enterCode,
  outcomeOf,
  registerNumber,
  sendNewCode,
  sendTestMessage,
  settle,
  startAddNumber,
} from '@/lib/numbers/commands';
import { testMessagesOf } from '@/lib/numbers/queries';
import { operationsIdle, stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { runProgress } from '@/lib/operations/progress';
import { createStaffUser } from '@/lib/staff';
import { UserError } from '@/lib/user-error';
import { readSecret } from '@/lib/vault';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createOnboarding, type Onboarding } from '@/test/onboarding-fixtures';
import { deliver } from '@/test/webhook-fixtures';

// The phone-number operations against the sandbox, end to end: adding a number (create, code,
// verify, register), Meta's refusals, the PIN in the vault, the register budget and test messages.

let meta: MetaSandbox;
let restoreSettings: () => void;
let operator: StaffUser;
let customer: Onboarding;

beforeAll(async () => {
  meta = await startMetaSandbox();
  restoreSettings = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
  operator = await createStaffUser({ email: 'numbers-operator@example.com', name: 'Nora Operator', password: 'number pass 1', role: 'operator' });
  customer = await createOnboarding(meta, 'default', 'solution_partner');
});

afterEach(async () => {
  await meta.clearFaults();
});

afterAll(async () => {
  await stopOperationWork();
  restoreSettings();
  await meta.close();
});

const state = () => meta.sandbox.state;
let numberCounter = 0;

/** A fresh national number for the sandbox's US numbers. */
function freshNumber(): string {
  numberCounter += 1;
  return `555${String(process.pid % 1000).padStart(3, '0')}${String(numberCounter).padStart(4, '0')}`;
}

async function phoneRow(metaPhoneNumberId: string) {
  const [row] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, metaPhoneNumberId));
  return row!;
}

function lastCode(metaPhoneNumberId: string): string {
  const sms = state()
    .sms.filter((s) => s.phoneNumberId === metaPhoneNumberId)
    .at(-1);
  return sms!.text.replace(/\D/g, '');
}

async function addNumber(extra: { dataLocalizationRegion?: string; codeMethod?: 'SMS' | 'VOICE' } = {}) {
  const national = freshNumber();
  const { runId } = await startAddNumber(
    {
      wabaId: customer.metaWabaId,
      cc: '1',
      phoneNumber: national,
      verifiedName: 'Acme Second Line',
      codeMethod: extra.codeMethod ?? 'SMS',
      language: 'en_US',
      dataLocalizationRegion: extra.dataLocalizationRegion,
    },
    operator,
  );
  const progress = await settle(runId);
  const phoneNumberId = (progress.steps.find((s) => s.name === 'create_number')!.result as { phoneNumberId: string }).phoneNumberId;
  return { runId, progress, phoneNumberId, national };
}

/** Polls until `check` holds, with a deadline. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a Graph call was recorded since `since` (optionally with Meta's error code). */
async function callMade(since: Date, method: string, path: string, step: string, errorCode?: string): Promise<boolean> {
  const rows = await db()
    .select()
    .from(graphCalls)
    .where(and(eq(graphCalls.method, method), eq(graphCalls.path, path), eq(graphCalls.step, step), gte(graphCalls.createdAt, since)));
  return rows.some((r) => (errorCode === undefined ? true : r.errorCode === errorCode));
}

async function failureOf(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const ref = (phoneNumberId: string) => ({ wabaId: customer.metaWabaId, phoneNumberId });

describe('adding a number', () => {
  it('creates the number, sends the code, then verifies the entered code and registers it with a random vaulted PIN and local storage', async () => {
    const { progress, phoneNumberId, national } = await addNumber({ dataLocalizationRegion: 'DE' });
    expect(progress.status).toBe('done');
    expect(progress.statusMessage).toContain('Meta sent the verification code by SMS');
    expect(progress.steps.map((s) => [s.name, s.status])).toEqual([
      ['create_number', 'done'],
      ['request_code', 'done'],
      ['read_number', 'done'],
    ]);
    const sandboxPhone = state().phoneNumbers[phoneNumberId]!;
    expect(sandboxPhone).toMatchObject({ number: national, verifiedName: 'Acme Second Line', codeVerificationStatus: 'NOT_VERIFIED' });
    expect((await phoneRow(phoneNumberId)).lastRead).toMatchObject({ id: phoneNumberId, code_verification_status: 'NOT_VERIFIED' });

    const code = lastCode(phoneNumberId);
    const { runId } = await enterCode({ ...ref(phoneNumberId), code, dataLocalizationRegion: 'DE' }, operator);
    const verified = await settle(runId);
    expect(outcomeOf(verified)).toBe('Code accepted. Registered for the Cloud API, with local storage in Germany.');
    expect(sandboxPhone).toMatchObject({ codeVerificationStatus: 'VERIFIED', status: 'CONNECTED', platformType: 'CLOUD_API', dataLocalizationRegion: 'DE' });

    const row = await phoneRow(phoneNumberId);
    expect(row.dataLocalizationRegion).toBe('DE');
    expect(row.registeredAt).not.toBeNull();
    const pin = await readSecret(row.pinSecretId!);
    expect(pin).toMatch(/^\d{6}$/);
    expect(sandboxPhone.pin).toBe(pin);
    // The code lived in the vault only until Meta answered, and no call path carries it.
    expect(row.pendingCodeSecretId).toBeNull();
    expect(await db().select().from(vaultSecrets).where(eq(vaultSecrets.kind, 'verification_code'))).toHaveLength(0);
    const calls = await db().select().from(graphCalls).where(eq(graphCalls.runId, runId)).orderBy(asc(graphCalls.id));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain(`POST /${phoneNumberId}/verify_code`);
    expect(JSON.stringify(calls)).not.toContain(code);
  });

  it('a wrong code (136025) is refused with a request for a new code and forgotten; the new code then verifies', async () => {
    const { phoneNumberId } = await addNumber();
    const right = lastCode(phoneNumberId);
    const wrong = right === '000000' ? '111111' : '000000';
    const { runId } = await enterCode({ ...ref(phoneNumberId), code: wrong }, operator);
    const failed = await settle(runId);
    expect(failed.status).toBe('failed');
    const error = (() => {
      try {
        outcomeOf(failed);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/Meta did not accept the code.*Send a new code/);
    expect(error?.message).toMatch(/Meta's code 136025, fbtrace_id \S+/);
    expect((await phoneRow(phoneNumberId)).pendingCodeSecretId).toBeNull();
    expect(state().phoneNumbers[phoneNumberId]!.status).not.toBe('CONNECTED');

    expect(await sendNewCode({ ...ref(phoneNumberId), codeMethod: 'VOICE', language: 'en_GB' }, operator)).toContain('by voice call');
    expect(
      state()
        .sms.filter((s) => s.phoneNumberId === phoneNumberId)
        .at(-1),
    ).toMatchObject({ method: 'VOICE' });
    const again = await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator);
    expect((await settle(again.runId)).status).toBe('done');
    expect(state().phoneNumbers[phoneNumberId]!.status).toBe('CONNECTED');
  });

  it('request_code answered 136024 (verified meanwhile) goes on to verify and register without a code', async () => {
    const { phoneNumberId } = await addNumber();
    await meta.fault({ method: 'POST', path: '/{id}/request_code', kind: 'latency', latencyMs: 600, next: 1 });
    const since = new Date();
    const sending = sendNewCode({ ...ref(phoneNumberId), codeMethod: 'SMS', language: 'en_US' }, operator);
    // The number gets verified elsewhere between our read and our request: Meta answers 136024.
    await until(() => callMade(since, 'GET', `/${phoneNumberId}`, 'request_code'));
    state().phoneNumbers[phoneNumberId]!.codeVerificationStatus = 'VERIFIED';
    expect(await sending).toContain('verified already');
    expect(await callMade(since, 'POST', `/${phoneNumberId}/request_code`, 'request_code', '136024')).toBe(true);
    await until(async () => state().phoneNumbers[phoneNumberId]!.status === 'CONNECTED');
    await operationsIdle();
    expect((await phoneRow(phoneNumberId)).pinSecretId).not.toBeNull();
  });

  it('verify_code answered 136024 (verified meanwhile) goes on to registration', async () => {
    const { phoneNumberId } = await addNumber();
    await meta.fault({ method: 'POST', path: '/{id}/verify_code', kind: 'latency', latencyMs: 600, next: 1 });
    const since = new Date();
    const { runId } = await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator);
    await until(() => callMade(since, 'GET', `/${phoneNumberId}`, 'verify_code'));
    state().phoneNumbers[phoneNumberId]!.codeVerificationStatus = 'VERIFIED';
    const done = await settle(runId);
    expect(done.status).toBe('done');
    expect(done.statusMessage).toBe('The number was verified already. Registered for the Cloud API: the number can send and receive messages.');
    expect(await callMade(since, 'POST', `/${phoneNumberId}/verify_code`, 'verify_code', '136024')).toBe(true);
    expect(state().phoneNumbers[phoneNumberId]!.status).toBe('CONNECTED');
    expect((await phoneRow(phoneNumberId)).pendingCodeSecretId).toBeNull();
  });
});

describe('managing a registered number', () => {
  it('changing the PIN keeps the old PIN in the vault when Meta refuses, and replaces it once Meta accepts', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    const before = await phoneRow(phoneNumberId);
    const oldPin = await readSecret(before.pinSecretId!);

    await meta.fault({ method: 'POST', path: '/{id}', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
    const refused = await failureOf(changePin(ref(phoneNumberId), operator));
    expect(refused.message).toMatch(/Set a new two-step verification PIN failed: .*\(Meta's code 100, fbtrace_id \S+\)/);
    const kept = await phoneRow(phoneNumberId);
    expect(kept.pinSecretId).toBe(before.pinSecretId);
    expect(kept.pendingPinSecretId).toBeNull();
    expect(await readSecret(kept.pinSecretId!)).toBe(oldPin);
    expect(state().phoneNumbers[phoneNumberId]!.pin).toBe(oldPin);
    // The refused PIN was deleted, not left behind in the vault.
    expect(await db().select().from(vaultSecrets).where(eq(vaultSecrets.kind, 'phone_pin'))).toHaveLength(
      (await db().select({ id: phoneNumbers.pinSecretId }).from(phoneNumbers)).filter((r) => r.id).length,
    );

    expect(await changePin(ref(phoneNumberId), operator)).toContain('Meta accepted the new two-step verification PIN');
    const changed = await phoneRow(phoneNumberId);
    const newPin = await readSecret(changed.pinSecretId!);
    expect(newPin).not.toBe(oldPin);
    expect(state().phoneNumbers[phoneNumberId]!.pin).toBe(newPin);
    expect(await db().select().from(vaultSecrets).where(eq(vaultSecrets.id, before.pinSecretId!))).toHaveLength(0);

    // Re-registering sends the PIN Meta now holds: no 133005.
    expect(await registerNumber(ref(phoneNumberId), operator)).toContain('Registered for the Cloud API');
  });

  it('133005 on register is explained in plain words with the code and fbtrace_id', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133005, message: 'Two step verification PIN Mismatch' }, next: 1 });
    const error = await failureOf(registerNumber(ref(phoneNumberId), operator));
    expect(error.message).toContain('Two-step verification is on for this number with a PIN we do not hold');
    expect(error.message).toMatch(/Meta's code 133005, fbtrace_id \S+/);
  });

  it('133016 from Meta fails re-register once, never retried, and says when the budget frees from our own calls', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    await meta.fault({ method: 'POST', path: '/{id}/register', error: { code: 133016, message: 'Account register deregister rate limit exceeded' }, next: 5 });
    const error = await failureOf(registerNumber(ref(phoneNumberId), operator));
    expect(error.message).toContain('has used its 10 register and deregister requests');
    expect(error.message).toMatch(/the oldest of ours leaves the window at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(error.message).toMatch(/Meta's code 133016/);
    const attempts = await db()
      .select()
      .from(graphCalls)
      .where(and(eq(graphCalls.path, `/${phoneNumberId}/register`), eq(graphCalls.errorCode, '133016')));
    expect(attempts).toHaveLength(1);
  });

  it('with 10 of our calls in the window, register stops before calling Meta and names when the next request is possible', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    const now = Date.now();
    const old = Array.from({ length: 9 }, (_, i) => ({
      method: 'POST',
      path: `/${phoneNumberId}/deregister`,
      status: 200,
      durationMs: 5,
      createdAt: new Date(now - (60 - i) * 3600_000),
    }));
    await db().insert(graphCalls).values(old);
    const budget = await registrationBudget(phoneNumberId);
    expect(budget.used).toBe(10);
    const sandboxCalls = state().phoneNumbers[phoneNumberId]!.registerCalls.length;
    const error = await failureOf(registerNumber(ref(phoneNumberId), operator));
    expect(error.message).toContain(
      `the next request is possible at ${new Date(now - 60 * 3600_000 + 72 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
    expect(state().phoneNumbers[phoneNumberId]!.registerCalls).toHaveLength(sandboxCalls);
  });

  it('deregisters, then registers again with local storage chosen at registration', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    await expect(registerNumber({ ...ref(phoneNumberId), dataLocalizationRegion: 'IN' }, operator)).rejects.toThrow(
      /deregistering the number and registering it again/,
    );
    expect(await deregisterNumber(ref(phoneNumberId), operator)).toContain('Deregistered');
    expect((await phoneRow(phoneNumberId)).registeredAt).toBeNull();
    expect(await registerNumber({ ...ref(phoneNumberId), dataLocalizationRegion: 'IN' }, operator)).toBe(
      'Registered for the Cloud API, with local storage in India.',
    );
    expect(state().phoneNumbers[phoneNumberId]).toMatchObject({ status: 'CONNECTED', dataLocalizationRegion: 'IN' });
    expect((await phoneRow(phoneNumberId)).dataLocalizationRegion).toBe('IN');
  });
});

describe('registration budget', () => {
  it('counts our register and deregister calls of the last 72 hours for that number only, not 133016 refusals, and says when the oldest leaves', async () => {
    const id = '1999000000000001';
    const now = new Date('2026-03-01T12:00:00Z');
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3600_000);
    await db()
      .insert(graphCalls)
      .values([
        { method: 'POST', path: `/${id}/register`, status: 200, durationMs: 1, createdAt: at(80) },
        { method: 'POST', path: `/${id}/register`, status: 200, durationMs: 1, createdAt: at(70) },
        { method: 'POST', path: `/${id}/deregister`, status: 200, durationMs: 1, createdAt: at(5) },
        { method: 'POST', path: `/${id}/register`, status: 400, errorCode: '133016', durationMs: 1, createdAt: at(4) },
        { method: 'POST', path: `/${id}/register`, status: null, errorCode: 'timeout', durationMs: 1, createdAt: at(3) },
        { method: 'POST', path: `/${id}/verify_code`, status: 200, durationMs: 1, createdAt: at(2) },
        { method: 'POST', path: `/1999000000000002/register`, status: 200, durationMs: 1, createdAt: at(1) },
      ]);
    const budget = await registrationBudget(id, now);
    expect(budget).toMatchObject({ used: 3, limit: 10, freesAt: null, oldestLeavesAt: new Date('2026-03-01T14:00:00Z') });

    await db()
      .insert(graphCalls)
      .values(Array.from({ length: 7 }, (_, i) => ({ method: 'POST', path: `/${id}/register`, status: 200, durationMs: 1, createdAt: at(2 - i * 0.1) })));
    const full = await registrationBudget(id, now);
    expect(full.used).toBe(10);
    expect(full.freesAt).toEqual(new Date('2026-03-01T14:00:00Z'));
  });
});

describe('test messages', () => {
  it('refuses free text outside the 24-hour window and offers the approved template; inside it, sends and follows delivery from the statuses webhooks', async () => {
    const { phoneNumberId } = await addNumber();
    await enterCode({ ...ref(phoneNumberId), code: lastCode(phoneNumberId) }, operator).then((r) => settle(r.runId));
    const to = '16505550123';

    const template = await fetch(`${meta.url}/v25.0/${customer.metaWabaId}/message_templates?access_token=${customer.tokenValue}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hello_world', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello World' }] }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await meta.control('POST', `/templates/${template.id}/decision`, { event: 'APPROVED' });
    await deliver(customer.metaWabaId, [
      {
        field: 'message_template_status_update',
        value: {
          event: 'APPROVED',
          message_template_id: Number(template.id),
          message_template_name: 'hello_world',
          message_template_language: 'en_US',
          reason: null,
        },
      },
    ]);

    const refused = await failureOf(sendTestMessage({ ...ref(phoneNumberId), to: { e164: to }, kind: 'text', body: 'Hi' }, operator));
    expect(refused.message).toContain('free-form text only within 24 hours');
    expect(refused.message).toContain('“hello_world” (en_US)');
    expect(await db().select().from(testMessages).where(eq(testMessages.phoneNumberId, phoneNumberId))).toHaveLength(0);

    const viaTemplate = await sendTestMessage({ ...ref(phoneNumberId), to: { e164: to }, kind: 'template', template: 'hello_world|en_US' }, operator);
    expect(state().messages.find((m) => m.id === viaTemplate.messageId)).toMatchObject({ to, type: 'template' });

    // The person writes to the number: the window opens.
    await meta.control('POST', `/phone-numbers/${phoneNumberId}/inbound`, { from: to, text: 'Hello?' });
    const inbound = state().inbound.at(-1)!;
    await deliver(customer.metaWabaId, [
      {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
          messages: [{ from: to, id: inbound.id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'Hello?' } }],
        },
      },
    ]);
    const sent = await sendTestMessage({ ...ref(phoneNumberId), to: { e164: to }, kind: 'text', body: 'Test from support' }, operator);
    expect(sent.messageId).toMatch(/^wamid\./);

    const status = (s: string, extra: Record<string, unknown> = {}) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId },
        statuses: [{ id: sent.messageId, status: s, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to, ...extra }],
      },
    });
    let views = await testMessagesOf(customer.metaWabaId, phoneNumberId);
    expect(views[0]).toMatchObject({ messageId: sent.messageId, status: null, history: [] });
    await deliver(customer.metaWabaId, [status('delivered')]);
    await deliver(customer.metaWabaId, [status('sent')]);
    views = await testMessagesOf(customer.metaWabaId, phoneNumberId);
    expect(views[0]!.status).toBe('delivered');
    expect(views[0]!.history.map((h) => h.status)).toEqual(['sent', 'delivered']);
    await deliver(customer.metaWabaId, [
      status('failed', { errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed' } }] }),
    ]);
    views = await testMessagesOf(customer.metaWabaId, phoneNumberId);
    expect(views[0]!.history.at(-1)).toMatchObject({
      status: 'failed',
      error: { code: '131047', title: 'Re-engagement message', details: 'More than 24 hours have passed' },
    });
    expect(views.map((v) => v.messageId)).toEqual([sent.messageId, viaTemplate.messageId]);
  });
});

describe('per-number webhook override', () => {
  it('points the number at another server after Meta’s handshake with its verify token, explains a failed handshake (2200), and clears it', async () => {
    const { phoneNumberId } = await addNumber();
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push(url.searchParams.get('hub.verify_token') ?? '');
      if (url.searchParams.get('hub.verify_token') === 'partner-secret') res.writeHead(200).end(url.searchParams.get('hub.challenge') ?? '');
      else res.writeHead(403).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const callbackUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/whatsapp`;
    try {
      await expect(setWebhookOverride({ ...ref(phoneNumberId), callbackUri })).rejects.toThrow(/Give the verify token the receiving server expects/);
      const refused = await setWebhookOverride({ ...ref(phoneNumberId), callbackUri, verifyToken: 'wrong' }).then(
        () => undefined,
        (e: unknown) => e as GraphError,
      );
      expect(refused).toMatchObject({ code: 2200 });
      expect(state().phoneNumbers[phoneNumberId]!.webhookOverride).toBeUndefined();

      expect(await setWebhookOverride({ ...ref(phoneNumberId), callbackUri, verifyToken: 'partner-secret' })).toBe(callbackUri);
      expect(seen).toEqual(['wrong', 'partner-secret']);
      expect(state().phoneNumbers[phoneNumberId]!.webhookOverride?.uri).toBe(callbackUri);
      expect((await phoneRow(phoneNumberId)).lastRead?.webhook_configuration).toMatchObject({ phone_number: callbackUri });

      await clearWebhookOverride(ref(phoneNumberId));
      expect(state().phoneNumbers[phoneNumberId]!.webhookOverride).toBeUndefined();
      expect((await phoneRow(phoneNumberId)).lastRead?.webhook_configuration).not.toHaveProperty('phone_number');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('run records', () => {
  it('the add-number run names the number it created, for the number page', async () => {
    const { runId, phoneNumberId } = await addNumber();
    const progress = await runProgress(runId);
    expect(progress?.subjectType).toBe('waba');
    expect(progress?.steps.find((s) => s.name === 'create_number')?.result).toEqual({ phoneNumberId, created: true });
  });
});
