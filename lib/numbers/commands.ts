import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { operationRuns, phoneNumbers, testMessages, webhookVerifyTokens, type StaffUser } from '@/lib/db/schema';
import { sendTemplateMessage, sendTextMessage, type SentMessage } from '@/lib/meta/messages';
import { requestDisplayNameChange, setPhoneNumberCallbackOverride } from '@/lib/meta/phone-numbers';
import { NoAccess, tokenForWaba } from '@/lib/numbers/access';
import { addPhoneNumberOperation, sendCodeOperation } from '@/lib/numbers/operations/add';
import { changePinOperation, deregisterPhoneNumberOperation, registerPhoneNumberOperation } from '@/lib/numbers/operations/manage';
import { verifyPhoneNumberOperation } from '@/lib/numbers/operations/verify';
import type { NumberPlan } from '@/lib/numbers/context';
import { approvedTemplates, findNumber, findWabaRow, lastMessageFrom, type FoundNumber } from '@/lib/numbers/queries';
import { readAndSaveNumber } from '@/lib/numbers/records';
import { storeVerificationCode } from '@/lib/numbers/secrets';
import { startRun } from '@/lib/operations/control';
import { runProgress, type RunProgress } from '@/lib/operations/progress';
import type { Operation } from '@/lib/operations/types';
import { metaConfig, publicUrl } from '@/lib/env';
import { UserError } from '@/lib/user-error';
import { webhookPath } from '@/lib/webhooks/receiver';
import { hashVerifyToken } from '@/lib/webhooks/signature';
import { assertMscAllows } from '@/lib/numbers/msc';

// What staff do with a customer's numbers, behind the number pages' actions (which check the role
// and record the audit row). Multi-step work starts an operation run; single requests go to Meta
// directly. The browser's ids are looked up here: a number of another account is refused.

export async function numberOf(ref: { wabaId: string; phoneNumberId: string }): Promise<FoundNumber> {
  const found = await findNumber(ref.wabaId, ref.phoneNumberId);
  if (!found) throw new UserError('This phone number is not on record for this WhatsApp account.');
  return found;
}

async function tokenFor(found: { waba: { id: string } }) {
  try {
    return await tokenForWaba(found.waba.id);
  } catch (error) {
    if (error instanceof NoAccess) throw new UserError(error.message);
    throw error;
  }
}

/** One operation at a time on a number: register, deregister and PIN changes must not overlap. */
async function refuseWhileBusy(metaPhoneNumberId: string): Promise<void> {
  const [busy] = await db()
    .select({ operation: operationRuns.operation })
    .from(operationRuns)
    .where(and(eq(operationRuns.subjectType, 'phone_number'), eq(operationRuns.subjectId, metaPhoneNumberId), eq(operationRuns.status, 'running')))
    .limit(1);
  if (busy) throw new UserError('Another operation is still running on this number; wait until it has finished (see Operations below).');
}

function planFor(found: FoundNumber, extra: Partial<NumberPlan>, user: StaffUser): NumberPlan {
  return { wabaId: found.waba.metaWabaId, phoneNumberId: found.phone.metaPhoneNumberId, startedBy: user.id, ...extra };
}

async function startNumberRun(operation: Operation, found: FoundNumber, plan: NumberPlan, user: StaffUser): Promise<string> {
  await refuseWhileBusy(found.phone.metaPhoneNumberId);
  const { runId } = await startRun(operation, { subjectId: found.phone.metaPhoneNumberId, input: plan, createdBy: user.id });
  return runId;
}

/** Waits, with a deadline, until the run is no longer running; returns what it reached. */
export async function settle(runId: string, timeoutMs = 10_000, pollMs = 100): Promise<RunProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await runProgress(runId);
    if (!progress) throw new Error(`Run ${runId} not found`);
    if (progress.status !== 'running' || Date.now() >= deadline) return progress;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The run's end in one sentence for the form; a failure throws it, with Meta's code and fbtrace_id. */
export function outcomeOf(progress: RunProgress): string {
  if (progress.status === 'done') return progress.statusMessage ?? `${progress.title}: done.`;
  if (progress.status === 'running') {
    return `${progress.title} is still running (Meta is slow to answer or asked us to wait); its progress is shown under Operations.`;
  }
  const failed = progress.steps.find((s) => s.status === 'failed');
  const error = failed?.lastError;
  const reference = error && /^\d+$/.test(error.code ?? '') ? ` (Meta's code ${error.code}${error.fbtraceId ? `, fbtrace_id ${error.fbtraceId}` : ''})` : '';
  throw new UserError(`${failed?.label.staff ?? progress.title} failed: ${error?.message ?? progress.statusMessage ?? 'see Operations below.'}${reference}`);
}

export type AddNumberInput = {
  wabaId: string;
  cc: string;
  phoneNumber: string;
  verifiedName: string;
  codeMethod: 'SMS' | 'VOICE';
  language: string;
  dataLocalizationRegion?: string;
};

/** Starts adding a number to the WABA; the run creates it and sends the code. */
export async function startAddNumber(input: AddNumberInput, user: StaffUser): Promise<{ runId: string; metaWabaId: string }> {
  const found = await findWabaRow(input.wabaId);
  if (!found) throw new UserError('This WhatsApp account is not on record.');
  if (found.waba.status !== 'connected') throw new UserError('This WhatsApp account is no longer connected to us: numbers cannot be added to it.');
  await tokenFor(found);
  const plan: NumberPlan = { ...input, wabaId: found.waba.metaWabaId, startedBy: user.id };
  const { runId } = await startRun(addPhoneNumberOperation, { subjectId: found.waba.metaWabaId, input: plan, createdBy: user.id });
  return { runId, metaWabaId: found.waba.metaWabaId };
}

/** Keeps the code in the vault and starts verifying it and registering the number (with local storage when asked). */
export async function enterCode(input: { wabaId: string; phoneNumberId: string; code: string; dataLocalizationRegion?: string }, user: StaffUser) {
  const found = await numberOf(input);
  await assertMscAllows(found.phone.metaPhoneNumberId, 'verify_code');
  await refuseWhileBusy(found.phone.metaPhoneNumberId);
  await storeVerificationCode(found.phone.id, input.code);
  const plan = planFor(found, { dataLocalizationRegion: input.dataLocalizationRegion }, user);
  const runId = await startNumberRun(verifyPhoneNumberOperation, found, plan, user);
  return { found, runId };
}

export async function sendNewCode(input: { wabaId: string; phoneNumberId: string; codeMethod: 'SMS' | 'VOICE'; language: string }, user: StaffUser) {
  const found = await numberOf(input);
  await assertMscAllows(found.phone.metaPhoneNumberId, 'request_code');
  const runId = await startNumberRun(sendCodeOperation, found, planFor(found, { codeMethod: input.codeMethod, language: input.language }, user), user);
  return outcomeOf(await settle(runId));
}

export async function registerNumber(input: { wabaId: string; phoneNumberId: string; dataLocalizationRegion?: string }, user: StaffUser) {
  const found = await numberOf(input);
  if (found.phone.isOnBizApp) throw new UserError('This number is also on the WhatsApp Business app (coexistence): the app keeps it registered.');
  await assertMscAllows(found.phone.metaPhoneNumberId, 'register');
  const registered = found.phone.platformType === 'CLOUD_API' && found.phone.status === 'CONNECTED';
  if (registered && input.dataLocalizationRegion !== undefined && input.dataLocalizationRegion !== found.phone.dataLocalizationRegion) {
    throw new UserError('Local storage can only be changed by deregistering the number and registering it again with the new country.');
  }
  const region = input.dataLocalizationRegion ?? (registered ? (found.phone.dataLocalizationRegion ?? undefined) : undefined);
  const runId = await startNumberRun(registerPhoneNumberOperation, found, planFor(found, { dataLocalizationRegion: region, reregister: true }, user), user);
  return outcomeOf(await settle(runId));
}

export async function deregisterNumber(input: { wabaId: string; phoneNumberId: string }, user: StaffUser) {
  const found = await numberOf(input);
  await assertMscAllows(found.phone.metaPhoneNumberId, 'deregister');
  const runId = await startNumberRun(deregisterPhoneNumberOperation, found, planFor(found, {}, user), user);
  return outcomeOf(await settle(runId));
}

export async function changePin(input: { wabaId: string; phoneNumberId: string }, user: StaffUser) {
  const found = await numberOf(input);
  await assertMscAllows(found.phone.metaPhoneNumberId, 'change_pin');
  const runId = await startNumberRun(changePinOperation, found, planFor(found, {}, user), user);
  return outcomeOf(await settle(runId));
}

/** Meta reviews the name; its decision arrives as a phone_number_name_update webhook. */
export async function requestNameChange(input: { wabaId: string; phoneNumberId: string; newDisplayName: string }) {
  const found = await numberOf(input);
  const token = await tokenFor(found);
  await requestDisplayNameChange(found.phone.metaPhoneNumberId, input.newDisplayName, token);
  await db()
    .update(phoneNumbers)
    .set({ requestedVerifiedName: input.newDisplayName, nameRejectionReason: null, updatedAt: new Date() })
    .where(eq(phoneNumbers.id, found.phone.id));
  await readAndSaveNumber(found.waba, found.phone.metaPhoneNumberId, token).catch(() => undefined);
  return found;
}

export async function refreshNumber(input: { wabaId: string; phoneNumberId: string }) {
  const found = await numberOf(input);
  await readAndSaveNumber(found.waba, found.phone.metaPhoneNumberId, await tokenFor(found));
  return found;
}

export type TestMessageInput = {
  wabaId: string;
  phoneNumberId: string;
  to: { e164: string };
  kind: 'text' | 'template';
  body?: string;
  template?: string;
};

/**
 * Sends a test message and records it; its delivery arrives as messages status webhooks. Free-form
 * text only reaches a person who wrote to the number in the last 24 hours (else Meta fails it with
 * 131047), so text is refused up front when we have no such message, and the templates are offered.
 */
export async function sendTestMessage(input: TestMessageInput, user: StaffUser) {
  const found = await numberOf(input);
  const metaPhoneNumberId = found.phone.metaPhoneNumberId;
  const to = input.to.e164;
  const templates = await approvedTemplates(found.waba.metaWabaId);
  const offer = templates.length
    ? `Send the approved template ${templates.map((t) => `“${t.name}” (${t.language})`).join(', ')} instead: templates may be sent at any time.`
    : 'This account has no approved template we know of: create one in WhatsApp Manager and wait for Meta to approve it.';
  let sent: SentMessage;
  let template: { name: string; language: string } | undefined;
  const token = await tokenFor(found);
  if (input.kind === 'text') {
    const body = input.body ?? `Test message from ${found.phone.verifiedName ?? 'your business'}, sent by our support team.`;
    const wrote = await lastMessageFrom(found.waba.metaWabaId, metaPhoneNumberId, to);
    if (!wrote) {
      throw new UserError(
        `Meta delivers free-form text only within 24 hours of the person’s last message to this number, and we have received no message from +${to} in that time. ${offer}`,
        { kind: ['Outside the 24-hour window: choose a template.'] },
      );
    }
    sent = await sendTextMessage(metaPhoneNumberId, { to, body }, token);
  } else {
    const [name, language] = (input.template ?? '').split('|');
    template = templates.find((t) => t.name === name && t.language === language);
    if (!template)
      throw new UserError(`Choose one of the account’s approved templates. ${templates.length ? '' : offer}`.trim(), {
        template: ['Not an approved template of this account.'],
      });
    sent = await sendTemplateMessage(metaPhoneNumberId, { to, name: template.name, language: template.language }, token);
  }
  await db()
    .insert(testMessages)
    .values({
      messageId: sent.messageId,
      phoneNumberId: metaPhoneNumberId,
      recipient: to,
      kind: input.kind,
      templateName: template?.name ?? null,
      templateLanguage: template?.language ?? null,
      sentBy: user.id,
    })
    .onConflictDoNothing();
  return { found, messageId: sent.messageId, to };
}

/** Our own webhook endpoint: an override pointing at it needs a verify token our handshake accepts. */
function isOurReceiver(url: URL): boolean {
  const ours = new URL(webhookPath, publicUrl);
  return url.origin === ours.origin && url.pathname === ours.pathname;
}

/**
 * Sends this number's messages webhooks to another URL (docs/meta/webhook-subscriptions.md#per-number-override);
 * Meta checks the URL with a GET handshake first and refuses (2200) when it fails.
 */
export async function setWebhookOverride(input: { wabaId: string; phoneNumberId: string; callbackUri: string; verifyToken?: string }) {
  const found = await numberOf(input);
  const url = new URL(input.callbackUri);
  if (metaConfig().mode === 'meta' && url.protocol !== 'https:') {
    throw new UserError('Meta only calls https:// addresses.', { callbackUri: ['Use an https:// address.'] });
  }
  let verifyToken = input.verifyToken;
  if (isOurReceiver(url)) {
    verifyToken ??= randomBytes(24).toString('base64url');
    await db()
      .insert(webhookVerifyTokens)
      .values({ tokenHash: hashVerifyToken(verifyToken), wabaId: found.waba.metaWabaId })
      .onConflictDoNothing();
  } else if (!verifyToken) {
    throw new UserError('Give the verify token the receiving server expects: Meta sends it in the handshake.', { token: ['Required for another server.'] });
  }
  const token = await tokenFor(found);
  await setPhoneNumberCallbackOverride(found.phone.metaPhoneNumberId, { callbackUri: url.toString(), verifyToken }, token);
  await readAndSaveNumber(found.waba, found.phone.metaPhoneNumberId, token);
  return url.toString();
}

/** Back to the WABA's override or the app's callback URL. */
export async function clearWebhookOverride(input: { wabaId: string; phoneNumberId: string }) {
  const found = await numberOf(input);
  const token = await tokenFor(found);
  await setPhoneNumberCallbackOverride(found.phone.metaPhoneNumberId, { callbackUri: '' }, token);
  await readAndSaveNumber(found.waba, found.phone.metaPhoneNumberId, token);
}
