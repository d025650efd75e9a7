import { z } from 'zod';
import { addAttention, changeTime, lockWaba, parseValue, recordFlag } from '@/lib/webhooks/handlers/common';
import type { ChangeHandler } from '@/lib/webhooks/types';

// account_alerts (docs/meta/webhooks.md#account-alerts): kept per alert type; active warnings and critical alerts go to staff.

const accountAlertsSchema = z.looseObject({
  entity_type: z.string().optional(),
  entity_id: z.union([z.string(), z.number()]).transform(String).optional(),
  alert_info: z.looseObject({
    alert_severity: z.string().optional(),
    alert_status: z.string().optional(),
    alert_type: z.string().min(1),
    alert_description: z.string().optional(),
  }),
});

export const handleAccountAlerts: ChangeHandler = async (change, tx) => {
  const value = parseValue(accountAlertsSchema, change);
  const alert = value.alert_info;
  const waba = await lockWaba(tx, change.wabaId);
  if (waba && !(await recordFlag(tx, waba, `account_alerts:${alert.alert_type}`, changeTime(change), change.value))) {
    return 'processed';
  }
  const needsStaff = alert.alert_status !== 'NONE' && (alert.alert_severity === 'CRITICAL' || alert.alert_severity === 'WARNING');
  if (needsStaff) {
    await addAttention(tx, change, {
      wabaId: change.wabaId,
      kind: 'account_alert',
      message: `${alert.alert_severity} alert ${alert.alert_type}${alert.alert_description ? `: ${alert.alert_description}` : ''}`,
      data: { entityType: value.entity_type ?? null, entityId: value.entity_id ?? null, alert },
    });
  }
  return 'processed';
};
