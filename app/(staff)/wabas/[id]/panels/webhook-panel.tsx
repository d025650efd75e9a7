import type { WabaMetaState } from '@/lib/db/schema';
import { ClearWabaOverrideForm, ResubscribeForm, WabaOverrideForm } from '../account-forms';
import { Actions, Panel } from './panel';

/** What Meta has subscribed on the account, against what it should be (docs/meta/webhook-subscriptions.md). */
export function WebhookPanel({
  metaWabaId,
  state,
  ourAppId,
  suggestedOverride,
  canAct,
}: {
  metaWabaId: string;
  state: WabaMetaState | undefined;
  ourAppId: string;
  suggestedOverride: string;
  canAct: boolean;
}) {
  const apps = state?.subscribedApps ?? null;
  const ours = apps?.find((a) => a.appId === ourAppId);
  const expected = state?.expectedOverride ?? null;
  return (
    <Panel title="Webhook subscription" testId="waba-webhooks" id="webhooks" readAt={state?.subscribedAppsReadAt ?? null}>
      {apps === null ? (
        <p className="text-sm text-slate-600">Not read from Meta yet: refresh to see which apps are subscribed.</p>
      ) : (
        <>
          <p className="text-sm" data-testid="subscription-state" data-subscribed={ours ? 'yes' : 'no'}>
            {ours ? 'Our app is subscribed: Meta sends this account’s webhooks to us.' : 'Our app is NOT subscribed: no webhooks of this account reach us.'}
          </p>
          <ul className="mt-2 space-y-1 text-sm" data-testid="subscribed-apps">
            {apps.length === 0 ? <li className="text-slate-600">No app is subscribed.</li> : null}
            {apps.map((app) => (
              <li key={app.appId ?? app.name} data-testid="subscribed-app">
                {app.name ?? 'App'} <span className="font-mono text-xs text-slate-500">{app.appId}</span>
                {app.appId === ourAppId ? ' (ours)' : ''}
                {app.overrideCallbackUri ? (
                  <span className="block text-xs" data-testid="waba-override">
                    Messages webhooks go to {app.overrideCallbackUri}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="mt-2 text-xs text-slate-600">
        {expected
          ? `We set the override ${expected}; the nightly check compares Meta’s subscription with it.`
          : 'We set no override; the nightly check expects none.'}
      </p>
      {canAct ? (
        <Actions>
          <ResubscribeForm wabaId={metaWabaId} />
          <WabaOverrideForm wabaId={metaWabaId} suggested={suggestedOverride} />
          {expected || ours?.overrideCallbackUri ? <ClearWabaOverrideForm wabaId={metaWabaId} /> : null}
        </Actions>
      ) : null}
    </Panel>
  );
}
