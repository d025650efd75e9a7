'use client';

import { startTransition, useActionState, useRef, useState, type ReactNode } from 'react';
import { useFormStatus } from 'react-dom';
import { Field, FormMessage, SubmitButton } from '@/components/ui/form';
import type { StaffActionState } from '@/lib/staff-action';
import type { SolutionAction } from '@/lib/solutions/states';
import {
  addWabaToSolutionAction,
  changeSolutionAction,
  createSolutionAction,
  createTechProviderSolutionAction,
  loginAppsAction,
  refreshSolutionsAction,
} from './actions';
import { useSolutionLogin, type SdkConfig } from './facebook-login';

/** How this partner type writes to solutions: the system token (Solution Partners) or a manage_app_solution login. */
export type WriteMode = 'system_token' | 'login';

const buttonClass =
  'whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50';

function FieldError({ state, name }: { state: StaffActionState; name: string }) {
  const errors = state.fieldErrors?.[name];
  return errors ? <span className="mt-1 block text-sm text-red-700">{errors.join(' ')}</span> : null;
}

function MessagingChoice({ name, usLabel, partnerLabel, state }: { name: string; usLabel: string; partnerLabel: string; state: StaffActionState }) {
  return (
    <fieldset className="text-sm">
      <legend className="font-medium text-slate-700">Which app sends the customers’ messages (holds MESSAGING)</legend>
      <label className="mt-1 flex items-center gap-2">
        <input type="radio" name={name} value="us" defaultChecked={state.values?.[name] !== 'partner'} /> {usLabel}
      </label>
      <label className="flex items-center gap-2">
        <input type="radio" name={name} value="partner" defaultChecked={state.values?.[name] === 'partner'} /> {partnerLabel}
      </label>
      <FieldError state={state} name={name} />
    </fieldset>
  );
}

export function RefreshSolutionsButton() {
  const [state, action] = useActionState(refreshSolutionsAction, {});
  return (
    <form action={action} className="space-y-1">
      <SubmitButton pendingText="Reading…">Refresh from Meta</SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

function LoginButton({ children, onClick, disabled }: { children: ReactNode; onClick: () => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      onClick={onClick}
      disabled={disabled}
      className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
    >
      {children}
    </button>
  );
}

/** A solution owned by our app: with the system token, or (Tech Providers) with a manage_app_solution login. */
export function CreateSolutionForm({ mode, sdk }: { mode: WriteMode; sdk: SdkConfig }) {
  const [state, dispatch] = useActionState(createSolutionAction, {});
  const formRef = useRef<HTMLFormElement>(null);
  const { ready, failed, login } = useSolutionLogin(sdk);
  const [waiting, setWaiting] = useState(false);

  function withLogin() {
    const form = formRef.current;
    if (!form) return;
    const fields = Object.fromEntries(new FormData(form)) as Record<string, string>;
    setWaiting(true);
    login((token) => {
      setWaiting(false);
      startTransition(() => dispatch({ ...fields, token: token ?? '' }));
    });
  }

  return (
    <form ref={formRef} action={dispatch} noValidate className="space-y-3" aria-label="Create a solution">
      <Field label="Solution name" name="name" state={state} />
      <Field label="Partner’s app id" name="partnerAppId" state={state} />
      <MessagingChoice name="messaging" usLabel="Our app" partnerLabel="The partner’s app" state={state} />
      <FormMessage state={state} />
      {mode === 'system_token' ? (
        <SubmitButton pendingText="Creating…">Create and send to the partner</SubmitButton>
      ) : (
        <>
          <LoginButton onClick={withLogin} disabled={!ready || waiting}>
            {waiting ? 'Waiting for Facebook…' : 'Sign in with Facebook and create'}
          </LoginButton>
          <p className="text-xs text-slate-600">
            As a Tech Provider you sign in with the Facebook account that manages this app; Onramp uses that login once and keeps nothing.
          </p>
          {failed ? <p className="text-sm text-red-700">Facebook’s SDK could not load.</p> : null}
        </>
      )}
    </form>
  );
}

type App = { id: string; name?: string };

/**
 * Embedded creation (Meta: Multi-Partner Solution — Embedded creation): a Tech Provider signs in with
 * `manage_app_solution`, we read the apps it allowed, it chooses one, and the solution is created on
 * that app with us as the partner and accepted with our system token.
 */
export function EmbeddedCreation({ sdk }: { sdk: SdkConfig }) {
  const { ready, failed, login } = useSolutionLogin(sdk);
  const token = useRef<string | null>(null);
  const [apps, appsAction, listing] = useActionState(loginAppsAction, {});
  const [created, createAction] = useActionState(createTechProviderSolutionAction, {});
  const [waiting, setWaiting] = useState(false);
  const chosen = (apps.data?.apps as App[] | undefined) ?? [];

  function signIn() {
    setWaiting(true);
    login((value) => {
      setWaiting(false);
      token.current = value;
      startTransition(() => appsAction({ token: value ?? '' }));
    });
  }

  function create(form: FormData) {
    startTransition(() => createAction({ ...(Object.fromEntries(form) as Record<string, string>), token: token.current ?? '' }));
  }

  return (
    <div className="space-y-3" data-testid="embedded-creation">
      <p className="text-sm text-slate-600">
        The Tech Provider’s developer signs in with Facebook here and allows our app to manage solutions for their apps. Their login is used for this creation
        only and never kept.
      </p>
      <LoginButton onClick={signIn} disabled={!ready || waiting || listing}>
        {waiting ? 'Waiting for Facebook…' : 'Create a solution with a Tech Provider’s login'}
      </LoginButton>
      {failed ? <p className="text-sm text-red-700">Facebook’s SDK could not load.</p> : null}
      {created.ok ? null : <FormMessage state={apps} />}
      {chosen.length > 0 && !created.ok ? (
        <form action={create} className="space-y-3" aria-label="Create the Tech Provider’s solution">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">The Tech Provider’s app</span>
            <select name="techProviderAppId" className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2">
              {chosen.map((app) => (
                <option key={app.id} value={app.id}>
                  {app.name ? `${app.name} (${app.id})` : app.id}
                </option>
              ))}
            </select>
            <FieldError state={created} name="techProviderAppId" />
          </label>
          <Field label="Solution name" name="name" state={created} />
          <MessagingChoice name="messaging" usLabel="Our app" partnerLabel="Their app" state={created} />
          <SubmitButton pendingText="Creating…">Create and accept</SubmitButton>
        </form>
      ) : null}
      <FormMessage state={created} />
    </div>
  );
}

function ActionSubmit({ children }: { children: ReactNode }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} className={buttonClass}>
      {pending ? 'Working…' : children}
    </button>
  );
}

/** The actions the solution's state permits; Tech Providers sign in for each. */
export function SolutionActions({
  solutionId,
  actions,
  mode,
  sdk,
}: {
  solutionId: string;
  actions: Array<{ action: SolutionAction; label: string }>;
  mode: WriteMode;
  sdk: SdkConfig;
}) {
  const [state, dispatch] = useActionState(changeSolutionAction, {});
  const { ready, login } = useSolutionLogin(sdk);
  const [waiting, setWaiting] = useState(false);

  function withLogin(action: SolutionAction) {
    setWaiting(true);
    login((token) => {
      setWaiting(false);
      startTransition(() => dispatch({ solutionId, action, token: token ?? '' }));
    });
  }

  return (
    <div className="space-y-1">
      <div className={actions.length > 0 ? 'flex flex-wrap gap-2' : 'hidden'}>
        {actions.map(({ action, label }) =>
          mode === 'system_token' ? (
            <form key={action} action={dispatch}>
              <input type="hidden" name="solutionId" value={solutionId} />
              <input type="hidden" name="action" value={action} />
              <ActionSubmit>{label}</ActionSubmit>
            </form>
          ) : (
            <button key={action} type="button" className={buttonClass} disabled={!ready || waiting} onClick={() => withLogin(action)}>
              {label}
            </button>
          ),
        )}
      </div>
      <FormMessage state={state} />
    </div>
  );
}

export function AddWabaForm({ solutionId, wabas }: { solutionId: string; wabas: Array<{ metaWabaId: string; label: string }> }) {
  const [state, action] = useActionState(addWabaToSolutionAction, {});
  const steps = state.data?.steps as string[] | undefined;
  return (
    <form action={action} className="space-y-3" aria-label="Add an existing WhatsApp Business Account">
      <input type="hidden" name="solutionId" value={solutionId} />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">WhatsApp Business Account</span>
        <select name="metaWabaId" className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2" defaultValue={state.values?.metaWabaId}>
          {wabas.map((w) => (
            <option key={w.metaWabaId} value={w.metaWabaId}>
              {w.label}
            </option>
          ))}
        </select>
        <FieldError state={state} name="metaWabaId" />
      </label>
      {steps ? (
        <div role="status" className="rounded-md border border-brand-200 bg-brand-50 p-3 text-sm" data-testid="migration-next-steps">
          <p className="font-medium text-brand-700">Meta recorded the move. What the customer does next:</p>
          <ol className="mt-1 list-decimal space-y-1 pl-5">
            {steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </div>
      ) : (
        <FormMessage state={state} />
      )}
      <SubmitButton pendingText="Asking Meta…">Add to this solution</SubmitButton>
    </form>
  );
}
