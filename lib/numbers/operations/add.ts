import type { OperationStep } from '@/lib/db/schema';
import { loadNumberContext, numberFailure, planOf, type NumberContext, type NumberPlan } from '@/lib/numbers/context';
import { createNumberStep } from '@/lib/numbers/steps/create-number';
import { readNumberStep } from '@/lib/numbers/steps/read-number';
import { requestCodeStep } from '@/lib/numbers/steps/request-code';
import { defineOperation } from '@/lib/operations/types';

// Adding a number to a customer's WABA outside Embedded Signup (Meta: Registering business phone
// numbers): create it and send the code. Staff then enter the code, which starts
// verify_phone_number (lib/numbers/operations/verify.ts); a number Meta reports verified continues
// there by itself.

function codeMessage(steps: OperationStep[]): string {
  const result = steps.find((s) => s.name === requestCodeStep.name)?.result as { alreadyVerified?: boolean; method?: string; sentTo?: string | null } | null;
  if (result?.alreadyVerified) return 'Meta reports the number verified already: no code is needed, and it is being registered.';
  const how = result?.method === 'VOICE' ? 'by voice call' : 'by SMS';
  return `Meta sent the verification code ${how}${result?.sentTo ? ` to ${result.sentTo}` : ''}. Enter it to verify and register the number.`;
}

export const addPhoneNumberOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'add_phone_number',
  subjectType: 'waba',
  title: 'Add a phone number',
  steps: [createNumberStep, requestCodeStep, readNumberStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  onDone: async (_tx, _run, steps) => codeMessage(steps),
});

/** A new code for a number that exists already (the first one expired, or Meta refused it). */
export const sendCodeOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'send_verification_code',
  subjectType: 'phone_number',
  title: 'Send a verification code',
  steps: [requestCodeStep, readNumberStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  onDone: async (_tx, _run, steps) => codeMessage(steps),
});
