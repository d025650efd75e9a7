'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useId, type ReactNode } from 'react';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import type { StaffActionState } from '@/lib/staff-action';
import {
  addNumberAction,
  changePinAction,
  clearWebhookOverrideAction,
  deregisterAction,
  displayNameAction,
  enterCodeAction,
  refreshNumberAction,
  registerAction,
  sendCodeAction,
  testMessageAction,
  webhookOverrideAction,
} from './actions';

// The number pages' forms. Each posts to its server action, which checks the role again.

type Ref = { wabaId: string; phoneNumberId: string };

const languages = ['en_US', 'en_GB', 'es_ES', 'es_MX', 'pt_BR', 'fr_FR', 'de_DE', 'it_IT', 'id_ID', 'hi_IN'];

function Hidden({ wabaId, phoneNumberId }: Ref) {
  return (
    <>
      <input type="hidden" name="wabaId" value={wabaId} />
      <input type="hidden" name="phoneNumberId" value={phoneNumberId} />
    </>
  );
}

function FieldError({ state, name }: { state: StaffActionState; name: string }) {
  const errors = state.fieldErrors?.[name];
  return errors ? <span className="mt-1 block text-sm text-red-700">{errors.join(' ')}</span> : null;
}

function Select({
  label,
  name,
  state,
  options,
  defaultValue,
}: {
  label: string;
  name: string;
  state: StaffActionState;
  options: Array<{ value: string; label: string }>;
  defaultValue?: string;
}) {
  const id = useId();
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={state.values?.[name] ?? defaultValue}
        aria-invalid={state.fieldErrors?.[name] ? true : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError state={state} name={name} />
    </div>
  );
}

function Hint({ children }: { children: ReactNode }) {
  return <p className="text-xs text-slate-600">{children}</p>;
}

function CodeDelivery({ state }: { state: StaffActionState }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Select
        label="Send the code by"
        name="codeMethod"
        state={state}
        defaultValue="SMS"
        options={[
          { value: 'SMS', label: 'SMS' },
          { value: 'VOICE', label: 'Voice call' },
        ]}
      />
      <Field label="Language of the code message" name="language" state={state} defaultValue="en_US" list="code-languages" />
      <datalist id="code-languages">
        {languages.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
    </div>
  );
}

function RegionField({ state, defaultValue }: { state: StaffActionState; defaultValue?: string | null }) {
  return (
    <div>
      <Field
        label="Local storage country (optional, two letters, e.g. DE)"
        name="dataLocalizationRegion"
        state={state}
        required={false}
        defaultValue={defaultValue ?? undefined}
      />
      <Hint>Cloud API local storage keeps the number’s messages at rest in that country. Changing it later needs a deregister and a new registration.</Hint>
    </div>
  );
}

/** Keeps the server-rendered page current while runs or messages are on their way. */
export function AutoRefresh({ everyMs = 1_500 }: { everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}

/** Reloads the page's data after an action answered (done or refused), so that its run and result show at once. */
function useRefreshAfter(state: StaffActionState) {
  const router = useRouter();
  useEffect(() => {
    if (state.ok || state.error) router.refresh();
  }, [state, router]);
}

export function AddNumberForm({ wabaId }: { wabaId: string }) {
  const [state, action] = useActionState(addNumberAction, {});
  return (
    <form action={action} className="space-y-4" aria-label="Add a phone number">
      <input type="hidden" name="wabaId" value={wabaId} />
      <div className="grid gap-3 sm:grid-cols-[8rem_1fr]">
        <Field label="Country code" name="cc" state={state} defaultValue="1" />
        <Field label="Phone number (without the country code)" name="phoneNumber" state={state} autoComplete="off" />
      </div>
      <div>
        <Field label="Display name" name="verifiedName" state={state} />
        <Hint>The name people see in WhatsApp. Meta reviews it; use the business’s real name, not a test name.</Hint>
      </div>
      <CodeDelivery state={state} />
      <RegionField state={state} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Adding…">Add the number and send the code</SubmitButton>
    </form>
  );
}

export function CodeForm({ wabaId, phoneNumberId, defaultRegion }: Ref & { defaultRegion?: string | null }) {
  const [state, action] = useActionState(enterCodeAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label="Enter the verification code">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <div>
        <Field label="Verification code" name="code" state={state} autoComplete="one-time-code" />
        <Hint>The 6 digits Meta sent to the number (the SMS reads like “WhatsApp code 123-456”). The customer can read it out to you.</Hint>
      </div>
      <RegionField state={state} defaultValue={defaultRegion} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Verifying…">Verify and register</SubmitButton>
    </form>
  );
}

export function SendCodeForm({ wabaId, phoneNumberId, label = 'Send a new code' }: Ref & { label?: string }) {
  const [state, action] = useActionState(sendCodeAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label={label}>
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <CodeDelivery state={state} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Sending…">{label}</SubmitButton>
    </form>
  );
}

export function RegisterForm({ wabaId, phoneNumberId, registered, region }: Ref & { registered: boolean; region: string | null }) {
  const [state, action] = useActionState(registerAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label={registered ? 'Re-register the number' : 'Register the number'}>
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      {registered ? (
        <Hint>
          Registers the number again with its PIN from the vault, for example to apply an approved display name. It uses one of the 10 register and deregister
          requests of 72 hours. Local storage stays {region ? `in ${region}` : 'off'}: changing it needs a deregister, then a registration with the new country.
        </Hint>
      ) : (
        <RegionField state={state} defaultValue={region} />
      )}
      <FormMessage state={state} />
      <SubmitButton pendingText="Registering…">{registered ? 'Re-register' : 'Register'}</SubmitButton>
    </form>
  );
}

export function DeregisterForm({ wabaId, phoneNumberId, display }: Ref & { display: string }) {
  const [state, action] = useActionState(deregisterAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label="Deregister the number">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        <p className="font-medium">What stops working</p>
        <p>
          {display} can no longer send or receive WhatsApp messages through the Cloud API, and Meta stops sending its messages webhooks. It stays on the
          WhatsApp account: registering it again, with its PIN from our vault, brings it back. Register and deregister share 10 requests in 72 hours.
        </p>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="confirm" value="yes" className="mt-1" />
        <span>Yes, deregister {display}</span>
      </label>
      <FieldError state={state} name="confirm" />
      <FormMessage state={state} />
      <SubmitButton pendingText="Deregistering…">Deregister</SubmitButton>
    </form>
  );
}

export function ChangePinForm({ wabaId, phoneNumberId }: Ref) {
  const [state, action] = useActionState(changePinAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label="Change the two-step verification PIN">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <Hint>Sets a new random 6-digit PIN, kept encrypted in our vault and never shown. The current PIN is kept until Meta accepts the new one.</Hint>
      <FormMessage state={state} />
      <SubmitButton pendingText="Changing…">Change the PIN</SubmitButton>
    </form>
  );
}

export function DisplayNameForm({ wabaId, phoneNumberId }: Ref) {
  const [state, action] = useActionState(displayNameAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label="Request a display name change">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <Field label="New display name" name="newDisplayName" state={state} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Sending…">Request the change</SubmitButton>
    </form>
  );
}

export function TestMessageForm({ wabaId, phoneNumberId, templates }: Ref & { templates: Array<{ name: string; language: string }> }) {
  const [state, action] = useActionState(testMessageAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="space-y-3" aria-label="Send a test message">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <div>
        <Field label="Send to (international format)" name="to" type="tel" state={state} autoComplete="off" />
        <Hint>Digits with the country code, e.g. +16505551234.</Hint>
      </div>
      <Select
        label="Message"
        name="kind"
        state={state}
        defaultValue="text"
        options={[
          { value: 'text', label: 'Text (only if this person wrote to the number in the last 24 hours)' },
          { value: 'template', label: 'Approved template (at any time)' },
        ]}
      />
      <Field label="Text" name="body" state={state} required={false} defaultValue="Hello from our support team: this is a test message." />
      {templates.length > 0 ? (
        <Select
          label="Template"
          name="template"
          state={state}
          options={templates.map((t) => ({ value: `${t.name}|${t.language}`, label: `${t.name} (${t.language})` }))}
        />
      ) : (
        <Hint>This account has no approved template we know of: outside the 24-hour window only a template is delivered.</Hint>
      )}
      <FormMessage state={state} />
      <SubmitButton pendingText="Sending…">Send the test message</SubmitButton>
    </form>
  );
}

export function RefreshForm({ wabaId, phoneNumberId }: Ref) {
  const [state, action] = useActionState(refreshNumberAction, {});
  useRefreshAfter(state);
  return (
    <form action={action} className="flex items-center gap-3" aria-label="Read the number from Meta">
      <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
      <SubmitButton pendingText="Reading…">Read from Meta</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function WebhookOverrideForm({ wabaId, phoneNumberId, current }: Ref & { current: string | null }) {
  const [state, action] = useActionState(webhookOverrideAction, {});
  const [clearState, clear] = useActionState(clearWebhookOverrideAction, {});
  useRefreshAfter(state);
  useRefreshAfter(clearState);
  return (
    <div className="space-y-3">
      <form action={action} className="space-y-3" aria-label="Override this number’s callback URL">
        <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
        <Field label="Callback URL for this number" name="callbackUri" type="url" state={state} defaultValue={current ?? undefined} />
        <div>
          <Field label="Verify token of that server" name="token" type="password" state={state} required={false} autoComplete="off" />
          <Hint>Meta calls the URL once with this token before it accepts it. Leave it empty for our own webhook address: we make one up.</Hint>
        </div>
        <FormMessage state={state} />
        <SubmitButton pendingText="Asking Meta…">Set the override</SubmitButton>
      </form>
      {current ? (
        <form action={clear} className="flex items-center gap-3" aria-label="Remove this number’s callback override">
          <Hidden wabaId={wabaId} phoneNumberId={phoneNumberId} />
          <SubmitButton pendingText="Removing…">Remove the override</SubmitButton>
          <FormMessage state={clearState} />
        </form>
      ) : null}
    </div>
  );
}
