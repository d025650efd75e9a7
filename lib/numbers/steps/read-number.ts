import type { NumberStep } from '@/lib/numbers/context';
import { requirePhone } from '@/lib/numbers/context';
import { readAndSaveNumber } from '@/lib/numbers/records';

// The last step of every number operation: what Meta now reports, stored for the number page.

export const readNumberStep: NumberStep = {
  name: 'read_number',
  label: { staff: 'Read the number back from Meta', customer: 'Check your number' },
  after: 'all',
  async run(ctx) {
    const phone = requirePhone(ctx);
    const read = await readAndSaveNumber(ctx.waba, phone.metaPhoneNumberId, ctx.token, ctx.audit);
    return {
      status: 'done',
      result: { status: read.status ?? null, platformType: read.platform_type ?? null, codeVerificationStatus: read.code_verification_status ?? null },
    };
  },
};
