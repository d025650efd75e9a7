import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Browser, type BrowserContext, type Cookie, type Page } from '@playwright/test';
import { portalUrl, sandboxUrl } from '../playwright.config';
import { advanceTo, clickAndClose } from './popup';
import { capture, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('security', name);

// Browser and session hardening: framing, the Content-Security-Policy on the signup flow, server
// actions from other origins, sessions that end when they should, and failed sign-ins told to the owner.
test.describe.configure({ mode: 'serial' });

const member = { name: 'Sam Secure', email: 'sam@example.com', password: 'lantern-field-31', next: 'copper-river-58' };

/** A page on another origin of the same site (another port on 127.0.0.1), serving `html`. */
async function foreignSite(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Records every Content-Security-Policy violation the page reports. */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeFunction('__reportViolation', (text: string) => violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __reportViolation: (t: string) => void }).__reportViolation(
        `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return violations;
}

async function cookieOnlyContext(browser: Browser, cookies: Cookie[]): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  return context.newPage();
}

async function opensDashboard(page: Page): Promise<boolean> {
  await page.goto('/dashboard');
  return new URL(page.url()).pathname === '/dashboard';
}

test('a staff page or the signup page framed by another origin on the same site is refused; an unprotected page frames fine', async ({ page }) => {
  await signInAsAdmin(page);
  const site = await foreignSite(`<!doctype html>
    <iframe id="staff" src="${portalUrl}/staff"></iframe>
    <iframe id="signup" src="${portalUrl}/signup"></iframe>
    <iframe id="control" src="${sandboxUrl}/"></iframe>`);
  try {
    await page.goto(site.url);
    const frame = (id: string) => page.frameLocator(`#${id}`);
    await expect(frame('control').locator('body')).not.toBeEmpty();
    for (const id of ['staff', 'signup']) {
      await expect(frame(id).getByRole('heading')).toHaveCount(0);
      await expect(frame(id).getByRole('button')).toHaveCount(0);
    }
  } finally {
    await site.close();
  }
  const response = await page.request.get('/staff');
  expect(response.headers()['x-frame-options']).toBe('DENY');
  expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('every response says nosniff and a referrer policy; the health check and the webhook endpoint still answer', async ({ request }) => {
  for (const path of ['/sign-in', '/signup', '/api/health', '/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=sandbox-verify-token&hub.challenge=42']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['x-content-type-options'], path).toBe('nosniff');
  }
  const page = await request.get('/sign-in');
  expect(page.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(await (await request.get('/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=sandbox-verify-token&hub.challenge=42')).text()).toBe('42');
});

test('the signup page, under its nonce-based policy, completes an onboarding through the sandbox popup with no violation', async ({ browser }) => {
  const context = await browser.newContext();
  const violations = await watchViolations(context);
  const page = await context.newPage();
  const response = await page.goto('/signup');
  const policy = response!.headers()['content-security-policy']!;
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toBeTruthy();
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).toContain(sandboxUrl);
  expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);

  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  await advanceTo(popup, 'success');
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', /^(live|action_needed)$/, { timeout: 45_000 });
  expect(violations).toEqual([]);

  // A script the page did not vouch for is refused.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.appendChild(script);
  });
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  await context.close();
});

test('a server action posted with another origin answers 403 and changes nothing; the same post from our origin works', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/links');
  let created: Promise<Captured> | undefined;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) created ??= capture(request);
  });
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill('Origin check');
  await form.getByRole('button', { name: 'Create link' }).click();
  const rows = page.locator('[data-testid="signup-link"][data-label="Origin check"]');
  await expect(rows).toHaveCount(1);
  const action = await created!;

  for (const origin of ['https://evil.example', sandboxUrl]) {
    const forged = await page.request.fetch(action.url, { method: 'POST', headers: { ...action.headers, origin }, data: action.body });
    expect(forged.status(), origin).toBe(403);
  }
  await page.reload();
  await expect(rows).toHaveCount(1);

  const genuine = await page.request.fetch(action.url, { method: 'POST', headers: { ...action.headers, origin: portalUrl }, data: action.body });
  expect(genuine.status()).toBe(200);
  await page.reload();
  await expect(rows).toHaveCount(2);
});

test('an old cookie copied before sign-out no longer opens the dashboard', async ({ page, browser, context }) => {
  await signInAsAdmin(page);
  const copied = await context.cookies();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const replayed = await cookieOnlyContext(browser, copied);
  expect(await opensDashboard(replayed)).toBe(false);
  await expect(replayed).toHaveURL(/\/sign-in/);
  await replayed.context().close();
});

test('an old cookie copied before the member was disabled no longer opens the dashboard once they are enabled again', async ({ page, browser }) => {
  await signInAsAdmin(page);
  await page.goto('/staff');
  const form = page.locator('section', { hasText: 'Add a staff member' });
  await form.getByLabel('Name').fill(member.name);
  await form.getByLabel('Email').fill(member.email);
  await form.getByLabel('Initial password').fill(member.password);
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await expect(form.getByText(`${member.name} can now sign in as viewer.`)).toBeVisible();

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, member.email, member.password);
  await expect(memberPage).toHaveURL(/\/dashboard$/);
  const copied = await memberContext.cookies();

  const row = page.getByTestId(`staff-${member.email}`);
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await row.getByRole('button', { name: 'Enable' }).click();
  await expect(row).toContainText('Active');

  const replayed = await cookieOnlyContext(browser, copied);
  expect(await opensDashboard(replayed)).toBe(false);
  expect(await opensDashboard(memberPage)).toBe(false);
  await signIn(memberPage, member.email, member.password);
  await expect(memberPage).toHaveURL(/\/dashboard$/);
  await replayed.context().close();
  await memberContext.close();
});

test('changing the password keeps this session, and an old cookie from another session no longer opens the dashboard', async ({ page, browser }) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, member.email, member.password);
  await expect(otherPage).toHaveURL(/\/dashboard$/);
  const copied = await other.cookies();

  await signIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Change password' });

  await form.getByLabel('Current password').fill('not-my-password-1');
  await form.getByLabel('New password', { exact: true }).fill(member.next);
  await form.getByLabel('New password again').fill(member.next);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('Your current password is not correct.').first()).toBeVisible();
  await expect(form.getByLabel('Current password')).toHaveValue('');

  await form.getByLabel('Current password').fill(member.password);
  await form.getByLabel('New password', { exact: true }).fill(member.next);
  await form.getByLabel('New password again').fill('copper-river-59');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('The two new passwords are not the same.').first()).toBeVisible();

  await form.getByLabel('Current password').fill(member.password);
  await form.getByLabel('New password', { exact: true }).fill(member.next);
  await form.getByLabel('New password again').fill(member.next);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText(/Password changed\. Your \d+ other sessions? (is|are) signed out\./)).toBeVisible();
  await page.screenshot({ path: shot('account'), fullPage: true });

  expect(await opensDashboard(page)).toBe(true);
  const replayed = await cookieOnlyContext(browser, copied);
  expect(await opensDashboard(replayed)).toBe(false);
  expect(await opensDashboard(otherPage)).toBe(false);

  await signIn(otherPage, member.email, member.password);
  await expect(otherPage.getByText('Email or password is incorrect.')).toBeVisible();
  await signIn(otherPage, member.email, member.next);
  await expect(otherPage).toHaveURL(/\/dashboard$/);
  await replayed.context().close();
  await other.close();
});

test('after failed sign-ins on their account, the owner is told at their next sign-in, and only then', async ({ page }) => {
  await signIn(page, member.email, 'guess-one-1');
  await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  await signIn(page, member.email, 'guess-two-2');
  await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  await page.screenshot({ path: shot('sign-in'), fullPage: true });

  await signIn(page, member.email, member.next);
  await expect(page).toHaveURL(/\/dashboard$/);
  const notice = page.getByTestId('failed-sign-ins');
  await expect(notice).toContainText(/^2 failed sign-in attempts on your account since .+ UTC, from 1 address\. If that was not you, change your password\.$/);
  await page.screenshot({ path: shot('dashboard-notice'), fullPage: true });
  await page.goto('/wabas');
  await expect(notice).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, member.email, member.next);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('failed-sign-ins')).toHaveCount(0);
});
