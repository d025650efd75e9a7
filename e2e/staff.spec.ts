import { expect, test, type Page } from '@playwright/test';
import { admin, capture, replay, signIn, type Captured } from './staff-session';

// One journey on a fresh data folder: first-run setup, sign-in, staff management, and a viewer
// who can neither see nor call admin actions.
test.describe.configure({ mode: 'serial' });

const viewer = { name: 'Vic Viewer', email: 'vic@example.com', password: 'quiet-meadow-77' };

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

function captureActions(page: Page, into: (captured: Promise<Captured>) => void) {
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) into(capture(request));
  });
}

let createStaffRequest: Promise<Captured> | undefined;
let setupRequest: Promise<Captured> | undefined;

test('first run: /setup creates the admin, then disappears', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Welcome to Onramp' })).toBeVisible();

  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();

  await page.getByLabel('Password').fill(admin.password);
  captureActions(page, (captured) => (setupRequest ??= captured));
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await expect(page).toHaveURL(/\/sign-in\?setup=done/);
  await expect(page.getByText('Admin account created')).toBeVisible();

  const again = await page.request.get('/setup');
  expect(again.status()).toBe(404);
  expect(setupRequest).toBeDefined();
  const replayed = await replay(page, await setupRequest!);
  expect(replayed.status()).toBe(404);
});

test('sign-in explains wrong passwords and unknown emails', async ({ page }) => {
  await signIn(page, admin.email, 'not-the-password-1');
  await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  await signIn(page, 'nobody@example.com', admin.password);
  await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test('admin signs in, sees the dashboard shell and adds a viewer', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Overview', exact: true })).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('admin');
  for (const item of ['Onboardings', 'Signup links', 'WhatsApp accounts', 'Webhooks', 'Audit log', 'Staff']) {
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: item })).toBeVisible();
  }

  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Staff', exact: true })).toBeVisible();
  const form = page.locator('section', { hasText: 'Add a staff member' });

  await form.getByLabel('Name').fill(viewer.name);
  await form.getByLabel('Email').fill(viewer.email);
  await form.getByLabel('Initial password').fill('onlyletters');
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await expect(form.getByText('Mix letters with numbers or symbols.').first()).toBeVisible();

  await form.getByLabel('Initial password').fill(viewer.password);
  captureActions(page, (captured) => (createStaffRequest ??= captured));
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await expect(form.getByText(`${viewer.name} can now sign in as viewer.`)).toBeVisible();
  await expect(page.getByTestId(`staff-${viewer.email}`)).toContainText('Active');

  await form.getByLabel('Name').fill('Someone Else');
  await form.getByLabel('Email').fill(viewer.email.toUpperCase());
  await form.getByLabel('Initial password').fill('another-pass-9');
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await expect(form.getByText('A staff member with this email already exists.').first()).toBeVisible();

  await signOut(page);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a viewer cannot reach admin pages or call admin actions', async ({ page }) => {
  await signIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('current-user')).toContainText('viewer');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' })).toHaveCount(0);

  const staffPage = await page.goto('/staff');
  expect(staffPage!.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

  expect(createStaffRequest).toBeDefined();
  const forged = await replay(page, await createStaffRequest!);
  expect(forged.status()).toBe(403);
  await signOut(page);

  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/staff');
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await signOut(page);
});

test('admins disable staff; disabled accounts cannot sign in', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/staff');
  const row = page.getByTestId(`staff-${viewer.email}`);
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await signOut(page);
  await signIn(page, viewer.email, viewer.password);
  await expect(page.getByText('This account has been disabled.')).toBeVisible();
});

test('repeated failures are rate limited with a 429', async ({ request }) => {
  const attempt = async () => {
    const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
    return request.post('/api/auth/callback/credentials', {
      form: { csrfToken, email: 'mallory@example.com', password: 'guess-guess-1' },
      maxRedirects: 0,
    });
  };
  for (let i = 0; i < 10; i++) expect((await attempt()).status()).toBe(302);
  const blocked = await attempt();
  expect(blocked.status()).toBe(429);
  expect((await blocked.json()).error).toContain('Too many failed sign-in attempts');
});
