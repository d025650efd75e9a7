import { metaConfig } from '@/lib/env';

// Where Graph calls go and with which app: configuration, read on every call.

export type GraphSettings = {
  graphUrl: string;
  graphVersion: string;
  appId: string;
  appSecret: string;
  systemToken: string | undefined;
  timeoutMs: number;
};

let overrides: Partial<GraphSettings> = {};

// Settings are read from metaConfig() on every call, so a change of configuration needs no
// restart; tests and scripts that start a sandbox on a random port call `overrideGraphSettings`.
export function graphSettings(): GraphSettings {
  const config = metaConfig();
  return {
    graphUrl: config.graphUrl,
    graphVersion: config.graphVersion,
    appId: config.appId,
    appSecret: config.appSecret,
    systemToken: config.systemToken,
    timeoutMs: 15_000,
    ...overrides,
  };
}

/** Replaces some settings (for tests and benchmark scripts); returns a function that restores the previous ones. */
export function overrideGraphSettings(partial: Partial<GraphSettings>): () => void {
  const previous = overrides;
  overrides = { ...overrides, ...partial };
  return () => {
    overrides = previous;
  };
}
