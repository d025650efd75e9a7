'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CompletionInput, CompletionResult, LaunchConfig, SignupOutcome } from '@/lib/onboarding/sessions';
import { isTrustedOrigin, parseSignupMessage, type FinishInfo, type SignupMessage } from '@/lib/onboarding/signup-messages';

// The Embedded Signup button (docs/meta/embedded-signup.md): loads the SDK from the configured URL, launches the
// popup for a server-issued session, reports the FINISH message's ids as soon as they arrive, pairs
// the code with them whichever comes first, and hands both to the completion action.

/** The customer's server actions, passed in by the signup pages (components do not import app routes). */
export type SignupActions = {
  openSession(linkToken: string): Promise<{ sessionId: string } | { error: string }>;
  launch(sessionId: string, linkToken: string): Promise<{ sessionId: string } | { error: string }>;
  finish(sessionId: string, finish: FinishInfo): Promise<void>;
  outcome(sessionId: string, outcome: SignupOutcome): Promise<{ advice: string } | { error: string }>;
  complete(sessionId: string, input: CompletionInput): Promise<CompletionResult>;
};

type LoginResponse = { status?: string; authResponse?: { code?: string | null } | null };
type FacebookSdk = {
  init(options: Record<string, unknown>): void;
  login(callback: (response: LoginResponse) => void, options: Record<string, unknown>): void;
};
type Fbq = ((...args: unknown[]) => void) & {
  queue?: unknown[][];
  callMethod?: (...args: unknown[]) => void;
  loaded?: boolean;
  version?: string;
  push?: unknown;
};
type SignupWindow = Window & { FB?: FacebookSdk; fbAsyncInit?: () => void; fbq?: Fbq; _fbq?: Fbq };

type Phase = { name: 'preparing' } | { name: 'ready' } | { name: 'waiting' } | { name: 'submitting' } | { name: 'stopped'; title: string; message: string };

/** How long to wait for the session-info message once the code is in (the server can find the WABA itself). */
const messageGraceMs = 3_000;
/** How long to wait for a CANCEL or error message after the popup closed without a code. */
const cancelGraceMs = 1_500;

function loadScript(src: string, onError?: () => void): void {
  if (document.querySelector(`script[src="${CSS.escape(src)}"]`)) return;
  const script = document.createElement('script');
  script.src = src;
  script.async = true;
  script.defer = true;
  script.crossOrigin = 'anonymous';
  if (onError) script.onerror = onError;
  document.body.appendChild(script);
}

/** How long Facebook's SDK may take to load before the customer is told what is in the way. */
const sdkLoadMs = 20_000;
const sdkProblem = {
  name: 'stopped' as const,
  title: 'Facebook’s signup window could not load',
  message: 'Check your internet connection, and allow facebook.com and connect.facebook.net if a privacy or ad blocker is on, then reload this page.',
};

/** The standard Pixel bootstrap: a queueing `fbq` until fbevents.js takes over (docs/meta/pixel.md). */
function pixel(config: LaunchConfig): Fbq | undefined {
  if (!config.pixel) return undefined;
  const w = window as SignupWindow;
  if (!w.fbq) {
    const fbq: Fbq = (...args: unknown[]) => (fbq.callMethod ? fbq.callMethod(...args) : fbq.queue!.push(args));
    Object.assign(fbq, { queue: [], loaded: true, version: '2.0', push: fbq });
    w.fbq = fbq;
    w._fbq ??= fbq;
    loadScript(config.pixel.url);
    fbq('init', config.pixel.id);
    fbq('track', 'PageView', { appId: config.appId, feature: 'whatsapp_embedded_signup' });
  }
  return w.fbq;
}

export function EmbeddedSignup({ linkToken, launch, actions }: { linkToken: string; launch: LaunchConfig; actions: SignupActions }) {
  const router = useRouter();
  // The server actions keep their identity for the page's life: a re-render must not open a new session.
  const calls = useRef(actions);
  const [phase, setPhase] = useState<Phase>({ name: 'preparing' });
  const [sdkReady, setSdkReady] = useState(false);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const received = useRef<{ code?: string; finish?: FinishInfo; stop?: SignupMessage; settled: boolean }>({ settled: false });
  // The session the popup completes, as the launch reported it (a fresh one when the page stood open too long).
  const launched = useRef<Promise<{ sessionId: string } | { error: string }> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const track = useCallback((event: string) => pixel(launch)?.('trackCustom', event, { appId: launch.appId, feature: 'whatsapp_embedded_signup' }), [launch]);

  const openSession = useCallback(async () => {
    received.current = { settled: false };
    launched.current = null;
    setSessionId(null);
    setPhase({ name: 'preparing' });
    const opened = await calls.current.openSession(linkToken);
    if ('error' in opened) {
      setPhase({ name: 'stopped', title: 'This signup link cannot be used', message: opened.error });
      return;
    }
    setSessionId(opened.sessionId);
  }, [linkToken]);

  useEffect(() => {
    void openSession();
  }, [openSession]);

  useEffect(() => {
    if (sessionId && sdkReady) setPhase((current) => (current.name === 'preparing' ? { name: 'ready' } : current));
  }, [sessionId, sdkReady]);

  useEffect(() => {
    pixel(launch);
    const w = window as SignupWindow;
    const init = () => {
      w.FB!.init({ appId: launch.appId, autoLogAppEvents: true, xfbml: true, version: launch.graphVersion });
      setSdkReady(true);
    };
    if (w.FB) {
      init();
      return;
    }
    w.fbAsyncInit = init;
    const fail = () => setPhase(sdkProblem);
    loadScript(launch.sdkUrl, fail);
    const timer = setTimeout(() => {
      if (!w.FB) fail();
    }, sdkLoadMs);
    return () => clearTimeout(timer);
  }, [launch]);

  const launchedSession = useCallback(async (fallback: string) => (await launched.current) ?? { sessionId: fallback }, []);

  const submit = useCallback(
    async (fallbackId: string) => {
      const state = received.current;
      if (state.settled || !state.code) return;
      state.settled = true;
      clearTimeout(timer.current);
      setPhase({ name: 'submitting' });
      const launch = await launchedSession(fallbackId);
      if ('error' in launch) {
        setPhase({ name: 'stopped', title: 'We could not finish connecting your account', message: launch.error });
        return;
      }
      const result = await calls.current.complete(launch.sessionId, { code: state.code, finish: state.finish ?? null });
      if (result.ok) {
        track('WhatsAppOnboardingFinish');
        router.push(`/onboarding/${result.sessionId}`);
      } else {
        setPhase({ name: 'stopped', title: 'We could not finish connecting your account', message: result.message });
      }
    },
    [router, track, launchedSession],
  );

  const stop = useCallback(
    async (fallbackId: string) => {
      const state = received.current;
      if (state.settled || state.code) return;
      state.settled = true;
      clearTimeout(timer.current);
      const message = state.stop;
      const outcome = message?.kind === 'error' ? message : { kind: 'cancel' as const, currentStep: message?.kind === 'cancel' ? message.currentStep : null };
      track('WhatsAppOnboardingCancel');
      const launch = await launchedSession(fallbackId);
      const result = 'error' in launch ? launch : await calls.current.outcome(launch.sessionId, outcome);
      setPhase({
        name: 'stopped',
        title: outcome.kind === 'error' ? 'Meta stopped the signup' : 'Signup not finished',
        message: 'advice' in result ? result.advice : result.error,
      });
    },
    [track, launchedSession],
  );

  useEffect(() => {
    if (!sessionId) return;
    const id = sessionId;
    function onMessage(event: MessageEvent) {
      const message = parseSignupMessage(event.data);
      if (!message) return;
      if (!isTrustedOrigin(event.origin, launch.trustedOrigins)) {
        console.warn(`Ignored an Embedded Signup message from an untrusted origin: ${event.origin}`);
        return;
      }
      const state = received.current;
      if (message.kind === 'finish') {
        state.finish = message;
        const { kind: _kind, ...finish } = message;
        // Kept before the code arrives: if the page closes now, staff can still follow up.
        void launchedSession(id).then((launch) => ('sessionId' in launch ? calls.current.finish(launch.sessionId, finish) : undefined));
        if (state.code) void submit(id);
      } else {
        state.stop = message;
      }
    }
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [sessionId, launch.trustedOrigins, submit, launchedSession]);

  function start() {
    const w = window as SignupWindow;
    if (!sessionId || !w.FB) return;
    const id = sessionId;
    received.current = { settled: false };
    setPhase({ name: 'waiting' });
    track('WhatsAppOnboardingStart');
    launched.current = calls.current.launch(id, linkToken).catch(() => ({ sessionId: id }));
    // The SDK rejects async callbacks: keep this one plain and chain the work.
    w.FB.login(
      (response) => {
        const code = response.authResponse?.code;
        if (code) {
          received.current.code = code;
          if (received.current.finish) void submit(id);
          else timer.current = setTimeout(() => void submit(id), messageGraceMs);
        } else {
          timer.current = setTimeout(() => void stop(id), received.current.stop ? 0 : cancelGraceMs);
        }
      },
      {
        config_id: launch.configId,
        response_type: 'code',
        override_default_response_type: true,
        extras: launch.extras,
      },
    );
  }

  return (
    <div className="space-y-4" data-testid="embedded-signup" data-phase={phase.name}>
      {phase.name === 'stopped' ? (
        <div role="alert" data-testid="signup-problem" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
          <p className="font-semibold text-amber-900">{phase.title}</p>
          <p className="mt-1 text-amber-900">{phase.message}</p>
        </div>
      ) : null}
      {phase.name === 'stopped' ? (
        <button
          type="button"
          onClick={() => (sdkReady ? void openSession() : window.location.reload())}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50"
        >
          Start again
        </button>
      ) : (
        <button
          type="button"
          onClick={start}
          disabled={phase.name !== 'ready'}
          className="rounded-md bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-60"
        >
          {phase.name === 'preparing'
            ? 'Loading…'
            : phase.name === 'waiting'
              ? 'Finish the steps in the Facebook window…'
              : phase.name === 'submitting'
                ? 'Connecting your account…'
                : 'Connect with Facebook'}
        </button>
      )}
    </div>
  );
}
