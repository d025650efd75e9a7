import { z } from 'zod';
import { addAttention, changeTime, fromUnix, lockWaba, parseValue, recordFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// payment_configuration_update (Payments API India / Brazil): a configuration that is not
// "Active" cannot take payments, so staff are told.

const paymentConfigurationSchema = z.looseObject({
  configuration_name: z.string().min(1),
  provider_name: z.string().optional(),
  provider_mid: z.string().optional(),
  status: z.string().min(1),
  created_timestamp: z.union([z.number(), z.string()]).optional(),
  updated_timestamp: z.union([z.number(), z.string()]).optional(),
});

export const handlePaymentConfigurationUpdate: ChangeHandler = async (change, tx) => {
  const value = parseValue(paymentConfigurationSchema, change);
  const at = fromUnix(value.updated_timestamp) ?? changeTime(change);
  const waba = await lockWaba(tx, change.wabaId);
  const flag = { status: value.status, providerName: value.provider_name ?? null };
  if (waba && !(await recordFlag(tx, waba, `payment_configuration_update:${value.configuration_name}`, at, flag))) {
    return 'processed';
  }
  if (value.status.trim().toLowerCase() !== 'active') {
    await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'payment_configuration',
      message: `Payment configuration "${value.configuration_name}"${value.provider_name ? ` (${value.provider_name})` : ''} is "${value.status}".`,
      data: { configurationName: value.configuration_name, status: value.status, providerName: value.provider_name ?? null },
    });
  }
  return 'processed';
};
