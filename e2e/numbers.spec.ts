import { createHmac } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { portalUrl, sandboxUrl } from '../playwright.config';
import { advanceTo, clickAndClose } from './popup';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('numbers', name);

// Staff running a customer's phone numbers in a real browser against the portal and its sandbox:
// the number page, adding a number with the code the sandbox "sent", re-register, deregister, the
// PIN, display names, test messages, Meta's refusals, and a viewer who may only look.
test.describe.configure({ mode: 'serial' });

type SandboxPhone = {
  id: string;
  wabaId: string;
  number: string;
  cc: string;
  status: string;
  codeVerificationStatus: string;
  dataLocalizationRegion?: string;
  registerCalls: number[];
};

const viewer = { name: 'Nina Lookout', email: 'nina@example.com', password: 'tidal-charts-31' };
let wabaId = '';
let phoneId = '';
let addedId = '';
let captured: Promise<Captured> | undefined;

async function sandboxPhone(id: string): Promise<SandboxPhone> {
  const state = await control<{ phoneNumbers: SandboxPhone[] }>('GET', '/state');
  return state.phoneNumbers.find((p) => p.id === id)!;
}

async function lastCode(id: string): Promise<string> {
  const { data } = await control<{ data: Array<{ phoneNumberId: string; text: string }> }>('GET', '/sms');
  return data
    .filter((s) => s.phoneNumberId === id)
    .at(-1)!
    .text.replace(/\D/g, '');
}

const numberPage = (id = phoneId) => `/wabas/${wabaId}/numbers/${id}`;

async function openNumber(page: Page, id = phoneId) {
  await page.goto(numberPage(id));
  await expect(page.getByTestId('phone-meta-id')).toHaveText(id);
}

test.beforeAll(async ({ browser }) => {
  // No reset: a reset replays the sandbox's id streams, and ids of earlier specs' accounts would come back.
  await control('DELETE', '/faults');
  const page = await browser.newPage();
  await page.goto('/signup');
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  await advanceTo(popup, 'success', { displayName: 'Harbour Supplies' });
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', /^(live|action_needed)$/, { timeout: 45_000 });
  const status = (await (await page.request.get(page.url().replace('/onboarding/', '/api/onboarding/'))).json()) as { waba: { id: string } };
  wabaId = status.waba.id;
  const state = await control<{ phoneNumbers: SandboxPhone[] }>('GET', '/state');
  phoneId = state.phoneNumbers.find((p) => p.wabaId === wabaId)!.id;
  await page.close();
});

test('the number page says what Meta reports in words, with the raw read behind a disclosure', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page);
  await page.getByRole('button', { name: 'Read from Meta' }).click();
  await expect(page.getByRole('form', { name: 'Read the number from Meta' }).getByText('Read from Meta just now.')).toBeVisible();
  const facts = page.getByTestId('number-facts');
  await expect(facts.getByTestId('fact-status')).toContainText('Connected: it can send and receive messages');
  await expect(facts.getByTestId('fact-registration')).toContainText('Registered for the Cloud API');
  await expect(facts.getByTestId('fact-throughput')).toContainText('Standard (up to 80 messages per second)');
  await expect(facts.getByTestId('fact-two-step')).toContainText('On');
  await expect(facts.getByTestId('fact-two-step')).toContainText('We hold its PIN, encrypted');
  await expect(facts.getByTestId('fact-budget')).toContainText('1 of 10 used in the last 72 hours');
  await expect(facts.getByTestId('fact-budget')).toContainText('The oldest leaves the window at');
  await expect(facts.getByTestId('fact-name')).toContainText('“Harbour Supplies” · In review at Meta');
  await expect(facts.getByTestId('fact-coexistence')).toContainText('Not on the WhatsApp Business app');
  await expect(page.getByTestId('number-health')).toContainText('This number');
  await expect(page.getByTestId('webhook-routing')).toContainText('our app’s callback URL');

  // A quality webhook about this number arrives and shows, with its limit in words.
  await control('POST', '/webhooks/trigger', { field: 'phone_number_quality_update', variant: 'THROUGHPUT_UPGRADE', wabaId, phoneNumberId: phoneId });
  await control('POST', '/webhooks/flush');
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('number-event').filter({ hasText: 'Throughput upgraded: limit 2,000 people in 24 hours' })).toBeVisible({ timeout: 1000 });
    // The event is shown once stored; the limit once its handler has run.
    await expect(facts.getByTestId('fact-limit')).toContainText('2,000 people in 24 hours', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  const raw = page.getByTestId('raw-read');
  await expect(raw.locator('pre')).toBeHidden();
  await raw.getByText('Everything Meta last reported (raw)').click();
  await expect(raw.locator('pre')).toContainText(`"id": "${phoneId}"`);
  await page.screenshot({ path: shot('page-operator'), fullPage: true });
});

test('an operator adds a number: a wrong code (136025) asks for a new one, the new code verifies and the number is registered with local storage', async ({
  page,
}) => {
  await signInAsAdmin(page);
  await page.goto(`/wabas/${wabaId}/numbers/new`);
  const form = page.getByRole('form', { name: 'Add a phone number' });
  const national = `555${String(Date.now()).slice(-7)}`;
  await form.getByLabel('Phone number (without the country code)').fill('12');
  await form.getByLabel('Display name', { exact: true }).fill('Harbour Orders');
  await form.getByRole('button', { name: 'Add the number and send the code' }).click();
  await expect(form.getByText('This is not a possible number for that country code.').first()).toBeVisible();
  await expect(form.getByLabel('Display name', { exact: true })).toHaveValue('Harbour Orders');

  await form.getByLabel('Phone number (without the country code)').fill(national);
  await form.getByLabel('Local storage country (optional, two letters, e.g. DE)').fill('DE');
  await form.getByRole('button', { name: 'Add the number and send the code' }).click();
  await expect(page).toHaveURL(/\/numbers\/new\?run=[0-9a-f-]{36}$/);
  const codeStep = page.getByTestId('flow-step-code');
  await expect(codeStep).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('flow-step-request').getByTestId('flow-message')).toContainText('Meta sent the verification code by SMS');
  const state = await control<{ phoneNumbers: SandboxPhone[] }>('GET', '/state');
  addedId = state.phoneNumbers.find((p) => p.number === national)!.id;
  await expect(codeStep.getByLabel('Local storage country (optional, two letters, e.g. DE)')).toHaveValue('DE');
  await page.screenshot({ path: shot('add-code-step'), fullPage: true });

  const code = await lastCode(addedId);
  const wrong = code === '000000' ? '111111' : '000000';
  const codeForm = page.getByRole('form', { name: 'Enter the verification code' });
  await codeForm.getByLabel('Verification code').fill(wrong);
  await codeForm.getByRole('button', { name: 'Verify and register' }).click();
  await expect(codeForm.getByRole('status')).toContainText('Meta did not accept the code', { timeout: 15_000 });
  await expect(codeForm.getByRole('status')).toContainText(/Meta's code 136025, fbtrace_id \S+/);
  await expect(codeForm.getByLabel('Verification code')).toHaveValue('');
  await page.screenshot({ path: shot('refusal-136025'), fullPage: true });

  const resend = page.getByRole('form', { name: 'Send a new code' });
  await resend.getByLabel('Send the code by').selectOption('VOICE');
  await resend.getByRole('button', { name: 'Send a new code' }).click();
  await expect(resend.getByRole('status')).toContainText('by voice call', { timeout: 15_000 });
  const fresh = await lastCode(addedId);
  await codeForm.getByLabel('Verification code').fill(`${fresh.slice(0, 3)}-${fresh.slice(3)}`);
  await codeForm.getByRole('button', { name: 'Verify and register' }).click();
  await expect(page.getByTestId('flow-done')).toBeVisible({ timeout: 20_000 });
  expect(await sandboxPhone(addedId)).toMatchObject({ status: 'CONNECTED', codeVerificationStatus: 'VERIFIED', dataLocalizationRegion: 'DE' });

  await page.getByTestId('flow-done').getByRole('link', { name: 'Open the number’s page' }).click();
  await expect(page.getByTestId('fact-status')).toContainText('Connected');
  await expect(page.getByTestId('fact-region')).toContainText('In Germany (DE)');
  const runs = page.getByTestId('number-run');
  await expect(runs.filter({ hasText: 'Add a phone number' })).toHaveAttribute('data-status', 'done');
  await expect(runs.filter({ hasText: 'Verify and register the number' }).first()).toHaveAttribute('data-status', 'done');
});

test('deregister asks for confirmation and says what stops working; re-register brings the number back', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const form = page.getByRole('form', { name: 'Deregister the number' });
  await expect(form).toContainText('can no longer send or receive WhatsApp messages through the Cloud API');
  await form.getByRole('button', { name: 'Deregister' }).click();
  await expect(form.getByText('Tick the box to confirm that messaging on this number stops.').first()).toBeVisible();
  expect((await sandboxPhone(addedId)).status).toBe('CONNECTED');
  await form.getByLabel(/Yes, deregister/).check();
  await form.getByRole('button', { name: 'Deregister' }).click();
  await expect(page.getByTestId('fact-status')).toContainText('Disconnected', { timeout: 15_000 });
  expect((await sandboxPhone(addedId)).status).toBe('DISCONNECTED');

  const register = page.getByRole('form', { name: 'Register the number' });
  await register.getByLabel('Local storage country (optional, two letters, e.g. DE)').fill('IN');
  await register.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByTestId('fact-status')).toContainText('Connected', { timeout: 15_000 });
  await expect(page.getByTestId('fact-region')).toContainText('In India (IN)');
  expect(await sandboxPhone(addedId)).toMatchObject({ status: 'CONNECTED', dataLocalizationRegion: 'IN' });
  // Register (when verified), deregister, register: three of the ten.
  await expect(page.getByTestId('budget-used')).toHaveText('3 of 10 used in the last 72 hours');
});

test('adding a number Meta reports verified already needs no code: the run goes straight on to registration', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const deregister = page.getByRole('form', { name: 'Deregister the number' });
  await deregister.getByLabel(/Yes, deregister/).check();
  await deregister.getByRole('button', { name: 'Deregister' }).click();
  await expect(page.getByTestId('fact-status')).toContainText('Disconnected', { timeout: 15_000 });

  const number = await sandboxPhone(addedId);
  await page.goto(`/wabas/${wabaId}/numbers/new`);
  const form = page.getByRole('form', { name: 'Add a phone number' });
  await form.getByLabel('Phone number (without the country code)').fill(number.number);
  await form.getByLabel('Display name', { exact: true }).fill('Harbour Orders');
  await form.getByLabel('Local storage country (optional, two letters, e.g. DE)').fill('IN');
  await form.getByRole('button', { name: 'Add the number and send the code' }).click();
  await expect(page.getByTestId('flow-step-request').getByTestId('flow-message')).toContainText('Meta reports the number verified already: no code is needed', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('flow-step-code')).toHaveCount(0);
  await expect(page.getByTestId('flow-done')).toBeVisible({ timeout: 20_000 });
  expect(await sandboxPhone(addedId)).toMatchObject({ status: 'CONNECTED', dataLocalizationRegion: 'IN' });
});

test('133016: re-register is refused once, not retried, and the page says when the budget frees up from our own calls', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const calls = (await sandboxPhone(addedId)).registerCalls.length;
  await control('POST', '/faults', {
    method: 'POST',
    path: '/{id}/register',
    error: { code: 133016, message: 'Account register deregister rate limit exceeded' },
    next: 3,
  });
  try {
    const form = page.getByRole('form', { name: 'Re-register the number' });
    await form.getByRole('button', { name: 'Re-register' }).click();
    const status = form.getByRole('status');
    await expect(status).toContainText('has used its 10 register and deregister requests of the last 72 hours', { timeout: 15_000 });
    await expect(status).toContainText(/the oldest of ours leaves the window at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expect(status).toContainText(/Meta's code 133016, fbtrace_id \S+/);
    await form.screenshot({ path: shot('refusal-133016') });
    await page.reload();
    await expect(page.getByTestId('number-run').filter({ hasText: 'Register the number' }).first()).toHaveAttribute('data-status', 'failed');
    // One call reached the fault, and no retry followed it.
    const faults = await control<{ data: Array<{ path: string; hits: number; remaining: number | null }> }>('GET', '/faults');
    expect(faults.data.find((f) => f.path === '/{id}/register')).toMatchObject({ hits: 1, remaining: 2 });
  } finally {
    await control('DELETE', '/faults');
  }
  expect((await sandboxPhone(addedId)).registerCalls).toHaveLength(calls);
});

test('133005: a PIN mismatch on register is explained in plain words', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  await control('POST', '/faults', { method: 'POST', path: '/{id}/register', error: { code: 133005, message: 'Two step verification PIN Mismatch' }, next: 1 });
  try {
    const form = page.getByRole('form', { name: 'Re-register the number' });
    await form.getByRole('button', { name: 'Re-register' }).click();
    await expect(form.getByRole('status')).toContainText('Two-step verification is on for this number with a PIN we do not hold', { timeout: 15_000 });
    await expect(form.getByRole('status')).toContainText(/Meta's code 133005/);
  } finally {
    await control('DELETE', '/faults');
  }
});

test('a PIN change Meta refuses keeps the old PIN; an accepted one replaces it, and re-register works with each', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const pin = page.getByRole('form', { name: 'Change the two-step verification PIN' });
  await control('POST', '/faults', { method: 'POST', path: '/{id}', error: { code: 100, message: '(#100) Invalid parameter' }, next: 1 });
  await pin.getByRole('button', { name: 'Change the PIN' }).click();
  await expect(pin.getByRole('status')).toContainText(/Set a new two-step verification PIN failed: .*Meta's code 100, fbtrace_id \S+/, { timeout: 15_000 });
  await control('DELETE', '/faults');
  // Meta still holds the old PIN, and so do we: registering with the vault's PIN is accepted.
  const register = page.getByRole('form', { name: 'Re-register the number' });
  await register.getByRole('button', { name: 'Re-register' }).click();
  await expect(register.getByRole('status')).toContainText('Registered for the Cloud API', { timeout: 15_000 });

  await pin.getByRole('button', { name: 'Change the PIN' }).click();
  await expect(pin.getByRole('status')).toContainText('Meta accepted the new two-step verification PIN', { timeout: 15_000 });
  await register.getByRole('button', { name: 'Re-register' }).click();
  await expect(register.getByRole('status')).toContainText('Registered for the Cloud API', { timeout: 15_000 });
  expect((await sandboxPhone(addedId)).status).toBe('CONNECTED');
});

test('a display-name change is requested, and Meta’s rejection arrives by webhook and shows with its reason', async ({ page }) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const form = page.getByRole('form', { name: 'Request a display name change' });
  await form.getByLabel('New display name').fill('Harbour Orders Desk');
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action'] && request.url().includes('/numbers/')) captured ??= capture(request);
  });
  await form.getByRole('button', { name: 'Request the change' }).click();
  await expect(form.getByRole('status')).toContainText('Meta is reviewing “Harbour Orders Desk”');
  await expect(page.getByTestId('fact-name')).toContainText('Requested: “Harbour Orders Desk”');
  await control('POST', `/phone-numbers/${addedId}/display-name-decision`, { decision: 'REJECTED', rejection_reason: 'NAME_NOT_CONSISTENT' });
  await control('POST', '/webhooks/flush');
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('name-rejection')).toContainText('declined by Meta: the name does not match the business’s website', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('number-event').filter({ hasText: 'Display name “Harbour Orders Desk”: rejected' })).toBeVisible();
  await expect(page.getByTestId('fact-name')).toContainText('“Harbour Orders” · In review at Meta');
  await page.getByTestId('fact-name').screenshot({ path: shot('name-rejected') });
});

test('a test message: text outside the 24-hour window is refused with the template offered; the template is sent; after the person writes, text is delivered and read', async ({
  page,
}) => {
  // An approved template on the customer's account, as Meta's sample hello_world.
  const token = 'sandbox-system-token';
  const proof = createHmac('sha256', 'sandbox-app-secret').update(token).digest('hex');
  const created = await fetch(`${sandboxUrl}/v25.0/${wabaId}/message_templates?access_token=${token}&appsecret_proof=${proof}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'hello_world', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello World' }] }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  await control('POST', `/templates/${created.id}/decision`, { event: 'APPROVED' });
  await control('POST', '/webhooks/flush');

  await signInAsAdmin(page);
  const to = '16505550199';
  await expect(async () => {
    await openNumber(page, addedId);
    await expect(page.getByRole('form', { name: 'Send a test message' }).getByLabel('Template', { exact: true })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const form = page.getByRole('form', { name: 'Send a test message' });
  await form.getByLabel('Send to (international format)').fill('+1 650 555');
  await form.getByRole('button', { name: 'Send the test message' }).click();
  await expect(form.getByText('This is not a possible phone number').first()).toBeVisible();

  await form.getByLabel('Send to (international format)').fill(`+${to}`);
  await form.getByRole('button', { name: 'Send the test message' }).click();
  await expect(form.getByRole('status')).toContainText('free-form text only within 24 hours');
  await expect(form.getByRole('status')).toContainText('“hello_world” (en_US)');

  await form.getByLabel('Message', { exact: true }).selectOption('template');
  await form.getByRole('button', { name: 'Send the test message' }).click();
  await expect(form.getByRole('status')).toContainText('Meta accepted the message (wamid.');
  const templateMessage = page.getByTestId('test-message').filter({ hasText: 'template hello_world' });
  await expect(templateMessage.locator('[data-delivery="delivered"]')).toBeVisible({ timeout: 20_000 });

  await control('POST', `/phone-numbers/${addedId}/inbound`, { from: to, text: 'Is this the support line?' });
  await control('POST', '/webhooks/flush');
  await expect(async () => {
    await form.getByLabel('Send to (international format)').fill(`+${to}`);
    await form.getByLabel('Message', { exact: true }).selectOption('text');
    await form.getByRole('button', { name: 'Send the test message' }).click();
    await expect(form.getByRole('status')).toContainText('Meta accepted the message', { timeout: 2000 });
  }).toPass({ timeout: 20_000 });
  const textMessage = page.getByTestId('test-message').filter({ hasText: `+${to} · text` });
  await expect(textMessage.getByTestId('message-id')).toHaveText(/^wamid\./);
  await expect(textMessage.locator('[data-delivery="sent"]')).toBeVisible({ timeout: 20_000 });
  await expect(textMessage.locator('[data-delivery="delivered"]')).toBeVisible({ timeout: 20_000 });
  await expect(textMessage.locator('[data-delivery="read"]')).toBeVisible({ timeout: 20_000 });
  await expect(textMessage).toHaveAttribute('data-status', 'read');

  // A failure comes with Meta's error.
  await form.getByLabel('Send to (international format)').fill('+15550001234');
  await form.getByLabel('Message', { exact: true }).selectOption('template');
  await form.getByRole('button', { name: 'Send the test message' }).click();
  await expect(form.getByRole('status')).toContainText('Meta accepted the message');
  const failed = page.getByTestId('test-message').filter({ hasText: '+15550001234' });
  await expect(failed.getByTestId('delivery-error')).toContainText('131026', { timeout: 20_000 });
  await page.getByTestId('test-messages').screenshot({ path: shot('test-messages') });
});

test('a per-number callback override to our own webhook address passes Meta’s handshake and shows; removing it goes back to the app’s URL', async ({
  page,
}) => {
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  const form = page.getByRole('form', { name: 'Override this number’s callback URL' });
  const ours = `${portalUrl}/api/webhooks/meta`;
  await form.getByLabel('Callback URL for this number').fill('https://hooks.example.com/whatsapp');
  await form.getByRole('button', { name: 'Set the override' }).click();
  await expect(form.getByText('Required for another server.')).toBeVisible();
  await form.getByLabel('Callback URL for this number').fill(ours);
  await form.getByRole('button', { name: 'Set the override' }).click();
  await expect(form.getByRole('status')).toContainText(`Meta verified ${ours}`, { timeout: 15_000 });
  await expect(page.getByTestId('webhook-routing')).toContainText('this number’s own override');
  await expect(page.getByTestId('override-number')).toHaveText(ours);
  await page.getByRole('button', { name: 'Remove the override' }).click();
  await expect(page.getByTestId('override-number')).toHaveText('none', { timeout: 15_000 });
  await expect(page.getByTestId('webhook-routing')).toContainText('our app’s callback URL');
});

test('health: a blocked account shows Meta’s error code, its description and what to do', async ({ page }) => {
  await control('POST', `/wabas/${wabaId}/review-decision`, { decision: 'REJECTED' });
  await signInAsAdmin(page);
  await openNumber(page, addedId);
  await page.getByRole('button', { name: 'Read from Meta' }).click();
  const health = page.getByTestId('number-health');
  await expect(health).toHaveAttribute('data-can-send', 'BLOCKED', { timeout: 15_000 });
  await expect(health).toContainText('Cannot send messages');
  const error = health.locator('[data-entity="WABA"]').getByTestId('health-error');
  await expect(error).toContainText('Meta code 141001: The WhatsApp Business Account was rejected in review.');
  await expect(error).toContainText('What to do: Request a review in WhatsApp Manager.');
  await page.getByTestId('number-health-section').screenshot({ path: shot('health-blocked') });
});

test('a viewer sees the number page without any action, and a replayed action post gets 403 and changes nothing', async ({ page }) => {
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
  await openNumber(page, addedId);
  await expect(page.getByTestId('fact-status')).toContainText('Connected');
  await expect(page.getByTestId('number-actions')).toHaveCount(0);
  await expect(
    page.getByRole('button', { name: /Read from Meta|Register|Deregister|Change the PIN|Request the change|Send the test message|Verify|Send a new code/ }),
  ).toHaveCount(0);
  await expect(page.locator('form[aria-label]')).toHaveCount(0);
  await page.screenshot({ path: shot('page-viewer'), fullPage: true });

  expect(captured).toBeDefined();
  const before = await sandboxPhone(addedId);
  const forged = await replay(page, await captured!);
  expect(forged.status()).toBe(403);
  const after = await sandboxPhone(addedId);
  expect(after).toEqual(before);
  await page.goto(`/wabas/${wabaId}/numbers/new`);
  await expect(page.getByText('Only operators and admins add phone numbers.')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Add a phone number' })).toHaveCount(0);
});
