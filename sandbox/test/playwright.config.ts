import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config';

// Runs only e2e/sandbox.spec.ts, without the portal web server the root config starts:
// `npx playwright test -c sandbox/test/playwright.config.ts`.
export default defineConfig({
  testDir: '../../e2e',
  testMatch: 'sandbox.spec.ts',
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: { headless: true, launchOptions: chromiumLaunch },
});
