import { loadNumberContext, numberFailure, planOf, type NumberContext, type NumberPlan } from '@/lib/numbers/context';
import { registeredMessage } from '@/lib/numbers/operations/verify';
import { changePinStep } from '@/lib/numbers/steps/change-pin';
import { deregisterNumberStep } from '@/lib/numbers/steps/deregister-number';
import { readNumberStep } from '@/lib/numbers/steps/read-number';
import { registerNumberStep } from '@/lib/numbers/steps/register-number';
import { defineOperation } from '@/lib/operations/types';

// What staff do with a number that exists: register it (again), deregister it, change its PIN.

export const registerPhoneNumberOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'register_phone_number',
  subjectType: 'phone_number',
  title: 'Register the number',
  steps: [registerNumberStep, readNumberStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  onDone: async (_tx, _run, steps) => registeredMessage(steps.find((s) => s.name === registerNumberStep.name)?.result),
});

export const deregisterPhoneNumberOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'deregister_phone_number',
  subjectType: 'phone_number',
  title: 'Deregister the number',
  steps: [deregisterNumberStep, readNumberStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  async onDone(_tx, _run, steps) {
    const result = steps.find((s) => s.name === deregisterNumberStep.name)?.result as { alreadyDeregistered?: boolean } | null;
    return result?.alreadyDeregistered
      ? 'Meta already reports the number not registered.'
      : 'Deregistered: the number no longer sends or receives messages through the Cloud API.';
  },
});

export const changePinOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'change_two_step_pin',
  subjectType: 'phone_number',
  title: 'Change the two-step verification PIN',
  steps: [changePinStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  onDone: async () => 'Meta accepted the new two-step verification PIN; it replaced the old one in the vault.',
});
