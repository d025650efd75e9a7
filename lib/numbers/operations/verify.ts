import { loadNumberContext, numberFailure, planOf, type NumberContext, type NumberPlan } from '@/lib/numbers/context';
import { readNumberStep } from '@/lib/numbers/steps/read-number';
import { registerNumberStep } from '@/lib/numbers/steps/register-number';
import { verifyCodeStep } from '@/lib/numbers/steps/verify-code';
import { countryName } from '@/lib/numbers/words';
import { defineOperation } from '@/lib/operations/types';

// The second half of adding a number: started when staff enter the code (or when Meta says the
// number is verified already), it verifies the code and registers the number with its vaulted PIN.

export function registeredMessage(result: unknown): string {
  const region = (result as { dataLocalizationRegion?: string | null } | null)?.dataLocalizationRegion;
  if ((result as { alreadyRegistered?: boolean } | null)?.alreadyRegistered) return 'Meta already reports the number registered for the Cloud API.';
  return region
    ? `Registered for the Cloud API, with local storage in ${countryName(region) ?? region}.`
    : 'Registered for the Cloud API: the number can send and receive messages.';
}

export const verifyPhoneNumberOperation = defineOperation<NumberPlan, NumberContext>({
  name: 'verify_phone_number',
  subjectType: 'phone_number',
  title: 'Verify and register the number',
  steps: [verifyCodeStep, registerNumberStep, readNumberStep],
  planOf,
  context: loadNumberContext,
  failure: numberFailure,
  async onDone(_tx, _run, steps) {
    const verify = steps.find((s) => s.name === verifyCodeStep.name)?.result as { alreadyVerified?: boolean } | null;
    const register = steps.find((s) => s.name === registerNumberStep.name)?.result;
    return `${verify?.alreadyVerified ? 'The number was verified already. ' : 'Code accepted. '}${registeredMessage(register)}`;
  },
});
