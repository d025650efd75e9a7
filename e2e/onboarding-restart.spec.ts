import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { advanceTo, clickAndClose } from './popup';

// A portal killed (SIGKILL) while a step's Graph call is in flight: started again on the same data,
// it resumes the onboarding and finishes it, and Meta sees each side effect once. The sandbox runs in
// this process so that it outlives the portal; the portal finds it on its port and reuses it.
test.describe.configure({ mode: 'serial' });

const port = Number(process.env.E2E_RESTART_PORT ?? 3120);
const portal = `http://127.0.0.1:${port}`;
let sandbox: RunningSandbox;
let dataDir = '';
let server: ChildProcess | undefined;

function startPortal(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: new URL(sandbox.url).port,
      PUBLIC_URL: portal,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function healthy(): Promise<void> {
  await expect.poll(async () => (await fetch(`${portal}/api/health`).catch(() => undefined))?.status, { timeout: 90_000, intervals: [250] }).toBe(200);
}

async function sandboxControl<T>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.url}/_sandbox${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${method} ${route}: ${response.status}`);
  return (await response.json()) as T;
}

test.beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, host: '127.0.0.1', latency: 20, scenario: 'demo', log: () => {} });
  dataDir = mkdtempSync(path.join(tmpdir(), 'onramp-restart-'));
  server = startPortal();
  await healthy();
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type SandboxState = { phoneNumbers: { registerCalls: unknown[] }[]; allocations: { status: string }[] };
const registrations = (state: SandboxState) => state.phoneNumbers.reduce((sum, p) => sum + p.registerCalls.length, 0);
const activeAllocations = (state: SandboxState) => state.allocations.filter((a) => a.status === 'ACTIVE').length;

test('a portal killed mid-pipeline resumes after a restart and registers the number once', async ({ page }) => {
  const before = await sandboxControl<SandboxState>('GET', '/state');
  // The registration call takes 4 s at "Meta": the portal dies while it is in flight.
  await sandboxControl('POST', '/faults', { method: 'POST', path: '/{id}/register', kind: 'latency', latencyMs: 4000, next: 1 });

  await page.goto(`${portal}/signup`);
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await advanceTo(popup, 'success');
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-step="register_phone"]')).toHaveAttribute('data-step-status', 'running', { timeout: 30_000 });

  const killed = server!;
  await new Promise<void>((resolve) => {
    killed.once('exit', () => resolve());
    killed.kill('SIGKILL');
  });
  // Meta finishes the registration the dead portal asked for; the answer has nobody to go to.
  await expect.poll(async () => registrations(await sandboxControl<SandboxState>('GET', '/state')), { timeout: 15_000 }).toBe(registrations(before) + 1);

  server = startPortal();
  await healthy();
  const status = page.getByTestId('onboarding-status');
  await expect(status).toHaveAttribute('data-status', /^(live|action_needed)$/, { timeout: 90_000 });
  for (const step of ['subscribe_app', 'assign_system_user', 'share_credit_line', 'register_phone', 'read_status']) {
    await expect(page.locator(`[data-step="${step}"]`)).toHaveAttribute('data-step-status', 'done');
  }

  const after = await sandboxControl<SandboxState>('GET', '/state');
  expect(registrations(after)).toBe(registrations(before) + 1);
  expect(activeAllocations(after)).toBe(activeAllocations(before) + 1);
});
