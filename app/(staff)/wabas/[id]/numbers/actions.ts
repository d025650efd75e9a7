'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { db } from '@/lib/db/client';
import {
  changePin,
  clearWebhookOverride,
  setWebhookOverride,
  deregisterNumber,
  enterCode,
  outcomeOf,
  refreshNumber,
  registerNumber,
  requestNameChange,
  sendNewCode,
  sendTestMessage,
  settle,
  startAddNumber,
} from '@/lib/numbers/commands';
import {
  addNumberSchema,
  codeSchema,
  deregisterSchema,
  displayNameSchema,
  numberRefSchema,
  registerSchema,
  sendCodeSchema,
  testMessageSchema,
  webhookOverrideSchema,
} from '@/lib/numbers/input';
import { staffAction } from '@/lib/staff-action';

// The number pages' actions: operators and admins only (a viewer's post gets 403 and changes
// nothing). The verification code is never echoed, logged or written to the audit row.

const numberPage = (input: { wabaId: string; phoneNumberId: string }) => `/wabas/${input.wabaId}/numbers/${input.phoneNumberId}`;
const targetOf = (input: { phoneNumberId: string }) => input.phoneNumberId;

export const addNumberAction = staffAction(
  { action: 'phone_number.add', role: 'operator', schema: addNumberSchema, targetOf: (input) => input.wabaId },
  async (input, { user, audit }) => {
    const { runId, metaWabaId } = await startAddNumber(input, user);
    // The audit row first: the redirect ends the action.
    await audit.record(db(), {
      target: metaWabaId,
      details: {
        ok: true,
        runId,
        number: `+${input.cc}${input.phoneNumber}`,
        verifiedName: input.verifiedName,
        codeMethod: input.codeMethod,
        dataLocalizationRegion: input.dataLocalizationRegion ?? null,
      },
    });
    redirect(`/wabas/${metaWabaId}/numbers/new?run=${runId}`);
  },
);

export const enterCodeAction = staffAction(
  { action: 'phone_number.verify', role: 'operator', schema: codeSchema.extend(registerSchema.pick({ dataLocalizationRegion: true }).shape), targetOf },
  async (input, { user }) => {
    const { runId } = await enterCode(input, user);
    const message = outcomeOf(await settle(runId));
    revalidatePath(numberPage(input));
    revalidatePath(`/wabas/${input.wabaId}/numbers/new`);
    return { ok: message, target: input.phoneNumberId, details: { runId, dataLocalizationRegion: input.dataLocalizationRegion ?? null } };
  },
);

export const sendCodeAction = staffAction(
  { action: 'phone_number.request_code', role: 'operator', schema: sendCodeSchema, targetOf },
  async (input, { user }) => {
    const message = await sendNewCode(input, user);
    revalidatePath(numberPage(input));
    revalidatePath(`/wabas/${input.wabaId}/numbers/new`);
    return { ok: message, target: input.phoneNumberId, details: { codeMethod: input.codeMethod, language: input.language } };
  },
);

export const registerAction = staffAction({ action: 'phone_number.register', role: 'operator', schema: registerSchema, targetOf }, async (input, { user }) => {
  const message = await registerNumber(input, user);
  revalidatePath(numberPage(input));
  return { ok: message, target: input.phoneNumberId, details: { dataLocalizationRegion: input.dataLocalizationRegion ?? null } };
});

export const deregisterAction = staffAction(
  { action: 'phone_number.deregister', role: 'operator', schema: deregisterSchema, targetOf },
  async (input, { user }) => {
    const message = await deregisterNumber(input, user);
    revalidatePath(numberPage(input));
    return { ok: message, target: input.phoneNumberId };
  },
);

export const changePinAction = staffAction(
  { action: 'phone_number.change_pin', role: 'operator', schema: numberRefSchema, targetOf },
  async (input, { user }) => {
    const message = await changePin(input, user);
    revalidatePath(numberPage(input));
    return { ok: message, target: input.phoneNumberId };
  },
);

export const displayNameAction = staffAction(
  { action: 'phone_number.request_display_name', role: 'operator', schema: displayNameSchema, targetOf },
  async (input) => {
    await requestNameChange(input);
    revalidatePath(numberPage(input));
    return {
      ok: `Meta is reviewing “${input.newDisplayName}”. Its decision appears on this page when Meta sends it; once approved, re-register the number for the new name to show.`,
      target: input.phoneNumberId,
      details: { newDisplayName: input.newDisplayName },
    };
  },
);

export const testMessageAction = staffAction(
  { action: 'phone_number.test_message', role: 'operator', schema: testMessageSchema, targetOf },
  async (input, { user }) => {
    const { messageId, to } = await sendTestMessage(input, user);
    revalidatePath(numberPage(input));
    return {
      ok: `Meta accepted the message (${messageId}). Its delivery to +${to} appears below as Meta reports it.`,
      target: input.phoneNumberId,
      details: { messageId, to: `+${to}`, kind: input.kind, template: input.template ?? null },
      data: { messageId },
    };
  },
);

export const refreshNumberAction = staffAction({ action: 'phone_number.refresh', role: 'operator', schema: numberRefSchema, targetOf }, async (input) => {
  await refreshNumber(input);
  revalidatePath(numberPage(input));
  return { ok: 'Read from Meta just now.', target: input.phoneNumberId };
});

export const webhookOverrideAction = staffAction(
  { action: 'phone_number.webhook_override', role: 'operator', schema: webhookOverrideSchema, targetOf },
  async (input) => {
    const url = await setWebhookOverride({ ...input, verifyToken: input.token });
    revalidatePath(numberPage(input));
    // The verify token is a secret of the receiving server: it is not recorded.
    return { ok: `Meta verified ${url}: this number’s messages webhooks now go there.`, target: input.phoneNumberId, details: { callbackUri: url } };
  },
);

export const clearWebhookOverrideAction = staffAction(
  { action: 'phone_number.webhook_override_clear', role: 'operator', schema: numberRefSchema, targetOf },
  async (input) => {
    await clearWebhookOverride(input);
    revalidatePath(numberPage(input));
    return {
      ok: 'The override is removed: this number’s webhooks follow the account’s override or our app’s callback URL again.',
      target: input.phoneNumberId,
    };
  },
);
