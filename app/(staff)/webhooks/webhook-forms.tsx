'use client';

import { useActionState } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import {
  createWebhookForward,
  deleteWebhookForward,
  keepEvent,
  replayEvent,
  replayFailedEvents,
  retryDeadDeliveries,
  setWebhookForwardEnabled,
} from './actions';

const smallButton = 'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50 disabled:opacity-60';

export function ReplayEventForm({ id }: { id: string }) {
  const [state, action, pending] = useActionState(replayEvent, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <button type="submit" className={smallButton} disabled={pending}>
        {pending ? 'Replaying…' : 'Replay'}
      </button>
      <FormMessage state={state} />
    </form>
  );
}

export function KeepEventForm({ id, kept }: { id: string; kept: boolean }) {
  const [state, action, pending] = useActionState(keepEvent, {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="keep" value={kept ? 'false' : 'true'} />
      <button type="submit" className={smallButton} disabled={pending}>
        {kept ? 'Stop keeping' : 'Keep'}
      </button>
      <FormMessage state={state} />
    </form>
  );
}

export function ReplayFailedForm({ filter }: { filter: Record<string, string> }) {
  const [state, action] = useActionState(replayFailedEvents, {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      {Object.entries(filter).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton pendingText="Replaying…">Replay failed events in this view</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function CreateForwardForm({ fields }: { fields: readonly string[] }) {
  const [state, action] = useActionState(createWebhookForward, {});
  const secret = typeof state.data?.secret === 'string' ? state.data.secret : undefined;
  return (
    <div className="space-y-3">
      <form action={action} className="space-y-3">
        <div className="text-sm">
          <label htmlFor="forward-field" className="block font-medium text-slate-700">
            Field
          </label>
          <select
            // Remounted with the submitted choice: a form reset restores a select to its mount-time choice.
            key={state.values?.field ?? ''}
            id="forward-field"
            name="field"
            required
            defaultValue={state.values?.field ?? ''}
            aria-invalid={state.fieldErrors?.field ? true : undefined}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2"
          >
            <option value="" disabled>
              Choose a field
            </option>
            {fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          {state.fieldErrors?.field ? <span className="mt-1 block text-red-700">{state.fieldErrors.field.join(' ')}</span> : null}
        </div>
        <Field label="Destination URL" name="url" type="url" state={state} />
        <FormMessage state={state} />
        <SubmitButton pendingText="Creating…">Create forward</SubmitButton>
      </form>
      {secret ? (
        <div data-testid="forward-secret" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Signing secret, shown only now:</p>
          <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono">{secret}</code>
          <p className="mt-2">
            Each forwarded change is POSTed as JSON with the header <code>X-Onramp-Signature-256: sha256=&lt;hex&gt;</code>, where &lt;hex&gt; is the lowercase
            hex HMAC-SHA256 of the exact request body bytes with this secret. Verify it before parsing, with a constant-time comparison, for example in Node.js:
          </p>
          <pre className="mt-1 overflow-auto rounded bg-white p-2 text-xs">{`const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
const given = Buffer.from(req.headers['x-onramp-signature-256'] ?? '');
const ok = given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));`}</pre>
          <p className="mt-1">The header X-Onramp-Event-Id carries the event id: use it to drop duplicate deliveries.</p>
        </div>
      ) : null}
    </div>
  );
}

export function ForwardRowActions({ id, enabled }: { id: string; enabled: boolean }) {
  const [toggleState, toggleAction] = useActionState(setWebhookForwardEnabled, {});
  const [deleteState, deleteAction] = useActionState(deleteWebhookForward, {});
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={toggleAction}>
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
        <button type="submit" className={smallButton}>
          {enabled ? 'Disable' : 'Enable'}
        </button>
      </form>
      <form
        action={deleteAction}
        onSubmit={(event) => {
          if (!window.confirm('Delete this forward and its delivery history?')) event.preventDefault();
        }}
      >
        <input type="hidden" name="id" value={id} />
        <button type="submit" className={smallButton}>
          Delete
        </button>
      </form>
      <FormMessage state={toggleState.error || toggleState.ok ? toggleState : deleteState} />
    </div>
  );
}

export function RetryDeliveriesForm({ ids, label }: { ids: string[]; label: string }) {
  const [state, action] = useActionState(retryDeadDeliveries, {});
  return (
    <form action={action} className="flex items-center gap-2">
      {ids.map((id) => (
        <input key={id} type="hidden" name="id" value={id} />
      ))}
      <button type="submit" className={smallButton}>
        {label}
      </button>
      <FormMessage state={state} />
    </form>
  );
}
