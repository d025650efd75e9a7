import { createHmac } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { portalUrl, sandboxUrl } from '../playwright.config';
import { minimalPdf, notAPdf, oversizedPdf } from '../test/document-fixtures';
import { advanceTo, clickAndClose } from './popup';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('programs', name);

// Meta's partner programs in a real browser against the running portal and its sandbox: the
// navigation per partner type, partner-led business verification (3 attempts, refused files, the
// fallbacks, Meta's decisions by webhook), Multi-Solution Conversations on a number, the Tech
// Partner readiness meter and a Measurement Partner's customer analytics.
test.describe.configure({ mode: 'serial' });

const appSecret = 'sandbox-app-secret';
const observer = { name: 'Pia Programs', email: 'pia@example.com', password: 'quiet-harbour-47' };
const acme = { businessId: '2100000000000001' };
const brew = { person: '8000000000000002', businessId: '2100000000000002', wabaId: '2200000000000002', phoneId: '2300000000000002' };

type PartnerSettings = { type: string; tier?: string };

async function saveSettings(page: Page, settings: PartnerSettings) {
  await page.goto('/settings');
  await page.getByLabel('Partner type').selectOption(settings.type);
  await page.getByLabel('Solution Partner tier').selectOption(settings.tier ?? 'none');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
}

function programs(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'Partner programs' }).getByRole('link');
}

async function onboardThroughPopup(page: Page, path: string, choices: Parameters<typeof advanceTo>[2] = {}) {
  await page.goto(path);
  const button = page.getByRole('button', { name: 'Connect with Facebook' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await popup.waitForLoadState('domcontentloaded');
  await advanceTo(popup, 'success', choices);
  await clickAndClose(popup, '#finish');
  await expect(page).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('onboarding-status')).toHaveAttribute('data-status', /^(live|connected|waiting_on_partner|action_needed)$/, {
    timeout: 45_000,
  });
}

/** A signed webhook POST, as Meta sends it. */
async function postAsMeta(payload: unknown) {
  const body = JSON.stringify(payload);
  const response = await fetch(`${portalUrl}/api/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
    body,
  });
  expect(response.status).toBe(200);
}

type SandboxSubmission = { id: string; clientBusinessId: string; status: string };

async function pendingSubmission(businessId: string): Promise<string> {
  const state = await control<{ submissions: SandboxSubmission[] }>('GET', '/state');
  const pending = state.submissions.filter((s) => s.clientBusinessId === businessId && s.status === 'PENDING');
  expect(pending).toHaveLength(1);
  return pending[0]!.id;
}

async function sandboxSubmissionCount(businessId: string): Promise<number> {
  const state = await control<{ submissions: SandboxSubmission[] }>('GET', '/state');
  return state.submissions.filter((s) => s.clientBusinessId === businessId).length;
}

/**
 * Posts the captured upload action again, its body rebuilt as React encodes `action(previousState,
 * formData)` (Chromium does not hand Playwright the bytes of a form with files).
 */
function replayUpload(page: Page, captured: Captured, fields: Record<string, string>, file: { name: string; buffer: Buffer }) {
  const multipart = new FormData();
  for (const [name, value] of Object.entries(fields)) multipart.append(`_1_${name}`, value);
  multipart.append('_1_documents', new Blob([new Uint8Array(file.buffer)], { type: 'application/pdf' }), file.name);
  // The root comes last, as React sends it: the server resolves `$K1` from the entries before it.
  multipart.append('0', '[{},"$K1"]');
  const { 'content-type': _type, ...headers } = captured.headers;
  return page.request.fetch(captured.url, { method: 'POST', headers, multipart });
}

const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(minimalPdf(2)) });

let submitRequest: Promise<Captured> | undefined;
let recordMscRequest: Promise<Captured> | undefined;
let acmePhoneId = '';
let acmeWabaPath = '';

test.beforeAll(async ({ browser }) => {
  await control('POST', '/reset');
  // Meta's decisions come from the tests below, not from the sandbox's timer.
  await control('PATCH', '/config', { autoDecisions: { businessVerificationSeconds: null } });
  const page = await browser.newPage();
  await signInAsAdmin(page);
  await page.goto('/staff');
  const form = page.locator('section', { hasText: 'Add a staff member' });
  await form.getByLabel('Name').fill(observer.name);
  await form.getByLabel('Email').fill(observer.email);
  await form.getByLabel('Initial password').fill(observer.password);
  await form.getByRole('button', { name: 'Add staff member' }).click();
  await expect(form.getByText(`${observer.name} can now sign in as viewer.`)).toBeVisible();
  await page.close();
});

test('the navigation shows each program only to the partner types it applies to', async ({ page }) => {
  await signInAsAdmin(page);
  const expected: Array<[PartnerSettings, string[]]> = [
    [{ type: 'solution_partner', tier: 'none' }, ['Solutions', 'WABA requests', 'Shared numbers']],
    [{ type: 'solution_partner', tier: 'select' }, ['Solutions', 'WABA requests', 'Business verification', 'Shared numbers']],
    [{ type: 'solution_partner', tier: 'premier' }, ['Solutions', 'WABA requests', 'Business verification', 'Shared numbers']],
    [{ type: 'tech_provider' }, ['Solutions', 'Tech Partner readiness', 'Shared numbers']],
    [{ type: 'tech_partner' }, ['Solutions', 'Shared numbers']],
    [{ type: 'measurement_partner' }, ['Customer analytics']],
  ];
  for (const [settings, links] of expected) {
    await saveSettings(page, settings);
    await page.goto('/dashboard');
    await expect(programs(page)).toHaveText(links);
  }
  // A program's page says so when it does not apply.
  await page.goto('/verification');
  await expect(page.getByText('Partner-led business verification is only for Solution Partners in the Select or Premier tier.')).toBeVisible();
  await page.goto('/readiness');
  await expect(page.getByText('The Tech Partner upgrade is for Tech Providers.')).toBeVisible();
});

test('partner-led verification: refused files, three rejected attempts with Meta’s reasons, then the self-verification fallback', async ({ page }) => {
  await signInAsAdmin(page);
  await saveSettings(page, { type: 'solution_partner', tier: 'premier' });
  await onboardThroughPopup(page, '/signup');

  await page.goto('/verification');
  await page.getByTestId('verification-customer').filter({ hasText: acme.businessId }).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/verification/${acme.businessId}$`));
  acmeWabaPath = (await page.locator('h1 + p').getByRole('link').first().getAttribute('href')) ?? '';
  await expect(page.getByTestId('meta-status')).toContainText('not read yet');
  await page.getByRole('button', { name: 'Check with Meta' }).click();
  await expect(page.getByText('Meta says: Not verified.')).toBeVisible();
  await expect(page.getByTestId('meta-status')).toContainText('Not verified');
  await expect(page.getByTestId('attempts-used')).toHaveText('0');
  await page.screenshot({ path: shot('verification-before'), fullPage: true });

  const documents = page.getByLabel('Documents (1 to 3)');
  const submit = page.getByRole('button', { name: /^Submit attempt/ });
  // A text file named .pdf, then a PDF over 5 MB: refused with the reason, nothing sent to Meta.
  await documents.setInputFiles({ name: 'registration.pdf', mimeType: 'application/pdf', buffer: Buffer.from(notAPdf) });
  await submit.click();
  await expect(page.getByTestId('documents-error')).toHaveText(
    'registration.pdf is not a PDF, JPEG or PNG file (whatever its name says): Meta accepts only those.',
  );
  await documents.setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(oversizedPdf()) });
  await submit.click();
  await expect(page.getByTestId('documents-error')).toHaveText('scan.pdf is 5.0 MB: Meta accepts at most 5 MB per document.');
  expect(await sandboxSubmissionCount(acme.businessId)).toBe(0);
  await expect(page.getByTestId('verification-submission')).toHaveCount(0);

  const reasons = [['LEGAL NAME NOT MATCHING'], ['MALFORMED_DOCUMENTS'], ['WEBSITE NOT MATCHING', 'ADDRESS NOT MATCHING']];
  for (const [i, rejection] of reasons.entries()) {
    await documents.setInputFiles([pdf('certificate.pdf'), pdf('utility-bill.pdf')]);
    if (i === 0) {
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.headers()['next-action']) submitRequest ??= capture(request);
      });
    }
    await page.getByRole('button', { name: `Submit attempt ${i + 1} of 3` }).click();
    // The form gives way to the submission, waiting for Meta's decision.
    await expect(page.getByTestId('verification-submit')).toContainText(`Attempt ${i + 1} was sent`);
    await expect(page.getByTestId('verification-submission').first()).toHaveAttribute('data-status', 'PENDING');

    await control('POST', `/business-verification/${await pendingSubmission(acme.businessId)}/decision`, { status: 'FAILED', rejection_reasons: rejection });
    await control('POST', '/webhooks/flush');
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId('verification-submission').first().getAttribute('data-status');
      })
      .toBe('FAILED');
    await expect(page.getByTestId('attempts-used')).toHaveText(String(i + 1));
    if (i === 0) {
      await expect(page.getByTestId('submission-reasons').first()).toHaveText('the legal name does not match the documents (LEGAL_NAME_NOT_MATCHING)');
      await expect(page.getByTestId('webhook-status')).toContainText('Rejected');
      await page.screenshot({ path: shot('verification-rejected'), fullPage: true });
      // The attention item opens the workspace.
      await page.goto('/dashboard');
      const item = page.getByTestId('attention-item').filter({ hasText: 'rejected the business verification' }).first();
      await expect(item).toContainText('2 of 3 attempts left');
      await item.getByTestId('attention-open').click();
      await expect(page).toHaveURL(new RegExp(`/verification/${acme.businessId}$`));
    }
  }
  await expect(page.getByTestId('submission-reasons').first()).toContainText('the website does not match the business (WEBSITE_NOT_MATCHING)');
  await expect(page.getByTestId('fallback-self-verify')).toContainText('How to Verify Your Business on Meta');
  await expect(page.getByRole('button', { name: /^Submit attempt/ })).toHaveCount(0);
  await page.screenshot({ path: shot('verification-exhausted'), fullPage: true });

  // A 4th attempt posted directly is refused with the fallback, and Meta sees nothing.
  expect(submitRequest).toBeDefined();
  const fourth = await replayUpload(page, await submitRequest!, { businessId: acme.businessId }, pdf('certificate.pdf'));
  expect(fourth.status()).toBe(200);
  expect(await fourth.text()).toContain('All 3 partner-led attempts for this business are used');
  expect(await sandboxSubmissionCount(acme.businessId)).toBe(3);
  await page.reload();
  await expect(page.getByTestId('verification-submission')).toHaveCount(3);
});

test('a viewer sees the workspace without buttons and a direct post gets 403; a partner outside Select and Premier is refused', async ({ page }) => {
  await signIn(page, observer.email, observer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/verification/${acme.businessId}`);
  await expect(page.getByTestId('attempts-used')).toHaveText('3');
  await expect(page.getByRole('button')).toHaveText(['Sign out']);
  const forged = await replayUpload(page, await submitRequest!, { businessId: acme.businessId }, pdf('certificate.pdf'));
  expect(forged.status()).toBe(403);
  expect(await sandboxSubmissionCount(acme.businessId)).toBe(3);
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signInAsAdmin(page);
  await saveSettings(page, { type: 'solution_partner', tier: 'none' });
  const refused = await replayUpload(page, await submitRequest!, { businessId: acme.businessId }, pdf('certificate.pdf'));
  expect(await refused.text()).toContain('Partner-led business verification is only for Select and Premier Solution Partners');
  await page.goto(`/verification/${acme.businessId}`);
  await expect(page.getByText('Not available for your partner type')).toBeVisible();
  expect(await sandboxSubmissionCount(acme.businessId)).toBe(3);
});

test('Multi-Solution Conversations: a number recorded as shared shows what it means and which actions it rules out; 6 partners are refused', async ({
  page,
}) => {
  await signInAsAdmin(page);
  expect(acmeWabaPath).toMatch(/^\/wabas\/\d+$/);
  await page.goto(acmeWabaPath);
  acmePhoneId = ((await page.getByTestId('waba-number').first().locator('.font-mono').textContent()) ?? '').trim();
  expect(acmePhoneId).toMatch(/^\d+$/);

  await page.goto('/shared-numbers');
  await expect(page.getByText('No shared numbers recorded')).toBeVisible();
  await page.getByLabel('Phone number id').fill(acmePhoneId);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page).toHaveURL(new RegExp(`/shared-numbers/${acmePhoneId}$`));
  const panel = page.getByTestId('msc-panel');
  await expect(panel).toHaveAttribute('data-shared', 'no');

  const form = page.getByRole('form', { name: 'Record Multi-Solution Conversations sharing' });
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) recordMscRequest ??= capture(request);
  });
  await form.getByLabel('Partners using this number, us included').fill('6');
  await form.getByRole('button', { name: 'Record as shared' }).click();
  await expect(form.getByText('Multi-Solution Conversations allows at most 5 partners per number, us included.').first()).toBeVisible();
  await page.reload();
  await expect(panel).toHaveAttribute('data-shared', 'no');

  await form.getByLabel('Partners using this number, us included').fill('3');
  await form.getByLabel('Note (optional)').fill('also used by their CRM partner');
  await form.getByRole('button', { name: 'Record as shared' }).click();
  await expect(page.getByText('Recorded: shared with 3 partners, us included.')).toBeVisible();
  await page.reload();
  await expect(panel).toHaveAttribute('data-shared', 'yes');
  await expect(page.getByTestId('msc-state')).toContainText('Shared with 3 partners');
  await expect(panel).toContainText('receives all of its incoming messages webhooks');
  // We registered this number at onboarding: re-registering stays ours; deregistering would stop it for every partner.
  const refusedActions = page.getByTestId('msc-refused-actions');
  await expect(refusedActions.locator('[data-action="deregister"]')).toContainText('Embedded Signup - MSC Offboarding');
  await expect(refusedActions.locator('[data-action="coexistence_sync"]')).toContainText('does not support coexistence numbers');
  await expect(refusedActions.locator('[data-action="register"]')).toHaveCount(0);
  await page.screenshot({ path: shot('msc'), fullPage: true });

  await page.goto('/shared-numbers');
  await expect(page.getByTestId('shared-numbers')).toContainText('3');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, observer.email, observer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(`/shared-numbers/${acmePhoneId}`);
  await expect(page.getByRole('form', { name: 'Record Multi-Solution Conversations sharing' })).toHaveCount(0);
  const forged = await replay(page, await recordMscRequest!);
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(page.getByTestId('msc-state')).toContainText('Shared with 3 partners');
});

test('Tech Partner readiness shows our messages, active customers and quality, and moves with the webhooks', async ({ page }) => {
  // A business of its own, so that no other spec's messages make it active before this test does.
  const seeded = await control<{ signup: { business_id: string } }>('POST', '/signups', {
    person: { personId: '8000000000000001' },
    business: { name: 'Readiness Bakery', email: 'owner@readiness.example', country: 'US' },
  });
  const businessId = seeded.signup.business_id;
  await signInAsAdmin(page);
  await saveSettings(page, { type: 'tech_provider' });
  await onboardThroughPopup(page, '/signup', { business: businessId });
  const signups = (await control<{ data: Array<{ businessId: string; phoneNumberId?: string }> }>('GET', '/signups')).data;
  const phoneId = signups.filter((s) => s.businessId === businessId).at(-1)?.phoneNumberId;
  expect(phoneId).toMatch(/^\d+$/);
  const now = Math.floor(Date.now() / 1000);
  const change = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'readiness',
        time: now,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: phoneId }, ...value },
          },
        ],
      },
    ],
  });
  const inbound = Array.from({ length: 70 }, (_, i) => ({
    from: '16505551234',
    id: `wamid.readiness-in-${i}`,
    timestamp: String(now),
    type: 'text',
    text: { body: 'hi' },
  }));
  // Other specs' customers may have sent messages today: the figures are checked as what these add.
  const average = async () => Number(await page.getByTestId('readiness-messages-value').textContent());
  const ours = page.locator(`[data-testid="readiness-customers-contributors"] [data-business="${businessId}"]`);
  await page.goto('/readiness');
  const before = await average();
  const customersBefore = Number(await page.getByTestId('readiness-customers-value').textContent());
  await expect(ours).toHaveCount(0);
  await postAsMeta(change({ messages: inbound }));
  await expect
    .poll(async () => {
      await page.reload();
      return average();
    })
    .toBeCloseTo(before + 10, 1);
  // Messages received make no customer active: only messages sent do.
  await expect(page.getByTestId('readiness-customers-value')).toHaveText(String(customersBefore));
  await expect(ours).toHaveCount(0);
  await expect(page.getByTestId('readiness-messages-contributors')).toContainText('messages');

  const statuses = Array.from({ length: 140 }, (_, i) => ({
    id: `wamid.readiness-out-${i}`,
    status: 'sent',
    timestamp: String(now),
    recipient_id: '16505551234',
  }));
  await postAsMeta(change({ statuses }));
  await expect
    .poll(async () => {
      await page.reload();
      return average();
    })
    .toBeCloseTo(before + 30, 1);
  await expect(page.getByTestId('readiness-customers-value')).toHaveText(String(customersBefore + 1));
  await expect(ours).toContainText('Readiness Bakery');
  await expect(ours).toContainText('140 sent');
  await expect(page.getByTestId('readiness-messages-trend')).toHaveAttribute('data-direction', 'up');
  await expect(page.getByTestId('readiness-quality-value')).toHaveText(/^(\d+%|—)$/);
  await expect(page.getByTestId('readiness-steps')).toContainText('Meta: Upgrading to a Tech Partner');
  await page.screenshot({ path: shot('readiness'), fullPage: true });
});

/** A Graph call as another app of the customer would make it (with appsecret_proof, as the sandbox requires). */
async function graph(method: string, path: string, token: string, body?: Record<string, unknown>) {
  const proof = createHmac('sha256', appSecret).update(token).digest('hex');
  const response = await fetch(`${sandboxUrl}/v25.0${path}${path.includes('?') ? '&' : '?'}access_token=${token}&appsecret_proof=${proof}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a Measurement Partner’s customer analytics: read-only access, subscribed webhooks, conversations and costs charted', async ({ page }) => {
  // The customer's own messaging partner sends messages from Brew & Co's number.
  const signup = await control<{ code: string }>('POST', '/signups', {
    person: { personId: brew.person },
    business: { businessId: brew.businessId },
    waba: { wabaId: brew.wabaId },
    phone: { phoneNumberId: brew.phoneId },
  });
  const exchange = await fetch(`${sandboxUrl}/v25.0/oauth/access_token?client_id=1000000000000001&client_secret=${appSecret}&code=${signup.code}`);
  const { access_token: token } = (await exchange.json()) as { access_token: string };
  await graph('POST', `/${brew.phoneId}/register`, token, { messaging_product: 'whatsapp', pin: '246810' });
  await control('POST', `/phone-numbers/${brew.phoneId}/inbound`, { from: '16505550101', name: 'Jane Doe', text: 'Is my order ready?' });
  await control('POST', `/phone-numbers/${brew.phoneId}/inbound`, { from: '16505550102', name: 'Sam Roe', text: 'Open today?' });
  for (const [to, text] of [
    ['16505550101', 'Yes, ready.'],
    ['16505550102', 'Until 6 pm.'],
    ['16505550101', 'See you soon.'],
  ]) {
    const sent = await graph('POST', `/${brew.phoneId}/messages`, token, { messaging_product: 'whatsapp', to, type: 'text', text: { body: text } });
    expect(sent.status).toBe(200);
  }
  await control('POST', '/clock/advance', { seconds: 5 });

  // The chart must render under the Content-Security-Policy: the browser reports any blocked style or script.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await signInAsAdmin(page);
  await saveSettings(page, { type: 'measurement_partner' });
  await page.goto('/links');
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill('Measurement customers');
  await form.getByLabel('Flow').selectOption('measurement');
  await form.getByRole('button', { name: 'Create link' }).click();
  const url = await page.locator('[data-testid="signup-link"][data-label="Measurement customers"]').getByTestId('signup-url').textContent();
  await onboardThroughPopup(page, new URL(url!.trim()).pathname, { person: brew.person, business: brew.businessId, waba: brew.wabaId });

  await page.goto('/dashboard');
  await programs(page).filter({ hasText: 'Customer analytics' }).click();
  await page.getByRole('link', { name: /Brew/ }).first().click();
  await expect(page).toHaveURL(new RegExp(`/wabas/${brew.wabaId}/analytics$`));
  await expect(page.getByTestId('analytics-subscribed')).toContainText('subscribed');
  const state = await control<{ wabas: Array<{ id: string; subscriptions: Array<{ appId: string }> }> }>('GET', '/state');
  expect(state.wabas.find((w) => w.id === brew.wabaId)!.subscriptions.some((s) => s.appId === '1000000000000001')).toBe(true);

  await expect(page.getByTestId('conversations-total')).toHaveText('2');
  await expect(page.getByTestId('pricing-total')).toHaveText('3');
  await expect(page.getByTestId('conversations-chart').locator('rect')).toHaveCount(1);
  await expect(page.getByTestId('pricing-table')).toContainText('Service');
  await page.screenshot({ path: shot('analytics'), fullPage: true });
  expect(violations).toEqual([]);

  // A range with nothing in it, and a bad one explained.
  await page.getByLabel('From', { exact: true }).fill('2025-01-01');
  await page.getByLabel('To', { exact: true }).fill('2025-01-31');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('No conversations in this range')).toBeVisible();
  await page.goto(`/wabas/${brew.wabaId}/analytics?from=2025-02-10&to=2025-02-01&granularity=DAILY`);
  await expect(page.getByTestId('analytics-range-problem')).toHaveText('The start date must be on or before the end date. Showing the last 30 days instead.');
  await expect(page.getByTestId('conversations-total')).toHaveText('2');
  // Back to the default partner type for any later spec.
  await saveSettings(page, { type: 'solution_partner' });
});
