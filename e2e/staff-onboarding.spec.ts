import { expect, test } from '@playwright/test';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { portalUrl } from '../playwright.config';

// The staff's side of onboarding on one server: settings, signup links from creation to the public
// page and back, and the onboardings list that the public page feeds.
test.describe.configure({ mode: 'serial' });

const observer = { name: 'Olive Observer', email: 'olive@example.com', password: 'still-waters-58' };
const label = 'Spring bakery campaign';

let publicUrl = '';
let createLinkRequest: Promise<Captured> | undefined;

test('an admin changes the onboarding settings and sees the Meta configuration without secrets', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();

  const config = page.getByTestId('meta-config');
  await expect(config).toContainText('Sandbox');
  await expect(config).toContainText('1000000000000001');
  await expect(config).toContainText('5000000000000001');
  const html = await page.content();
  expect(html).not.toContain('sandbox-app-secret');
  expect(html).not.toContain('sandbox-system-token');

  const partnerType = page.getByLabel('Partner type');
  const revoke = page.getByLabel('Revoke the credit line automatically when a customer removes us');
  await expect(partnerType).toHaveValue('solution_partner');
  await expect(revoke).not.toBeChecked();
  await partnerType.selectOption('tech_provider');
  await revoke.check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();

  await page.reload();
  await expect(partnerType).toHaveValue('tech_provider');
  await expect(revoke).toBeChecked();

  // Back to the defaults, so that later signups on this server run as a Solution Partner again.
  await partnerType.selectOption('solution_partner');
  await revoke.uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await page.reload();
  await expect(partnerType).toHaveValue('solution_partner');
  await expect(revoke).not.toBeChecked();
});

test('an admin creates a pre-filled signup link; bad input is explained first', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/links');
  await expect(page.getByTestId('signup-link').filter({ hasText: 'Public signup page' }).getByTestId('signup-url')).toHaveText(`${portalUrl}/signup`);

  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Flow').selectOption('mps');
  await expect(form.getByLabel('Solution id')).toBeVisible();
  await form.getByLabel('Flow').selectOption('default');
  await expect(form.getByLabel('Solution id')).toHaveCount(0);
  await form.getByLabel('Single use').check();
  await form.getByLabel('Expires in (1 to 365 days, empty for never)').fill('14');
  await form.getByLabel('Business name').fill('Acme Bakery');
  await form.getByLabel('Business email').fill('not-an-email');
  await form.getByLabel('Business website').fill('https://acme.example');
  await form.getByLabel('Business country (two letters, e.g. US)').fill('US');
  await form.getByLabel('Display name').fill('Acme Bakery');
  await form.getByLabel('Business category').selectOption('GROCERY');
  await form.getByRole('button', { name: 'Create link' }).click();

  await expect(form.getByText('Enter a valid email address.')).toBeVisible();
  await expect(form.getByText('Please correct the highlighted fields.')).toBeVisible();
  await expect(form.getByLabel('Business name')).toHaveValue('Acme Bakery');
  await expect(form.getByLabel('Single use')).toBeChecked();
  await expect(page.getByTestId('signup-link').filter({ hasText: label })).toHaveCount(0);

  await form.getByLabel('Business email').fill('owner@acme.example');
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) createLinkRequest ??= capture(request);
  });
  await form.getByRole('button', { name: 'Create link' }).click();
  await expect(form.getByText(`Link “${label}” created.`)).toBeVisible();
  await expect(form.getByLabel('Label')).toHaveValue('');

  const row = page.getByTestId('signup-link').filter({ hasText: label });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Once');
  await expect(row).toContainText('Pre-filled for the customer');
  await expect(row.getByTestId('link-status')).toHaveText('Active');
  await expect(row).toContainText('0 → 0 → 0');
  publicUrl = (await row.getByTestId('signup-url').textContent()) ?? '';
  expect(publicUrl).toMatch(new RegExp(`^${portalUrl.replaceAll('.', '\\.')}/signup/[\\w-]+$`));
});

test('the link opens the signup page, and once disabled says it is no longer active', async ({ page, context }) => {
  expect(publicUrl).not.toBe('');
  const customer = await context.newPage();
  await customer.goto(publicUrl);
  await expect(customer.getByRole('heading', { name: 'Connect WhatsApp' })).toBeVisible();
  await expect(customer.getByRole('button', { name: 'Connect with Facebook' })).toBeEnabled({ timeout: 20_000 });

  await signInAsAdmin(page);
  await page.goto('/links');
  const row = page.getByTestId('signup-link').filter({ hasText: label });
  await expect(row).toContainText('1 → 0 → 0');
  await row.getByRole('button', { name: `Disable ${label}` }).click();
  await expect(row.getByTestId('link-status')).toHaveText('Disabled');
  await expect(row.getByRole('button', { name: `Disable ${label}` })).toHaveCount(0);

  await customer.goto(publicUrl);
  await expect(customer.getByRole('heading', { name: 'This signup link is no longer active' })).toBeVisible();
  await expect(customer.getByRole('button', { name: 'Connect with Facebook' })).toHaveCount(0);
});

test('the onboardings list shows the session the link opened, filtered by link, with its detail', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Onboardings' }).click();
  await expect(page.getByRole('heading', { name: 'Onboardings', exact: true })).toBeVisible();
  await page.getByLabel('Signup link').selectOption({ label });
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/\/onboardings\?.*link=/);
  // The customer only opened the page: hidden by default, counted, and shown on request.
  await expect(page.getByTestId('hidden-unlaunched')).toContainText('1 session whose page was opened but never launched is hidden');
  await page.getByLabel('Sessions').selectOption('unlaunched');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/include=unlaunched/);
  const rows = page.getByTestId('onboardings').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(label);
  await expect(rows.first()).toContainText('Started');

  await page.getByLabel('Status').selectOption('live');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No onboardings match')).toBeVisible();
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('onboardings').locator('tbody tr').filter({ hasText: label })).toHaveCount(0);
  await page.getByTestId('hidden-unlaunched').getByRole('link', { name: 'Show them' }).click();

  await page.getByTestId('onboardings').locator('tbody tr').filter({ hasText: label }).getByRole('link').click();
  await expect(page).toHaveURL(/\/onboardings\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', 'started');
  await expect(page.getByRole('region', { name: 'Session' })).toContainText(label);
  await expect(page.getByRole('region', { name: 'Steps' })).toContainText('No steps yet');
  await expect(page.getByRole('region', { name: 'Calls to Meta' })).toContainText('No calls to Meta were made');
});

test('a viewer sees the links but cannot create or disable them, even by posting directly', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff');
  const staffForm = page.locator('section', { hasText: 'Add a staff member' });
  await staffForm.getByLabel('Name').fill(observer.name);
  await staffForm.getByLabel('Email').fill(observer.email);
  await staffForm.getByLabel('Initial password').fill(observer.password);
  await staffForm.getByRole('button', { name: 'Add staff member' }).click();
  await expect(staffForm.getByText(`${observer.name} can now sign in as viewer.`)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, observer.email, observer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' })).toHaveCount(0);
  expect((await page.goto('/settings'))!.status()).toBe(403);
  await page.goto('/links');
  await expect(page.getByTestId('signup-link').filter({ hasText: label })).toHaveCount(1);
  await expect(page.getByRole('form', { name: 'Create a signup link' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Disable/ })).toHaveCount(0);

  expect(createLinkRequest).toBeDefined();
  const captured = await createLinkRequest!;
  const forged = await replay(page, captured);
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(page.getByTestId('signup-link').filter({ hasText: label })).toHaveCount(1);
});
