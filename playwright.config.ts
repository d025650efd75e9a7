import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser; the flags keep it off this machine's closed network.
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// The portal under test: a production build on its own port and a fresh data folder (scripts/test.ts
// sets E2E_DATA_DIR); with no Meta app configured it starts the sandbox beside itself.
export const portalUrl = `http://127.0.0.1:${process.env.E2E_PORT ?? '3100'}`;
export const sandboxUrl = `http://127.0.0.1:${process.env.E2E_SANDBOX_PORT ?? '4110'}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  webServer: {
    command: 'node --import tsx scripts/start.ts',
    url: `${portalUrl}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: process.env.E2E_PORT ?? '3100',
      SANDBOX_PORT: process.env.E2E_SANDBOX_PORT ?? '4110',
      PUBLIC_URL: portalUrl,
      DATA_DIR: process.env.E2E_DATA_DIR ?? '.data/e2e',
      LOG_LEVEL: 'warn',
      SANDBOX_LATENCY: '20',
      // Every call that carries a token must prove the app secret, as a Meta app can require.
      SANDBOX_REQUIRE_APPSECRET_PROOF: '1',
    },
  },
  // staff.spec.ts is the first run on an empty data folder (it creates the admin); the other files
  // sign in as that admin.
  projects: [
    { name: 'first-run', testMatch: /\/staff\.spec\.ts$/ },
    { name: 'flows', testIgnore: /\/staff\.spec\.ts$/, dependencies: ['first-run'] },
  ],
  use: {
    baseURL: portalUrl,
    headless: true,
    launchOptions: chromiumLaunch,
    trace: 'retain-on-failure',
  },
});
