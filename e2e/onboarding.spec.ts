import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page, type Route } from '@playwright/test';
import { advanceTo, clickAndClose, type PopupChoices } from './popup';
import { control } from './sandbox-control';
import { signInAsAdmin } from './staff-session';

// Customers onboarding in a real browser against the running portal and its sandbox: every flow,
// cancels and in-flow errors, forged input, and Meta misbehaving.
test.describe.configure({ mode: 'serial' });

async function launch(page: Page, path = '/signup'): Promise<Page> {
  await page.goto(path);
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  return popup;
}

async function completePopup(popup: Page, choices: PopupChoices = {}): Promise<void> {
  await advanceTo(popup, 'success', choices);
  await clickAndClose(popup, '#finish');
}

async function finalStatus(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  const status = page.getByTestId('onboarding-status');
  await expect(status).toHaveAttribute('data-status', /^(live|connected|waiting_on_partner|action_needed|failed|rejected)$/, { timeout: 45_000 });
  return (await status.getAttribute('data-status'))!;
}

/** Creates a signup link through the staff page and returns its public path. */
async function createLink(page: Page, link: { label: string; flow: string; solutionId?: string }): Promise<string> {
  await page.goto('/links');
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill(link.label);
  await form.getByLabel('Flow').selectOption(link.flow);
  if (link.solutionId) await form.getByLabel('Solution id').fill(link.solutionId);
  await form.getByRole('button', { name: 'Create link' }).click();
  const row = page.locator(`[data-testid="signup-link"][data-label="${link.label}"]`);
  await expect(row).toBeVisible();
  const url = await row.getByTestId('signup-url').textContent();
  return new URL(url!.trim()).pathname;
}

/** Rewrites the completion request the browser sends (the server action carrying the code). */
async function rewriteCompletion(page: Page, rewrite: (args: [string, { code: string; finish: Record<string, string> | null }]) => void): Promise<void> {
  await page.route('**/signup**', async (route: Route) => {
    const request = route.request();
    const body = request.postData();
    if (request.method() !== 'POST' || !body?.includes('"code"')) return route.continue();
    const args = JSON.parse(body) as [string, { code: string; finish: Record<string, string> | null }];
    rewrite(args);
    await route.continue({ postData: JSON.stringify(args) });
  });
}

const links: Record<string, string> = {};

const partner = { name: 'Harbour Messaging', contact: 'help@harbour.example' };

test.beforeAll(async ({ browser }) => {
  await control('POST', '/reset');
  const page = await browser.newPage();
  await signInAsAdmin(page);
  await page.goto('/settings');
  await page.getByLabel('Your name, as customers know it').fill(partner.name);
  await page.getByLabel('Support contact for customers').fill(partner.contact);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toContainText('Settings saved');
  links.coexistence = await createLink(page, { label: 'Bakery coexistence', flow: 'coexistence' });
  links.wabaOnly = await createLink(page, { label: 'Share WABA only', flow: 'waba_only' });
  links.mpsActive = await createLink(page, { label: 'Brew Tech solution', flow: 'mps', solutionId: '7000000000000001' });
  links.measurement = await createLink(page, { label: 'Measurement', flow: 'measurement' });
  await page.close();
});

test('default flow as a Solution Partner: from the button to live', async ({ page }) => {
  const popup = await launch(page);
  await completePopup(popup);
  expect(await finalStatus(page)).toBe('live');
  await expect(page.getByTestId('status-headline')).toHaveText('You’re live');
  await expect(page.getByTestId('support-contact')).toContainText(partner.contact);
  for (const step of ['subscribe_app', 'assign_system_user', 'share_credit_line', 'register_phone']) {
    await expect(page.locator(`[data-step="${step}"]`)).toHaveAttribute('data-step-status', 'done');
  }
  const { data: events } = await control<{ data: { event?: string; params?: Record<string, string> }[] }>('GET', '/pixel-events');
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['PageView', 'WhatsAppOnboardingStart', 'WhatsAppOnboardingFinish']));
  expect(events.find((e) => e.event === 'PageView')?.params).toMatchObject({ appId: '1000000000000001', feature: 'whatsapp_embedded_signup' });
});

test("the onboarding's PARTNER_ADDED and a display-name decision show on the WABA's page", async ({ page, browser }) => {
  await completePopup(await launch(page), { displayName: 'Harbour Lights' });
  expect(await finalStatus(page)).toBe('live');
  const onboarding = await page.request.get(page.url().replace('/onboarding/', '/api/onboarding/'));
  const { waba } = (await onboarding.json()) as { waba: { id: string } };
  const state = await control<{ phoneNumbers: { id: string; wabaId: string }[] }>('GET', '/state');
  const number = state.phoneNumbers.find((p) => p.wabaId === waba.id)!;
  await control('POST', `/phone-numbers/${number.id}/display-name-decision`, { decision: 'APPROVED' });
  await control('POST', '/webhooks/flush');

  const staff = await browser.newPage();
  await signInAsAdmin(staff);
  await staff.goto(`/wabas/${waba.id}`);
  const timeline = staff.getByTestId('waba-timeline');
  await expect(async () => {
    await staff.reload();
    await expect(timeline.getByTestId('timeline-event').filter({ hasText: 'PARTNER_ADDED' }).first()).toBeVisible({ timeout: 1000 });
    await expect(timeline.getByTestId('timeline-event').filter({ hasText: "Display name 'Harbour Lights' APPROVED" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await staff.close();
});

test('coexistence: the app number is kept, not registered, and both syncs start', async ({ page }) => {
  const popup = await launch(page, links.coexistence);
  await completePopup(popup, { person: '8000000000000004', business: '2100000000000004' });
  expect(await finalStatus(page)).toBe('live');
  await expect(page.locator('[data-step="register_phone"]')).toHaveCount(0);
  await expect(page.locator('[data-step="sync_contacts"]')).toHaveAttribute('data-step-status', 'done');
  await expect(page.locator('[data-step="sync_history"]')).toHaveAttribute('data-step-status', 'done');
});

test('WABA-only sharing onboards the account without a number: connected, not live, and says what is missing', async ({ page }) => {
  const popup = await launch(page, links.wabaOnly);
  await completePopup(popup, { person: '8000000000000002', business: '2100000000000002', waba: '2200000000000002' });
  expect(await finalStatus(page)).toBe('connected');
  await expect(page.getByTestId('status-headline')).toHaveText('Your account is connected');
  await expect(page.getByTestId('status-message')).toContainText('is not registered for messaging yet');
  await expect(page.getByTestId('onboarding-status')).not.toContainText('ready to send');
  await expect(page.locator('[data-step="register_phone"]')).toHaveCount(0);
});

test('an ACTIVE Multi-Partner Solution onboards; a link for a draft one is refused with the reason', async ({ page, browser }) => {
  const popup = await launch(page, links.mpsActive);
  await completePopup(popup);
  // The Tech Provider holds MESSAGING on this solution: it registers the number, so nothing sends yet.
  expect(await finalStatus(page)).toBe('waiting_on_partner');
  await expect(page.getByTestId('status-message')).toContainText('will finish registering your number');
  await expect(page.locator('[data-step="register_phone"]')).toContainText('Left to your partner');
  await expect(page.getByTestId('onboarding-status')).not.toContainText('ready to send');

  const staff = await browser.newPage();
  await signInAsAdmin(staff);
  await staff.goto('/links');
  const form = staff.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill('Draft solution');
  await form.getByLabel('Flow').selectOption('mps');
  await form.getByLabel('Solution id').fill('7000000000000002');
  await form.getByRole('button', { name: 'Create link' }).click();
  await expect(form.getByText(/is still a draft; Meta only onboards customers through an active solution/).first()).toBeVisible();
  await expect(staff.locator('[data-testid="signup-link"][data-label="Draft solution"]')).toHaveCount(0);
  await staff.close();
});

test('Measurement Partner: read-only access granted, subscribed for webhooks, no registration or messaging steps', async ({ page }) => {
  const popup = await launch(page, links.measurement);
  await completePopup(popup, { person: '8000000000000002', business: '2100000000000002', waba: '2200000000000002' });
  expect(await finalStatus(page)).toBe('connected');
  await expect(page.getByTestId('status-headline')).toHaveText(`Read-only access granted to ${partner.name}`);
  await expect(page.locator('[data-step="subscribe_app"]')).toHaveAttribute('data-step-status', 'done');
  for (const step of ['register_phone', 'assign_system_user', 'share_credit_line']) {
    await expect(page.locator(`[data-step="${step}"]`)).toHaveCount(0);
  }
});

test('a blocked Facebook SDK is explained instead of a button that never works', async ({ page }) => {
  await page.route('**/sdk.js', (route) => route.abort());
  await page.goto('/signup');
  await expect(page.getByTestId('signup-problem')).toContainText('could not load');
  await expect(page.getByRole('button', { name: 'Start again' })).toBeVisible();
});

test('cancel at a middle step and the in-flow error tell the customer what to do', async ({ page }) => {
  const popup = await launch(page);
  await advanceTo(popup, 'phone');
  await clickAndClose(popup, '#close');
  await expect(page.getByTestId('signup-problem')).toContainText('adding a phone number');

  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByRole('button', { name: 'Connect with Facebook' })).toBeEnabled();
  const errored = await launch(page);
  await advanceTo(errored, 'profile');
  await errored.fill('#display-name', 'WhatsApp BEST DEALS');
  await errored.click('#next');
  await expect(errored.getByTestId('es-error')).toContainText('524126');
  await clickAndClose(errored, '#close');
  await expect(page.getByTestId('signup-problem')).toContainText('524126');
});

test('a forged message from another origin is ignored', async ({ page }) => {
  const forger: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<script>window.opener.postMessage(JSON.stringify({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH', data: { waba_id: '2200000000000003', phone_number_id: '2300000000000003' } }), '*');</script>`,
    );
  });
  await new Promise<void>((resolve) => forger.listen(0, '127.0.0.1', resolve));
  const forgerUrl = `http://127.0.0.1:${(forger.address() as AddressInfo).port}/`;
  const warnings: string[] = [];
  page.on('console', (message) => warnings.push(message.text()));
  try {
    const popup = await launch(page);
    await page.evaluate((url) => void window.open(url, 'forger'), forgerUrl);
    await expect.poll(() => warnings.some((w) => w.includes('untrusted origin'))).toBe(true);
    await completePopup(popup);
    expect(await finalStatus(page)).toBe('live');
  } finally {
    forger.close();
  }
});

test('a WABA that was not granted is refused and nothing about it is shown', async ({ page }) => {
  await rewriteCompletion(page, ([, input]) => {
    input.finish = { ...(input.finish ?? { event: 'FINISH' }), waba_id: '2200000000000003', wabaId: '2200000000000003' };
  });
  const popup = await launch(page);
  await completePopup(popup);
  await expect(page.getByTestId('signup-problem')).toContainText('not shared with us');
});

test('a replayed code is refused before it reaches Meta, and a code exchanged after 30 seconds is refused', async ({ page }) => {
  let firstCode: string | undefined;
  await rewriteCompletion(page, ([, input]) => {
    firstCode ??= input.code;
  });
  await completePopup(await launch(page));
  expect(await finalStatus(page)).toBe('live');
  await page.unrouteAll({ behavior: 'wait' });

  await rewriteCompletion(page, ([, input]) => {
    input.code = firstCode!;
  });
  // A 0 ms latency fault on the exchange only counts the calls that reach Meta.
  await control('POST', '/faults', { path: '/oauth/access_token', kind: 'latency', latencyMs: 0 });
  await completePopup(await launch(page));
  await expect(page.getByTestId('signup-problem')).toContainText('already used once, so we did not send it to Meta again');
  const { data: faults } = await control<{ data: { path: string; hits: number }[] }>('GET', '/faults');
  expect(faults.find((f) => f.path === '/oauth/access_token')?.hits).toBe(0);
  await control('DELETE', '/faults');
  await page.unrouteAll({ behavior: 'wait' });

  await page.route('**/signup**', async (route) => {
    if (route.request().method() === 'POST' && route.request().postData()?.includes('"code"')) {
      await control('POST', '/clock/advance', { seconds: 31 });
    }
    await route.continue();
  });
  await completePopup(await launch(page));
  await expect(page.getByTestId('signup-problem')).toContainText('30 seconds');
});

test('503s and rate limits from Meta are retried and onboarding still completes', async ({ page }) => {
  await control('POST', '/faults', { path: '/{id}/subscribed_apps', kind: 'http5xx', httpStatus: 503, next: 2 });
  await control('POST', '/faults', { path: '/{id}/register', error: { code: 80008, message: '(#80008) Rate limit hit' }, next: 1 });
  try {
    await completePopup(await launch(page));
    expect(await finalStatus(page)).toBe('live');
  } finally {
    await control('DELETE', '/faults');
  }
});

test('133016 stops registration with the right message and no retry; staff resume it later', async ({ page, browser }) => {
  await control('POST', '/faults', {
    method: 'POST',
    path: '/{id}/register',
    error: { code: 133016, message: 'Account register deregister rate limit exceeded' },
    next: 1,
  });
  try {
    await completePopup(await launch(page));
    expect(await finalStatus(page)).toBe('failed');
    await expect(page.getByTestId('status-message')).toContainText('72 hours');
    await expect(page.locator('[data-step="register_phone"]')).toHaveAttribute('data-step-status', 'failed');
    // Only staff can resume: the customer is told who does, and how to reach them.
    await expect(page.getByTestId('status-next')).toContainText('Our team will resume your setup');
    await expect(page.getByTestId('onboarding-status')).not.toContainText(/\bResume\b/);
    await expect(page.getByTestId('support-contact').getByRole('link', { name: partner.contact })).toHaveAttribute('href', `mailto:${partner.contact}`);
  } finally {
    await control('DELETE', '/faults');
  }
  const staff = await browser.newPage();
  await signInAsAdmin(staff);
  await staff.goto(new URL(page.url()).pathname.replace('/onboarding/', '/onboardings/'));
  await expect(staff.locator('[data-step="register_phone"]')).toContainText('133016');
  await staff.getByRole('button', { name: 'Resume' }).click();
  await page.reload();
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
  await staff.close();
});

test('as a Tech Provider the customer is told to add a payment method', async ({ page, browser }) => {
  const staff = await browser.newPage();
  await signInAsAdmin(staff);
  await staff.goto('/settings');
  await staff.getByLabel('Partner type').selectOption('tech_provider');
  await staff.getByRole('button', { name: 'Save settings' }).click();
  await expect(staff.getByRole('status')).toContainText('Settings saved');
  await control('PATCH', '/config', { partnerType: 'tech_provider' });
  try {
    await completePopup(await launch(page));
    expect(await finalStatus(page)).toBe('action_needed');
    await expect(page.getByTestId('status-message')).toHaveText('Add a payment method in WhatsApp Manager so that messages can be sent.');
    await expect(page.getByTestId('status-message').getByRole('link', { name: 'WhatsApp Manager' })).toHaveAttribute(
      'href',
      'https://business.facebook.com/wa/manage/home/',
    );
    await expect(page.getByTestId('onboarding-status')).not.toContainText('already send');
    await expect(page.locator('[data-step="share_credit_line"]')).toHaveCount(0);
  } finally {
    await staff.getByLabel('Partner type').selectOption('solution_partner');
    await staff.getByRole('button', { name: 'Save settings' }).click();
    await control('PATCH', '/config', { partnerType: 'solution_partner' });
    await staff.close();
  }
});

test('after these onboardings the Overview counts them and the Audit log lists what happened; both move with new data', async ({ page, browser }) => {
  const staff = await browser.newPage();
  await signInAsAdmin(staff);
  const count = async (testId: string) => Number(await staff.getByTestId(testId).getByTestId('count').first().textContent());

  await staff.goto('/dashboard');
  await expect(staff.getByText('No customers yet')).toHaveCount(0);
  const live = await count('customers-live');
  expect(live).toBeGreaterThan(0);
  expect(await count('customers-connected')).toBeGreaterThan(0);
  expect(await count('customers-waiting_on_partner')).toBeGreaterThan(0);
  expect(await count('customers-action_needed')).toBeGreaterThan(0);
  expect(await count('signups-today')).toBeGreaterThan(0);
  const opened = await count('funnel-opened');
  const completed = await count('funnel-completed');
  expect(opened).toBeGreaterThanOrEqual(completed);
  await expect(staff.getByTestId('cancel-step').filter({ hasText: 'Adding a phone number' })).toBeVisible();

  await completePopup(await launch(page));
  expect(await finalStatus(page)).toBe('live');
  const onboarding = await page.request.get(page.url().replace('/onboarding/', '/api/onboarding/'));
  const { waba } = (await onboarding.json()) as { waba: { id: string } };
  await staff.reload();
  expect(await count('customers-live')).toBe(live + 1);
  expect(await count('funnel-opened')).toBeGreaterThan(opened);
  expect(await count('funnel-completed')).toBe(completed + 1);

  await staff.goto('/audit');
  await expect(staff.getByText('No staff actions yet')).toHaveCount(0);
  await staff.getByLabel('Action', { exact: true }).selectOption('link.create');
  await staff.getByRole('button', { name: 'Filter' }).click();
  for (const label of ['Bakery coexistence', 'Share WABA only', 'Brew Tech solution', 'Measurement']) {
    await expect(staff.getByTestId('staff-action').filter({ has: staff.getByText(label, { exact: true }) })).toHaveCount(1);
  }
  await staff.getByLabel('Action', { exact: true }).selectOption('settings.update');
  await staff.getByRole('button', { name: 'Filter' }).click();
  await expect(staff).toHaveURL(/action=settings\.update/);
  const settingsRows = staff.getByTestId('staff-action');
  await expect(settingsRows.first()).toContainText('Ada Admin');
  expect(await settingsRows.evaluateAll((rows) => rows.every((row) => row.getAttribute('data-action') === 'settings.update'))).toBe(true);

  await staff.getByRole('link', { name: 'Calls to Meta' }).click();
  await expect(staff.getByRole('search', { name: 'Filter calls to Meta' })).toBeVisible();
  await expect(staff.getByTestId('graph-call').first()).toBeVisible();
  await staff.getByLabel('WABA id').fill(waba.id);
  await staff.getByRole('button', { name: 'Filter' }).click();
  await expect(staff).toHaveURL(new RegExp(`view=graph.*waba=${waba.id}`));
  await expect(staff.getByTestId('graph-call').filter({ hasText: `POST /${waba.id}/subscribed_apps` })).toHaveCount(1);
  await expect(staff.getByTestId('graph-call').filter({ hasText: '/register' })).toHaveCount(1);
  expect(await staff.content()).not.toMatch(/EAA[A-Za-z0-9]{20,}/);
  await staff.close();
});
