'use client';

import { useCallback, useEffect, useState } from 'react';

// The `manage_app_solution` login (Meta: Multi-Partner Solution — Embedded creation): FB.login with
// that scope and no config_id returns a user token in authResponse.accessToken. The token stays in
// this component's memory until the one server action that uses it; it is never stored.

export type SdkConfig = { appId: string; graphVersion: string; sdkUrl: string };

type LoginResponse = { status?: string; authResponse?: { accessToken?: string | null } | null };
type FacebookSdk = { init(options: Record<string, unknown>): void; login(callback: (response: LoginResponse) => void, options: Record<string, unknown>): void };
type SdkWindow = Window & { FB?: FacebookSdk; fbAsyncInit?: () => void };

let loading: Promise<void> | null = null;

/** One SDK load and FB.init per page, whichever component asks first. */
function loadSdk(sdk: SdkConfig): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const w = window as SdkWindow;
    const init = () => {
      w.FB!.init({ appId: sdk.appId, xfbml: false, version: sdk.graphVersion });
      resolve();
    };
    if (w.FB) return init();
    w.fbAsyncInit = init;
    const script = document.createElement('script');
    script.src = sdk.sdkUrl;
    script.async = true;
    script.crossOrigin = 'anonymous';
    script.onerror = () => {
      loading = null;
      reject(new Error('sdk'));
    };
    document.body.appendChild(script);
  });
  return loading;
}

/** Loads and initialises the SDK once; `login` must be called from a click (the popup opens at once). */
export function useSolutionLogin(sdk: SdkConfig) {
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    loadSdk(sdk).then(
      () => live && setReady(true),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [sdk]);

  const login = useCallback((onToken: (token: string | null) => void) => {
    const w = window as SdkWindow;
    if (!w.FB) return onToken(null);
    // The SDK rejects async callbacks: keep this one plain.
    w.FB.login((response) => onToken(response.authResponse?.accessToken ?? null), { scope: 'manage_app_solution' });
  }, []);

  return { ready, failed, login };
}
