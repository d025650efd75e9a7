import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { advanceTo, clickAndClose, type PopupChoices } from './popup';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('lists', name);

// Running the customer base from the lists: three customers sign up in the browser, then staff
// search and filter from the URL, set a customer reference, export CSV, run bulk actions against a
// rate-limiting Meta, cancel one, and a viewer is kept to reading.
test.describe.configure({ mode: 'serial' });

const viewer = { name: 'Lena Lister', email: 'lena@example.com', password: 'calm-lists-31' };

type Customer = { label: string; person: string; business: string; businessName: string; path?: string };
const customers: Customer[] = [
  { label: 'cedar', person: '8000000000000003', business: '2100000000000003', businessName: 'Cedar Clinic' },
  { label: 'acme', person: '8000000000000001', business: '2100000000000001', businessName: 'Acme Ltd' },
  { label: 'brew', person: '8000000000000002', business: '2100000000000002', businessName: 'Brew & Co' },
];
const accounts: Record<string, { wabaId: string; display: string }> = {};
let bulkRequest: Captured | undefined;

async function signUp(page: Page, path: string, choices: PopupChoices): Promise<void> {
  await page.goto(path);
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  await advanceTo(popup, 'success', choices);
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', /^(live|action_needed)$/, { timeout: 45_000 });
}

/** The rows of the accounts list now on screen, by WABA id. */
async function listedIds(page: Page): Promise<string[]> {
  const rows = page.locator('[data-testid="waba-list"] tbody tr');
  return (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')?.replace('waba-', '') ?? ''))).filter(Boolean);
}

test('three customers sign up (one with three accounts), one through a link that carries our customer reference', async ({ page }) => {
  test.setTimeout(180_000);
  await signInAsAdmin(page);
  await page.goto('/links');
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill('Cedar CRM link');
  await form.getByLabel('Customer reference (optional, your own id for this customer)').fill('CRM-E2E-1');
  await form.getByRole('button', { name: 'Create link' }).click();
  const row = page.locator('[data-testid="signup-link"][data-label="Cedar CRM link"]');
  await expect(row).toBeVisible();
  customers[0]!.path = new URL((await row.getByTestId('signup-url').textContent())!.trim()).pathname;

  for (const customer of customers) {
    await signUp(page, customer.path ?? '/signup', { person: customer.person, business: customer.business, waba: 'new' });
  }
  // Two more accounts of Acme's, so that a bulk run has more accounts than it runs at once.
  for (let i = 0; i < 2; i++) await signUp(page, '/signup', { person: customers[1]!.person, business: customers[1]!.business, waba: 'new' });

  await page.goto('/wabas');
  for (const customer of customers) {
    const row = page.locator('[data-testid="waba-list"] tbody tr', { hasText: customer.businessName }).last();
    const wabaId = (await row.getAttribute('data-testid'))!.replace('waba-', '');
    const display = (await row.locator('[data-testid^="number-"] .font-mono').first().textContent())!.trim();
    accounts[customer.label] = { wabaId, display };
  }
  await expect(page.getByTestId(`waba-${accounts.cedar!.wabaId}`).getByTestId('customer-reference')).toHaveText('Ref CRM-E2E-1');
});

test('search and filters live in the URL: a shared link shows the same rows and the back button restores them', async ({ page }) => {
  await signInAsAdmin(page);
  const { wabaId, display } = accounts.acme!;
  const digits = display.replace(/\D/g, '');
  // "+1 555-123-4567" typed as "(555) 123 4567": digits without the country code.
  const typed = `(${digits.slice(1, 4)}) ${digits.slice(4, 7)} ${digits.slice(7)}`;
  await page.goto(`/wabas?q=${encodeURIComponent(typed)}`);
  expect(await listedIds(page)).toEqual([wabaId]);
  await expect(page.getByRole('search', { name: 'Filter accounts' }).getByLabel('Search')).toHaveValue(typed);
  await expect(page.getByTestId('matching')).toHaveText('1 matching');

  await page.goto('/wabas?q=crm-e2e');
  expect(await listedIds(page)).toEqual([accounts.cedar!.wabaId]);

  const filters = page.getByRole('search', { name: 'Filter accounts' });
  await filters.getByLabel('Token').selectOption('needs_reauth');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/\?q=crm-e2e&.*token=needs_reauth/);
  await expect(page.getByText('Nothing matches this search and filter.')).toBeVisible();
  await expect(page.getByTestId('matching')).toHaveText('0 matching');

  await page.goBack();
  await expect(page).toHaveURL(/\?q=crm-e2e$/);
  expect(await listedIds(page)).toEqual([accounts.cedar!.wabaId]);

  await page.goto(`/wabas?onboarding=live&to=2000-01-01`);
  await expect(page.getByText('Nothing matches this search and filter.')).toBeVisible();
  await page.goto(`/wabas?token=valid&q=${accounts.brew!.wabaId}`);
  expect(await listedIds(page)).toEqual([accounts.brew!.wabaId]);
  await expect(page.getByRole('search', { name: 'Filter accounts' }).getByLabel('Token')).toHaveValue('valid');

  await page.goto('/customers?q=CRM-E2E-1');
  await expect(page.getByTestId('customer-list').locator('> li')).toHaveCount(1);
  await expect(page.getByTestId('customer-list')).toContainText(accounts.cedar!.wabaId);
});

test('an operator sets a customer reference from the list and finds the customer by it', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto(`/wabas?q=${accounts.acme!.wabaId}`);
  const row = page.getByTestId(`waba-${accounts.acme!.wabaId}`);
  await row.getByText('Set reference').click();
  const form = row.getByRole('form', { name: /Customer reference of/ });
  await form.getByLabel('Customer reference').fill('x'.repeat(101));
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('At most 100 characters.')).toBeVisible();
  await form.getByLabel('Customer reference').fill('CRM-E2E-77');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Reference set to “CRM-E2E-77”.')).toBeVisible();
  // The reference belongs to the customer: every account of Acme's is found by it.
  await page.goto('/wabas?q=crm-e2e-7');
  expect(await listedIds(page)).toContain(accounts.acme!.wabaId);
  expect(await listedIds(page)).toHaveLength(3);
  await expect(page.getByTestId(`waba-${accounts.acme!.wabaId}`).getByTestId('customer-reference')).toHaveText('Ref CRM-E2E-77');
  await page.goto('/customers?q=CRM-E2E-77');
  await expect(page.getByTestId('customer-list').getByTestId('customer-reference')).toHaveText('Ref CRM-E2E-77');

  // Brew gets one too, so that this file's accounts are one search apart from any other file's.
  await page.goto(`/wabas?q=${accounts.brew!.wabaId}`);
  const brew = page.getByTestId(`waba-${accounts.brew!.wabaId}`);
  await brew.getByText('Set reference').click();
  await brew.getByRole('textbox', { name: 'Customer reference', exact: true }).fill('CRM-E2E-BREW');
  await brew.getByRole('button', { name: 'Save' }).click();
  await expect(brew.getByText('Reference set to “CRM-E2E-BREW”.')).toBeVisible();
  await page.goto('/customers');
  await page.screenshot({ path: shot('customers'), fullPage: true });
});

test('exports the filtered list as CSV with the list’s header and one row per matching account', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/wabas?onboarding=live');
  const matching = Number(await page.getByTestId('matching').getAttribute('data-count'));
  expect(matching).toBeGreaterThanOrEqual(1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^whatsapp-accounts-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = await readFile((await download.path())!, 'utf8');
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe(
    'WABA id,Account name,Business,Business id,Customer reference,Business email,Status,Numbers,Verified names,Name statuses,Quality ratings,Messaging limit,Can send messages,Business verification,Account review,Credit line,Token,Token expires,Onboarding,Onboarding date,Last webhook received,Added',
  );
  expect(lines).toHaveLength(matching + 1);
  const acme = lines.find((line) => line.startsWith(`${accounts.acme!.wabaId},`));
  expect(acme).toContain('CRM-E2E-77');
  expect(acme).toContain(accounts.acme!.display);
  expect(acme).toContain(',live,');
});

test('a bulk refresh over three accounts waits out Meta’s rate limit and finishes every account', async ({ page }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  await control('DELETE', '/faults');
  await control('POST', '/faults', { method: 'GET', path: '/{id}/phone_numbers', error: { code: 80007, message: '(#80007) Rate limit hit' }, next: 1 });
  await control('POST', '/faults', { method: 'GET', path: '/{id}/subscribed_apps', kind: 'latency', latencyMs: 800, next: 3 });
  const ids = customers.map((c) => accounts[c.label]!.wabaId);
  await page.goto('/wabas?q=CRM-E2E');
  await page.screenshot({ path: shot('wabas-list'), fullPage: true });
  for (const id of ids) await page.getByTestId(`waba-${id}`).getByRole('checkbox').check();
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action'] && request.postData()?.includes('refresh'))
      void capture(request).then((c) => (bulkRequest ??= c));
  });
  await page.getByRole('form', { name: 'Bulk action' }).getByLabel('Bulk action').selectOption('refresh');
  await page.getByRole('button', { name: 'Run on selected' }).click();
  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Bulk run: Refresh from Meta' })).toBeVisible();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-status', 'running');
  const waiting = page.locator('[data-testid="bulk-accounts"] tbody tr[data-status="retrying"]');
  await expect(waiting).toHaveCount(1, { timeout: 15_000 });
  await expect(waiting).toContainText('#80007');
  await page.screenshot({ path: shot('bulk-in-progress'), fullPage: true });
  await expect(progress).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
  await expect(page.getByTestId('run-message')).toHaveText('3 accounts: 3 done.');
  for (const id of ids) await expect(page.getByTestId(`bulk-account-${id}`)).toHaveAttribute('data-outcome', 'ok');
  await expect(page.locator('[data-testid="bulk-accounts"] tbody tr').filter({ has: page.locator('td:nth-child(3)', { hasText: /^2$/ }) })).toHaveCount(1);
  await page.goto('/bulk');
  await expect(page.getByTestId('bulk-runs').locator('tbody tr').first()).toContainText('3 of 3 done');
});

test('an operator cancels a slow bulk run; accounts not yet started are left alone', async ({ page }) => {
  await signInAsAdmin(page);
  await control('DELETE', '/faults');
  await control('POST', '/faults', { method: 'GET', path: '/{id}/subscribed_apps', kind: 'latency', latencyMs: 4000, next: 10 });
  await page.goto('/wabas?q=CRM-E2E');
  await page.getByRole('form', { name: 'Bulk action' }).getByLabel('Bulk action').selectOption('resubscribe');
  await page.getByRole('button', { name: /^Run on all \d+ matching$/ }).click();
  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-testid="bulk-accounts"] tbody tr')).toHaveCount(5);
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('run-message')).toHaveText('Cancelled by staff: accounts not yet started were left as they were.');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
  // Three were at Meta when the run was cancelled; the other two never started.
  await expect(page.locator('[data-testid="bulk-accounts"] tbody tr[data-status="skipped"]').filter({ hasText: 'Not run' })).toHaveCount(2);
  await control('DELETE', '/faults');
});

test('a bulk token check finds the token Meta revoked; the account is listed as needing reauthorization and its attention item links to Re-authorize', async ({
  page,
}) => {
  await signInAsAdmin(page);
  await control('DELETE', '/faults');
  // The customer removed our access in Business Settings: Meta no longer accepts Cedar's token.
  await control('POST', '/tokens/revoke', { businessId: customers[0]!.business });
  const cedar = accounts.cedar!.wabaId;
  const brew = accounts.brew!.wabaId;
  await page.goto('/wabas?q=CRM-E2E');
  for (const id of [cedar, brew]) await page.getByTestId(`waba-${id}`).getByRole('checkbox').check();
  await page.getByRole('form', { name: 'Bulk action' }).getByLabel('Bulk action').selectOption('token_check');
  await page.getByRole('button', { name: 'Run on selected' }).click();
  await expect(page).toHaveURL(/\/bulk\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId(`bulk-account-${cedar}`)).toHaveAttribute('data-outcome', 'needs_reauth');
  await expect(page.getByTestId(`bulk-account-${cedar}`)).toContainText('Meta says the token is no longer valid: send a reauthorization link.');
  await expect(page.getByTestId(`bulk-account-${brew}`)).toHaveAttribute('data-outcome', 'ok');
  await page.screenshot({ path: shot('bulk-token-check'), fullPage: true });

  await page.goto('/wabas?token=needs_reauth');
  await expect(page.getByTestId(`waba-${cedar}`)).toBeVisible();
  await expect(page.getByTestId(`waba-${brew}`)).toHaveCount(0);
  await page.goto(`/wabas/${cedar}`);
  const item = page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'token_invalid' });
  await expect(item).toContainText('Meta reports the customer’s token invalid (expired or revoked): send them a reauthorization link.');
  await expect(item.getByTestId('attention-action')).toHaveText('Re-authorize');
  await expect(item.getByTestId('attention-action')).toHaveAttribute('href', /#token$/);
});

test('a viewer sees both lists but no bulk controls, and a direct bulk post is refused with 403 and starts nothing', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff');
  const staffForm = page.locator('section', { hasText: 'Add a staff member' });
  await staffForm.getByLabel('Name').fill(viewer.name);
  await staffForm.getByLabel('Email').fill(viewer.email);
  await staffForm.getByLabel('Initial password').fill(viewer.password);
  await staffForm.getByRole('button', { name: 'Add staff member' }).click();
  await expect(staffForm.getByText(`${viewer.name} can now sign in as viewer.`)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'WhatsApp accounts' }).click();
  await expect(page.getByTestId(`waba-${accounts.acme!.wabaId}`)).toBeVisible();
  await expect(page.getByRole('form', { name: 'Bulk action' })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByText('Set reference')).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page.getByTestId('customer-list')).toContainText('Acme Ltd');

  await page.goto('/bulk');
  const before = await page.getByTestId('bulk-runs').locator('tbody tr').count();
  expect(bulkRequest).toBeDefined();
  const response = await replay(page, bulkRequest!);
  expect(response.status()).toBe(403);
  await page.reload();
  await expect(page.getByTestId('bulk-runs').locator('tbody tr')).toHaveCount(before);
});
