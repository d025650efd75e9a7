import { StatusBadge } from '@/components/staff/display';
import { healthErrorText } from '@/lib/accounts/words';
import type { HealthStatus } from '@/lib/meta/wabas';
import { canSendText } from '@/lib/numbers/words';
import { Panel } from './panel';

const entityNames: Record<string, string> = {
  PHONE_NUMBER: 'Phone number',
  WABA: 'This account',
  BUSINESS: 'Business portfolio',
  APP: 'Our app',
  MESSAGE_TEMPLATE: 'Template',
};

/** Meta's health_status: the overall verdict and each entity's, with error codes explained (docs/meta/wabas.md#health-status). */
export function HealthPanel({ health }: { health: HealthStatus | null }) {
  return (
    <Panel title="Health" testId="waba-health">
      {!health ? (
        <p className="text-sm text-slate-600">Meta has not reported this account’s health yet: refresh from Meta.</p>
      ) : (
        <div className="space-y-3 text-sm" data-can-send={health.can_send_message}>
          <p>
            <StatusBadge status={health.can_send_message} label={canSendText(health.can_send_message) ?? health.can_send_message} /> overall: the worst of the
            account, its numbers, the business and our app.
          </p>
          <ul className="space-y-2">
            {(health.entities ?? []).map((entity) => (
              <li key={`${entity.entity_type}:${entity.id}`} className="rounded-md border border-slate-100 p-3" data-entity={entity.entity_type}>
                <p>
                  <span className="font-medium">{entityNames[entity.entity_type] ?? entity.entity_type}</span>{' '}
                  <span className="font-mono text-xs text-slate-500">{entity.id}</span>: {canSendText(entity.can_send_message) ?? entity.can_send_message}
                </p>
                {(entity.additional_info ?? []).map((info) => (
                  <p key={info} className="text-slate-700">
                    {info}
                  </p>
                ))}
                {(entity.errors ?? []).map((error, i) => (
                  <div key={i} className="mt-1 text-red-800" data-testid="health-error" data-code={error.error_code}>
                    <p>
                      {error.error_code !== undefined ? <span className="font-mono text-xs">Meta code {error.error_code}: </span> : null}
                      {healthErrorText(error.error_code) ?? error.error_description ?? 'Meta gave no description.'}
                    </p>
                    {healthErrorText(error.error_code) && error.error_description ? (
                      <p className="text-slate-700">Meta said: {error.error_description}</p>
                    ) : null}
                    {error.possible_solution ? <p className="text-slate-700">What Meta suggests: {error.possible_solution}</p> : null}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
