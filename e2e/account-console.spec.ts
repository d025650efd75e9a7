import { createHmac } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { portalUrl, sandboxUrl } from '../playwright.config';
import { advanceTo, clickAndClose } from './popup';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('account', name);

// Staff running a customer's WhatsApp account from its page, in a real browser against the portal
// and its sandbox: the panels in words, Refresh from Meta, webhooks and the drift "Fix", system
// users, the credit line, re-authorization, offboarding, Meta's refusals, and a viewer who may only look.
test.describe.configure({ mode: 'serial' });

type SandboxWaba = {
  id: string;
  subscriptions: Array<{ appId: string; overrideUri?: string }>;
  assignedUsers: Array<{ userId: string; tasks: string[] }>;
  allocationConfigId?: string;
  primaryFundingId?: string;
};

const viewer = { name: 'Abe Glance', email: 'abe@example.com', password: 'still-waters-58' };
// Screenshots of each panel, for looking at the page (test-results is not kept in the repository).
const ourSystemUser = '3000000000000001';
const sam = '8000000000000009';
let wabaId = '';
let phoneId = '';
let forgedRemoval: Promise<Captured> | undefined;

async function sandboxWaba(): Promise<SandboxWaba> {
  const state = await control<{ wabas: SandboxWaba[] }>('GET', '/state');
  return state.wabas.find((w) => w.id === wabaId)!;
}

async function sandboxOwner(): Promise<string> {
  const state = await control<{ wabas: Array<{ id: string; ownerBusinessId: string }> }>('GET', '/state');
  return state.wabas.find((w) => w.id === wabaId)!.ownerBusinessId;
}

async function openAccount(page: Page) {
  await page.goto(`/wabas/${wabaId}`);
  await expect(page.getByTestId('waba-meta-id')).toHaveText(wabaId);
}

/** Submits one of the page's forms and waits for what it says. */
async function submit(page: Page, form: string, button: string, expected: string | RegExp) {
  const locator = page.getByRole('form', { name: form });
  await locator.getByRole('button', { name: button, exact: true }).click();
  await expect(locator.getByRole('status')).toContainText(expected, { timeout: 25_000 });
  return locator;
}

/**
 * Signs up a customer through the popup; returns the onboarding page's status. Sam, a person of no
 * other spec, creates a business portfolio of their own, so that no other file's counts change.
 */
async function signUp(page: Page, url: string, choices: Parameters<typeof advanceTo>[2] & { newBusiness?: string }) {
  await page.goto(url);
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  await advanceTo(popup, 'business', { ...choices, person: sam });
  if (choices.newBusiness) {
    await popup.check('input[name=choice][value="new"]');
    await popup.fill('#business-name', choices.newBusiness);
    await popup.fill('#business-email', 'owner@lighthouse.example');
    await popup.click('#next');
    await expect(popup.locator('body')).not.toHaveAttribute('data-step', 'business');
  }
  await advanceTo(popup, 'success', { ...choices, person: sam });
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', /^(live|action_needed)$/, { timeout: 45_000 });
  return (await (await page.request.get(page.url().replace('/onboarding/', '/api/onboarding/'))).json()) as { waba: { id: string } };
}

test.beforeAll(async ({ browser }) => {
  await control('DELETE', '/faults');
  const page = await browser.newPage();
  const status = await signUp(page, '/signup', { displayName: 'Lighthouse Provisions', newBusiness: 'Lighthouse Provisions Ltd' });
  wabaId = status.waba.id;
  const state = await control<{ phoneNumbers: Array<{ id: string; wabaId: string }> }>('GET', '/state');
  phoneId = state.phoneNumbers.find((p) => p.wabaId === wabaId)!.id;
  await page.close();
});

test.afterEach(async () => {
  await control('DELETE', '/faults');
});

test('the account page says what Meta reports in words, from the database after a refresh, with the raw read behind a disclosure', async ({ page }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  await expect(page.getByRole('link', { name: 'Analytics' })).toHaveAttribute('href', `/wabas/${wabaId}/analytics`);
  await expect(page.getByRole('link', { name: 'Business verification' }).first()).toHaveAttribute('href', /^\/verification\/\d+$/);

  await submit(page, 'Refresh from Meta', 'Refresh from Meta', 'Read from Meta just now');
  await page.reload();
  const run = page.getByTestId('account-run').first();
  await expect(run).toHaveAttribute('data-operation', 'refresh_account');
  await expect(run).toHaveAttribute('data-status', 'done');
  await expect(run.locator('tr[data-step]')).toHaveCount(6);
  await expect(run.getByTestId('run-progress')).toContainText('6 of 6 steps done');

  await expect(page.getByTestId('waba-review')).toContainText(/Approved|In review at Meta/);
  await expect(page.getByTestId('waba-ban')).toContainText('No ban');
  await expect(page.getByTestId('waba-currency')).not.toBeEmpty();
  await expect(page.getByTestId('waba-health')).toContainText('overall');
  await expect(page.getByTestId('numbers-summary')).toContainText(/^1 number, [01] registered for the Cloud API/);
  await expect(page.getByTestId('subscription-state')).toHaveAttribute('data-subscribed', 'yes');
  await expect(page.getByTestId('assigned-user').filter({ hasText: ourSystemUser })).toContainText('Full control');
  await expect(page.getByTestId('token-state')).toContainText('Valid');
  await expect(page.getByTestId('token-scopes')).toContainText('whatsapp_business_management');
  await expect(page.getByTestId('token-wabas')).toContainText(wabaId);
  await expect(page.getByTestId('credit-verdict')).toContainText('Shared and verified');
  await expect(page.getByTestId('credit-funding')).toHaveText(/Account’s primary_funding_id\d+/);

  // Raw JSON only behind its closed disclosure.
  const raw = page.getByTestId('waba-facts').locator('details');
  await expect(raw).toHaveCount(1);
  await expect(raw.locator('pre')).toBeHidden();
  await expect(page.locator('pre:visible')).toHaveCount(0);
  await page.screenshot({ path: shot('account-page'), fullPage: true });

  // The credit-line sharing method is a setting, off (one call) unless an admin turns it on.
  await page.goto('/settings');
  await expect(page.getByRole('checkbox', { name: /Share credit lines in two calls/ })).not.toBeChecked();
  await page.screenshot({ path: shot('settings'), fullPage: true });
});

test("Refresh from Meta: a refusal names the step with Meta's code and fbtrace_id, and the stored facts stay", async ({ page }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  await control('POST', '/faults', { method: 'GET', path: '/{id}/phone_numbers', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await submit(page, 'Refresh from Meta', 'Refresh from Meta', /Read the phone numbers failed: .*Meta's code 100, fbtrace_id \S+/);
  await page.reload();
  await expect(page.getByTestId('account-run').first()).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('account-run').first().locator('tr[data-step="read_numbers"]')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('numbers-summary')).toContainText('1 number,');
  await page.getByTestId('waba-operations').screenshot({ path: shot('refresh-refused') });
});

test("webhooks: an override to our receiver passes Meta's handshake, a failing handshake is refused with 2200, and clearing it restores the app's URL", async ({
  page,
}) => {
  await signInAsAdmin(page);
  await openAccount(page);
  const ours = `${portalUrl}/api/webhooks/meta`;
  await submit(page, 'Set the WABA callback override', 'Set the override', `Meta verified ${ours}`);
  await expect(page.getByTestId('waba-override')).toContainText(ours);
  expect((await sandboxWaba()).subscriptions[0]?.overrideUri).toBe(ours);

  const form = page.getByRole('form', { name: 'Set the WABA callback override' });
  await form.getByLabel('Callback address').fill('http://127.0.0.1:9/hook');
  await form.getByLabel('Verify token (only for another server)').fill('not-ours');
  await submit(page, 'Set the WABA callback override', 'Set the override', /Meta refused: .*code 2200/);
  expect((await sandboxWaba()).subscriptions[0]?.overrideUri).toBe(ours);
  await page.getByTestId('waba-webhooks').screenshot({ path: shot('webhooks-refused') });

  // Re-subscribing keeps the override we set (a plain subscribe alone would drop it).
  await submit(page, 'Subscribe our app again', 'Re-subscribe', `with the override to ${ours}`);
  expect((await sandboxWaba()).subscriptions[0]?.overrideUri).toBe(ours);

  // Once removed, the panel has no override left to remove: its form goes with it.
  await page.getByRole('form', { name: 'Remove the WABA callback override' }).getByRole('button', { name: 'Remove the override' }).click();
  await expect(page.getByTestId('waba-override')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole('form', { name: 'Remove the WABA callback override' })).toHaveCount(0);
  expect((await sandboxWaba()).subscriptions[0]?.overrideUri).toBeUndefined();
  await expect(page.getByTestId('waba-webhooks')).toContainText('We set no override');
});

test('drift: a subscription removed at Meta is raised by the next read, Fix re-subscribes (after a refusal), and the history says who', async ({ page }) => {
  // Someone removes our app in Business Settings.
  const token = 'sandbox-system-token';
  const proof = createHmac('sha256', 'sandbox-app-secret').update(token).digest('hex');
  const removed = await fetch(`${sandboxUrl}/v25.0/${wabaId}/subscribed_apps?access_token=${token}&appsecret_proof=${proof}`, { method: 'DELETE' });
  expect(removed.status).toBe(200);

  await signInAsAdmin(page);
  await openAccount(page);
  await submit(page, 'Refresh from Meta', 'Refresh from Meta', 'Read from Meta just now');
  await page.reload();
  const item = page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'webhook_drift' });
  await expect(item).toContainText('not subscribed');
  await expect(item.getByTestId('attention-action')).toHaveAttribute('href', /#webhooks$/);
  await page.getByTestId('waba-attention').screenshot({ path: shot('drift-item') });

  await control('POST', '/faults', { method: 'POST', path: '/{id}/subscribed_apps', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  const fix = item.getByRole('form', { name: 'Subscribe our app again' });
  await fix.getByRole('button', { name: 'Fix' }).click();
  await expect(fix.getByRole('status')).toContainText(/Meta refused: .*code 100, fbtrace_id \S+/, { timeout: 20_000 });
  expect((await sandboxWaba()).subscriptions).toEqual([]);

  await fix.getByRole('button', { name: 'Fix' }).click();
  await expect(page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'webhook_drift' })).toHaveCount(0, { timeout: 20_000 });
  expect((await sandboxWaba()).subscriptions.map((s) => s.appId)).toEqual(['1000000000000001']);
  await page.getByTestId('attention-history').locator('summary').click();
  await expect(page.getByTestId('resolved-item').filter({ hasText: 'webhook_drift' }).first()).toContainText('by Ada Admin: Re-subscribed by Ada Admin.');
});

test("system users: removing ours needs confirmation; adding it back gives MANAGE; Meta's refusal is shown", async ({ page }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action'] && (request.postData() ?? '').includes('userId')) forgedRemoval ??= capture(request);
  });
  const remove = page.getByRole('form', { name: /^Remove / });
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(remove).toContainText('Tick the box to confirm the removal.');
  expect((await sandboxWaba()).assignedUsers.map((u) => u.userId)).toContain(ourSystemUser);
  await control('POST', '/faults', { method: 'DELETE', path: '/{id}/assigned_users', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await remove.getByRole('checkbox').check();
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(remove.getByRole('status')).toContainText(/Meta refused: .*code 100, fbtrace_id \S+/, { timeout: 20_000 });
  expect((await sandboxWaba()).assignedUsers.map((u) => u.userId)).toContain(ourSystemUser);
  await remove.getByRole('checkbox').check();
  await remove.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('assigned-user')).toHaveCount(0, { timeout: 20_000 });
  expect((await sandboxWaba()).assignedUsers.map((u) => u.userId)).not.toContain(ourSystemUser);

  await control('POST', '/faults', { method: 'POST', path: '/{id}/assigned_users', error: { code: 200, message: '(#200) Permissions error' }, next: 1 });
  await submit(page, 'Add our system user', 'Add our system user', /Meta refused: .*code 200, fbtrace_id \S+/);
  expect((await sandboxWaba()).assignedUsers.map((u) => u.userId)).not.toContain(ourSystemUser);
  await page.getByTestId('waba-users').screenshot({ path: shot('system-user-refused') });

  // Once ours is assigned, the panel offers removing it instead of adding it.
  await page.getByRole('form', { name: 'Add our system user' }).getByRole('button', { name: 'Add our system user' }).click();
  await expect(page.getByTestId('assigned-user').filter({ hasText: ourSystemUser })).toContainText('Full control', { timeout: 20_000 });
  await expect(page.getByRole('form', { name: 'Add our system user' })).toHaveCount(0);
  expect((await sandboxWaba()).assignedUsers.find((u) => u.userId === ourSystemUser)?.tasks).toEqual(['MANAGE']);
});

test('credit line: verify, revoke with its warning, then share again in the chosen currency; a refusal shows the code', async ({ page }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  await control('POST', '/faults', { method: 'GET', path: '/{id}', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await submit(page, 'Verify the credit line', 'Verify', /Meta refused: .*code 100, fbtrace_id \S+/);
  await submit(page, 'Verify the credit line', 'Verify', /Verified: the allocation’s credential \d+ is the account’s funding id/);

  const revoke = page.getByRole('form', { name: 'Revoke our credit line' });
  await expect(revoke.getByTestId('revoke-warning')).toContainText('No other connected account of this business is on our line');
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await expect(revoke).toContainText('Tick the box to confirm');
  expect((await sandboxWaba()).allocationConfigId).toBeDefined();
  await control('POST', '/faults', { method: 'DELETE', path: '/{id}', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await revoke.getByRole('checkbox').check();
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await expect(revoke.getByRole('status')).toContainText(/Meta refused: .*code 100, fbtrace_id \S+/, { timeout: 20_000 });
  expect((await sandboxWaba()).primaryFundingId).toBeDefined();
  await expect(page.getByTestId('credit-verdict')).toContainText('Shared and verified');
  await revoke.getByRole('checkbox').check();
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('credit-verdict')).toContainText('Not shared', { timeout: 20_000 });
  expect((await sandboxWaba()).primaryFundingId).toBeUndefined();

  const share = page.getByRole('form', { name: 'Share our credit line' });
  await share.getByLabel('Currency the customer is billed in').selectOption('EUR');
  await control('POST', '/faults', {
    method: 'POST',
    path: '/{id}/whatsapp_credit_sharing_and_attach',
    error: { code: 100, message: '(#100) Invalid parameter' },
    next: 1,
  });
  await share.getByRole('button', { name: 'Share and attach' }).click();
  await expect(share.getByRole('status')).toContainText(/Meta refused: .*code 100, fbtrace_id \S+/, { timeout: 20_000 });
  expect((await sandboxWaba()).primaryFundingId).toBeUndefined();
  await page.getByTestId('waba-credit').screenshot({ path: shot('credit-refused') });

  await share.getByLabel('Currency the customer is billed in').selectOption('EUR');
  await share.getByRole('button', { name: 'Share and attach' }).click();
  await expect(page.getByTestId('credit-verdict')).toContainText('Shared and verified', { timeout: 20_000 });
  await expect(page.getByTestId('waba-currency')).toContainText('EUR');
  expect((await sandboxWaba()).primaryFundingId).toBeDefined();
});

test('Re-authorize makes a single-use signup link; its signup replaces the token on the same customer', async ({ page, browser }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  const form = await submit(page, 'Create a reauthorization link', 'Re-authorize', 'single-use signup link');
  const url = (await form.getByTestId('reauthorize-link').locator('code').textContent())!;
  expect(url).toMatch(/\/signup\/[\w-]+$/);
  await expect(form.getByRole('button', { name: 'Copy the address of the reauthorization link' })).toBeVisible();
  const storedBefore = await page.getByTestId('waba-token').textContent();

  // The new token expires in 5 days: the next read raises the item that asks for another reauthorization.
  await control('PATCH', '/config', { businessTokenExpiry: 5 });
  const customer = await browser.newPage();
  const status = await signUp(customer, url, { business: await sandboxOwner(), waba: wabaId, phone: phoneId }).finally(() =>
    control('PATCH', '/config', { businessTokenExpiry: 60 }),
  );
  expect(status.waba.id).toBe(wabaId);
  await customer.goto(url);
  await expect(customer.getByText('This signup link was already used')).toBeVisible();
  await customer.close();

  await openAccount(page);
  await expect(page.getByTestId('waba-onboardings').getByRole('link')).toHaveCount(2);
  expect(await page.getByTestId('waba-token').textContent()).not.toBe(storedBefore);
  await expect(page.getByTestId('token-state')).toContainText('Expiring in 5 days');
  await submit(page, 'Refresh from Meta', 'Refresh from Meta', 'Read from Meta just now');
  await page.reload();
  const item = page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'token_expiring' });
  await expect(item).toContainText('The customer’s token expires in 5 days');
  await expect(item.getByTestId('attention-action')).toHaveText('Re-authorize');
  await expect(item.getByTestId('attention-action')).toHaveAttribute('href', /#token$/);
  await page.goto(`/customers?q=${wabaId}`);
  await expect(page.getByText(wabaId)).toHaveCount(1);
});

test('an item Meta raised is resolved on the account page with a reason, and stays in its history with who and why', async ({ page }) => {
  await control('POST', '/webhooks/trigger', { field: 'account_update', variant: 'ACCOUNT_RESTRICTION', wabaId });
  await control('POST', '/webhooks/flush');
  await signInAsAdmin(page);
  const item = page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'account_restriction' });
  await expect(async () => {
    await openAccount(page);
    await expect(item).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('waba-restrictions')).toContainText('restricted biz initiated messaging until');

  await item.getByLabel('Why it is resolved').fill('Customer appealed; Meta lifted the restriction.');
  await item.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('waba-attention').getByTestId('attention-item').filter({ hasText: 'account_restriction' })).toHaveCount(0, { timeout: 20_000 });
  await page.getByTestId('attention-history').locator('summary').click();
  await expect(page.getByTestId('resolved-item').filter({ hasText: 'account_restriction' })).toContainText(
    'by Ada Admin: Customer appealed; Meta lifted the restriction.',
  );
  await page.getByTestId('waba-attention').screenshot({ path: shot('attention-history') });
});

test("a blocked account's health shows Meta's code with its description and what Meta suggests", async ({ page }) => {
  await control('POST', `/wabas/${wabaId}/review-decision`, { decision: 'REJECTED' });
  try {
    await signInAsAdmin(page);
    await openAccount(page);
    await submit(page, 'Refresh from Meta', 'Refresh from Meta', 'Read from Meta just now');
    await page.reload();
    const health = page.getByTestId('waba-health');
    await expect(health.locator('[data-can-send]')).toHaveAttribute('data-can-send', 'BLOCKED');
    const error = health.locator('[data-entity="WABA"]').getByTestId('health-error');
    await expect(error).toContainText(/Meta code \d+: /);
    await expect(error).toContainText('What Meta suggests:');
    await expect(page.getByTestId('waba-review')).toContainText('Rejected by Meta');
    await health.screenshot({ path: shot('health-blocked') });
  } finally {
    await control('POST', `/wabas/${wabaId}/review-decision`, { decision: 'APPROVED' });
  }
});

test('a viewer sees the account page without any action, and a replayed action post gets 403 and changes nothing', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff');
  const staffForm = page.locator('section', { hasText: 'Add a staff member' });
  await staffForm.getByLabel('Name').fill(viewer.name);
  await staffForm.getByLabel('Email').fill(viewer.email);
  await staffForm.getByLabel('Initial password').fill(viewer.password);
  await staffForm.getByRole('button', { name: 'Add staff member' }).click();
  await expect(staffForm.getByText(`${viewer.name} can now sign in as viewer.`)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await openAccount(page);
  await expect(page.getByTestId('assigned-user').filter({ hasText: ourSystemUser })).toBeVisible();
  await expect(page.locator('form[aria-label]')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Refresh|Re-subscribe|Remove|Add our|Verify|Revoke|Share|Re-authorize|Offboard|Fix|Resolve/ })).toHaveCount(0);
  await page.screenshot({ path: shot('account-page-viewer'), fullPage: true });

  expect(forgedRemoval).toBeDefined();
  const before = await sandboxWaba();
  const forged = await replay(page, await forgedRemoval!);
  expect(forged.status()).toBe(403);
  expect(await sandboxWaba()).toEqual(before);
  expect(before.assignedUsers.map((u) => u.userId)).toContain(ourSystemUser);
});

test('offboarding needs confirmation, stops at a refusal with its code, and once resumed ends disconnected with how to undo each part', async ({ page }) => {
  await signInAsAdmin(page);
  await openAccount(page);
  const form = page.getByRole('form', { name: 'Offboard the customer' });
  await expect(form).toContainText('Undo: share the credit line again');
  await form.getByRole('button', { name: 'Offboard' }).click();
  await expect(form).toContainText('Tick the box to confirm the offboarding.');
  expect((await sandboxWaba()).subscriptions).toHaveLength(1);

  await control('POST', '/faults', { method: 'DELETE', path: '/{id}/subscribed_apps', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await form.getByRole('checkbox', { name: 'Yes, offboard this customer' }).check();
  await form.getByRole('button', { name: 'Offboard' }).click();
  await expect(form.getByRole('status')).toContainText(/Unsubscribe our app from the webhooks failed: .*Meta's code 100, fbtrace_id \S+/, { timeout: 25_000 });
  await page.reload();
  await expect(page.getByTestId('waba-status')).toContainText('Connected to us');

  // This time the customer also asked for their numbers to come off the Cloud API.
  const again = page.getByRole('form', { name: 'Offboard the customer' });
  await again.getByRole('checkbox', { name: /Also deregister the account’s phone numbers/ }).check();
  await again.getByRole('checkbox', { name: 'Yes, offboard this customer' }).check();
  await again.getByRole('button', { name: 'Offboard' }).click();
  // A disconnected account has nothing left to offboard: the form goes, and the run says how it ended.
  await expect(page.getByTestId('waba-status')).toContainText('Disconnected', { timeout: 25_000 });
  await expect(page.getByRole('form', { name: 'Offboard the customer' })).toHaveCount(0);
  const run = page.getByTestId('account-run').first();
  await expect(run).toContainText('Offboarded: the account is disconnected from us.');
  await expect(run).toHaveAttribute('data-operation', 'offboard_account');
  await expect(run).toHaveAttribute('data-status', 'done');
  await expect(run.locator('tr[data-step="unsubscribe_app"]')).toHaveAttribute('data-status', 'done');
  await expect(run.locator('tr[data-step="delete_token"]')).toHaveAttribute('data-status', 'done');
  await expect(run.locator('tr[data-step="deregister_numbers"]')).toHaveAttribute('data-status', 'done');
  await expect(run.getByTestId('offboard-undo')).toContainText('Undo: “Re-subscribe” on this page');
  await expect(run.getByTestId('offboard-undo')).toContainText('Undo: register each number again from its number page');
  // The first attempt was not asked to deregister: its run has no such step.
  await expect(page.getByTestId('account-run').nth(1).locator('tr[data-step="deregister_numbers"]')).toHaveCount(0);
  const phones = await control<{ phoneNumbers: Array<{ id: string; status: string }> }>('GET', '/state');
  expect(phones.phoneNumbers.find((p) => p.id === phoneId)?.status).not.toBe('CONNECTED');
  await expect(page.getByTestId('waba-token')).toContainText('No token of the customer is stored');
  const after = await sandboxWaba();
  expect(after.subscriptions).toEqual([]);
  expect(after.assignedUsers.map((u) => u.userId)).not.toContain(ourSystemUser);
  expect(after.primaryFundingId).toBeUndefined();
  await page.screenshot({ path: shot('offboarded'), fullPage: true });
});
