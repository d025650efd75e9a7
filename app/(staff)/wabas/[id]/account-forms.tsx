'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useId, type ReactNode } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import type { StaffActionState } from '@/lib/staff-action';
import {
  addSystemUserAction,
  clearWabaOverrideAction,
  offboardAction,
  reauthorizeAction,
  refreshAccountAction,
  removeSystemUserAction,
  resubscribeAction,
  revokeCreditAction,
  shareCreditAction,
  verifyCreditAction,
  wabaOverrideAction,
} from './actions';

// The account page's forms. Each posts to its server action, which checks the role again.

type Action = (state: StaffActionState, form: FormData) => Promise<StaffActionState>;

function useRefreshAfter(state: StaffActionState) {
  const router = useRouter();
  useEffect(() => {
    if (state.ok || state.error) router.refresh();
  }, [state, router]);
}

function FieldError({ state, name }: { state: StaffActionState; name: string }) {
  const errors = state.fieldErrors?.[name];
  return errors ? <span className="mt-1 block text-sm text-red-700">{errors.join(' ')}</span> : null;
}

function Confirm({ state, children }: { state: StaffActionState; children: ReactNode }) {
  return (
    <>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="confirm" value="yes" className="mt-1" />
        <span>{children}</span>
      </label>
      <FieldError state={state} name="confirm" />
    </>
  );
}

/** A form with the WABA's id, its fields, the outcome and one button. */
function AccountForm({
  action,
  wabaId,
  label,
  button,
  pending,
  children,
  after,
}: {
  action: Action;
  wabaId: string;
  label: string;
  button: string;
  pending: string;
  children?: (state: StaffActionState) => ReactNode;
  after?: (state: StaffActionState) => ReactNode;
}) {
  const [state, formAction] = useActionState(action, {});
  useRefreshAfter(state);
  return (
    <form action={formAction} className="space-y-3" aria-label={label}>
      <input type="hidden" name="wabaId" value={wabaId} />
      {children?.(state)}
      <FormMessage state={state} />
      {after?.(state)}
      <SubmitButton pendingText={pending}>{button}</SubmitButton>
    </form>
  );
}

export function RefreshAccountForm({ wabaId }: { wabaId: string }) {
  return <AccountForm action={refreshAccountAction} wabaId={wabaId} label="Refresh from Meta" button="Refresh from Meta" pending="Reading from Meta…" />;
}

export function ResubscribeForm({ wabaId, button = 'Re-subscribe' }: { wabaId: string; button?: string }) {
  return <AccountForm action={resubscribeAction} wabaId={wabaId} label="Subscribe our app again" button={button} pending="Subscribing…" />;
}

export function WabaOverrideForm({ wabaId, suggested }: { wabaId: string; suggested: string }) {
  return (
    <AccountForm
      action={wabaOverrideAction}
      wabaId={wabaId}
      label="Set the WABA callback override"
      button="Set the override"
      pending="Meta is checking the address…"
    >
      {(state) => (
        <>
          <Field label="Callback address" name="callbackUri" type="url" state={state} defaultValue={state.values?.callbackUri ?? suggested} />
          <Field label="Verify token (only for another server)" name="verifyToken" state={state} required={false} autoComplete="off" />
          <p className="text-xs text-slate-600">
            Meta calls the address with a verification request first and refuses it when that fails. Only messages webhooks follow the override; account and
            template webhooks still come to our app.
          </p>
        </>
      )}
    </AccountForm>
  );
}

export function ClearWabaOverrideForm({ wabaId }: { wabaId: string }) {
  return (
    <AccountForm action={clearWabaOverrideAction} wabaId={wabaId} label="Remove the WABA callback override" button="Remove the override" pending="Removing…" />
  );
}

export function AddSystemUserForm({ wabaId }: { wabaId: string }) {
  return <AccountForm action={addSystemUserAction} wabaId={wabaId} label="Add our system user" button="Add our system user" pending="Adding…" />;
}

export function RemoveSystemUserForm({ wabaId, userId, name }: { wabaId: string; userId: string; name: string }) {
  return (
    <AccountForm action={removeSystemUserAction} wabaId={wabaId} label={`Remove ${name}`} button="Remove" pending="Removing…">
      {(state) => (
        <>
          <input type="hidden" name="userId" value={userId} />
          <Confirm state={state}>Yes, remove {name}: its token stops working on this account.</Confirm>
        </>
      )}
    </AccountForm>
  );
}

export function ShareCreditForm({ wabaId, currencies, defaultCurrency }: { wabaId: string; currencies: readonly string[]; defaultCurrency: string }) {
  const id = useId();
  return (
    <AccountForm action={shareCreditAction} wabaId={wabaId} label="Share our credit line" button="Share and attach" pending="Sharing…">
      {(state) => (
        <div className="text-sm">
          <label htmlFor={id} className="block font-medium text-slate-700">
            Currency the customer is billed in
          </label>
          <select
            key={state.values?.currency}
            id={id}
            name="currency"
            defaultValue={state.values?.currency ?? defaultCurrency}
            className="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-2"
          >
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <FieldError state={state} name="currency" />
          <p className="mt-1 text-xs text-slate-600">A line cannot be changed once attached: choose the currency with the customer.</p>
        </div>
      )}
    </AccountForm>
  );
}

export function VerifyCreditForm({ wabaId }: { wabaId: string }) {
  return <AccountForm action={verifyCreditAction} wabaId={wabaId} label="Verify the credit line" button="Verify" pending="Verifying…" />;
}

export function RevokeCreditForm({ wabaId, others }: { wabaId: string; others: Array<{ metaWabaId: string; name: string | null }> }) {
  return (
    <AccountForm action={revokeCreditAction} wabaId={wabaId} label="Revoke our credit line" button="Revoke" pending="Revoking…">
      {(state) => (
        <>
          <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="revoke-warning">
            <p className="font-medium">The whole business portfolio loses the line</p>
            {others.length > 0 ? (
              <p>
                {others.length} other connected {others.length === 1 ? 'account' : 'accounts'} of this business {others.length === 1 ? 'is' : 'are'} on our line
                and will stop being able to pay for messages too: {others.map((o) => o.name ?? o.metaWabaId).join(', ')}.
              </p>
            ) : (
              <p>
                No other connected account of this business is on our line. This account stops being able to pay for messages until it has another payment
                method.
              </p>
            )}
          </div>
          <Confirm state={state}>Yes, revoke our credit line</Confirm>
        </>
      )}
    </AccountForm>
  );
}

export function ReauthorizeForm({ wabaId }: { wabaId: string }) {
  return (
    <AccountForm
      action={reauthorizeAction}
      wabaId={wabaId}
      label="Create a reauthorization link"
      button="Re-authorize"
      pending="Creating the link…"
      after={(state) => {
        const url = typeof state.data?.url === 'string' ? state.data.url : null;
        return url ? (
          <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="reauthorize-link">
            <code className="break-all rounded bg-slate-50 px-2 py-1 text-xs">{url}</code>
            <CopyButton text={url} label="the reauthorization link" />
          </p>
        ) : null;
      }}
    />
  );
}

export function OffboardForm({ wabaId, checklist }: { wabaId: string; checklist: Array<{ label: string; undo: string }> }) {
  return (
    <AccountForm action={offboardAction} wabaId={wabaId} label="Offboard the customer" button="Offboard" pending="Offboarding…">
      {(state) => (
        <>
          <ol className="list-decimal space-y-1 pl-5 text-sm">
            {checklist.map((item) => (
              <li key={item.label}>
                {item.label}
                <span className="block text-xs text-slate-600">{item.undo}</span>
              </li>
            ))}
          </ol>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="deregisterNumbers" value="yes" className="mt-1" />
            <span>Also deregister the account’s phone numbers (the customer asked for it)</span>
          </label>
          <Confirm state={state}>Yes, offboard this customer</Confirm>
        </>
      )}
    </AccountForm>
  );
}
