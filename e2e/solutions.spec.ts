import { expect, test, type Page } from '@playwright/test';
import { advanceTo, clickAndClose } from './popup';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('solutions', name);

// Partner programs against the portal's sandbox: Multi-Partner Solutions (states, permitted and
// refused actions, webhooks while the page is open, embedded creation, adding a WABA, signup links,
// the Tech Provider limit) and partner-initiated WABA creation with Finish onboarding.
test.describe.configure({ mode: 'serial' });

const viewer = { name: 'Vera Viewer', email: 'vera@example.com', password: 'paper-lanterns-31' };
const ids = {
  active: '7000000000000001',
  draft: '7000000000000002',
  invitation: '7000000000000003',
  declined: '7000000000000004',
  deactivated: '7000000000000005',
};
const acme = '2100000000000001';
const brew = '2100000000000002';

const captured: Record<string, Captured> = {};
let ownSolutionId = '';

type SandboxSolution = { id: string; name: string; status: string; pendingRequest: string };

async function sandboxSolutions(): Promise<SandboxSolution[]> {
  return (await control<{ solutions: SandboxSolution[] }>('GET', '/state')).solutions;
}

/** Keeps the next server-action POST the page sends under `key`. */
function captureNext(page: Page, key: string) {
  let taken = false;
  page.on('request', (request) => {
    if (taken || request.method() !== 'POST' || !request.headers()['next-action']) return;
    taken = true;
    void capture(request).then((c) => (captured[key] = c));
  });
}

async function setPartnerType(page: Page, type: string) {
  await page.goto('/settings');
  await page.getByLabel('Partner type').selectOption(type);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  await control('PATCH', '/config', { partnerType: type });
}

function row(page: Page, solutionId: string) {
  return page.locator(`[data-testid="solution"][data-solution-id="${solutionId}"]`);
}

async function loginInPopup(popup: Page, personId: string, appIds?: string[]) {
  await popup.waitForLoadState('domcontentloaded');
  await popup.check(`input[name=choice][value="${personId}"]`);
  await popup.click('#next');
  await expect(popup.locator('body')).toHaveAttribute('data-step', 'apps');
  if (appIds) {
    for (const box of await popup.locator('input[name=app]').all()) {
      if (!appIds.includes((await box.getAttribute('value')) ?? '')) await box.uncheck();
    }
  }
  await popup.click('#next');
  await expect(popup.locator('body')).toHaveAttribute('data-step', 'success');
  await clickAndClose(popup, '#finish');
}

test.afterAll(async ({ browser }) => {
  // Later specs expect a Solution Partner.
  const page = await browser.newPage();
  await signInAsAdmin(page);
  await setPartnerType(page, 'solution_partner');
  await page.close();
});

test('the partner type shows only the programs that apply to it', async ({ page }) => {
  await signInAsAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const expectations: Array<[string, boolean, boolean]> = [
    ['solution_partner', true, true],
    ['tech_provider', true, false],
    ['tech_partner', true, false],
    ['measurement_partner', false, false],
  ];
  for (const [type, solutions, requests] of expectations) {
    await setPartnerType(page, type);
    await expect(nav.getByRole('link', { name: 'Solutions', exact: true })).toHaveCount(solutions ? 1 : 0);
    await expect(nav.getByRole('link', { name: 'WABA requests', exact: true })).toHaveCount(requests ? 1 : 0);
  }
  await page.goto('/solutions');
  await expect(page.getByText('Not available to Measurement Partners')).toBeVisible();
  await page.goto('/waba-requests');
  await expect(page.getByText('For Solution Partners only')).toBeVisible();
  await setPartnerType(page, 'tech_provider');
  await page.goto('/waba-requests');
  await expect(page.getByText('For Solution Partners only')).toBeVisible();
  await page.goto('/solutions');
  await expect(page.getByTestId('onboarding-limit')).toBeVisible();
  await setPartnerType(page, 'solution_partner');
  await page.goto('/solutions');
  await expect(page.getByTestId('onboarding-limit')).toHaveCount(0);
  await expect(page.getByTestId('embedded-creation')).toBeVisible();
});

test('solutions read from Meta show every state, who holds MESSAGING and only the actions each state permits', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/solutions');
  await page.getByRole('button', { name: 'Refresh from Meta' }).click();
  await expect(page.getByText(/Read \d+ solutions from Meta\./)).toBeVisible();
  const states: Record<string, string> = {
    [ids.active]: 'active',
    [ids.draft]: 'draft',
    [ids.invitation]: 'pending',
    [ids.declined]: 'inactive',
    [ids.deactivated]: 'deactivated',
  };
  for (const [id, state] of Object.entries(states)) await expect(row(page, id)).toHaveAttribute('data-state', state);

  await expect(row(page, ids.active).getByTestId('messaging-holder')).toHaveText('tp_prod_app (partner)');
  await expect(row(page, ids.declined).getByTestId('messaging-holder')).toHaveText('Our app');
  // A Pending invitation to us: accept or decline, nothing else.
  await expect(row(page, ids.invitation).getByRole('button')).toHaveText(['Accept the invitation', 'Decline the invitation']);
  // The others permit nothing of ours, and say why.
  await expect(row(page, ids.active).getByRole('button')).toHaveCount(0);
  await expect(row(page, ids.active)).toContainText('The partner that created the solution can ask to deactivate it.');
  await expect(row(page, ids.draft).getByRole('button')).toHaveCount(0);
  await expect(row(page, ids.draft)).toContainText('The partner has not sent this draft yet.');
  await expect(row(page, ids.deactivated).getByRole('button')).toHaveCount(0);
  await expect(row(page, ids.deactivated)).toContainText('Deactivated solutions cannot be changed.');
  await expect(row(page, ids.declined)).toContainText('Declined. Only its name can be edited, in the App Dashboard.');
  await page.screenshot({ path: shot('solutions-states'), fullPage: true });
});

test('accepting an invitation: the state then refuses it, and a replayed accept is refused by the server', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/solutions');
  captureNext(page, 'accept');
  await row(page, ids.invitation).getByRole('button', { name: 'Accept the invitation' }).click();
  await expect(page.getByText('Accept the invitation: done. Meta now reports it as active.')).toBeVisible();
  await expect(row(page, ids.invitation)).toHaveAttribute('data-state', 'active');
  await expect(row(page, ids.invitation).getByRole('button')).toHaveCount(0);

  const again = await replay(page, captured.accept!);
  expect(again.status()).toBe(200);
  expect(await again.text()).toContain('This solution is Active: only a Pending invitation can be accepted or declined.');
  expect((await sandboxSolutions()).find((s) => s.id === ids.invitation)?.status).toBe('ACTIVE');
});

test('declining an invitation, and answering the partner’s request to deactivate: each click is what Meta then reports', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/solutions');
  // The partner sends its draft to us: Meta's webhook turns it into an invitation while the page is open.
  await control('POST', `/solutions/${ids.draft}/decision`, { decision: 'send' });
  const invitation = row(page, ids.draft);
  await expect(invitation).toHaveAttribute('data-state', 'pending', { timeout: 20_000 });
  await invitation.getByRole('button', { name: 'Decline the invitation' }).click();
  await expect(page.getByText('Decline the invitation: done. Meta now reports it as inactive.')).toBeVisible();
  await expect(invitation).toHaveAttribute('data-state', 'inactive');
  await expect(invitation.getByRole('button')).toHaveCount(0);
  expect((await sandboxSolutions()).find((s) => s.id === ids.draft)?.status).toBe('REJECTED');

  // The partner that created the Active solution asks to deactivate it; we decline, and it stays Active.
  await control('POST', `/solutions/${ids.active}/decision`, { decision: 'send_deactivation_request' });
  const active = row(page, ids.active);
  await expect(active).toHaveAttribute('data-state', 'pending_deactivation', { timeout: 20_000 });
  await expect(active.getByRole('button')).toHaveText(['Accept the deactivation', 'Decline the deactivation']);
  await page.screenshot({ path: shot('deactivation-request'), fullPage: true });
  await active.getByRole('button', { name: 'Decline the deactivation' }).click();
  await expect(page.getByText('Decline the deactivation: done. Meta now reports it as active.')).toBeVisible();
  await expect(active).toHaveAttribute('data-state', 'active');
  await expect(active.getByRole('button')).toHaveCount(0);
  expect((await sandboxSolutions()).find((s) => s.id === ids.active)).toMatchObject({ status: 'ACTIVE', pendingRequest: 'NONE' });

  // The invitation we accepted above: its creator asks to deactivate it, and we accept.
  await control('POST', `/solutions/${ids.invitation}/decision`, { decision: 'send_deactivation_request' });
  const accepted = row(page, ids.invitation);
  await expect(accepted).toHaveAttribute('data-state', 'pending_deactivation', { timeout: 20_000 });
  await accepted.getByRole('button', { name: 'Accept the deactivation' }).click();
  await expect(page.getByText('Accept the deactivation: done. Meta now reports it as deactivated.')).toBeVisible();
  await expect(accepted).toHaveAttribute('data-state', 'deactivated');
  await expect(accepted).toContainText('Deactivated solutions cannot be changed.');
  expect((await sandboxSolutions()).find((s) => s.id === ids.invitation)?.status).toBe('DEACTIVATED');
});

test('a customer who signs up through a solution’s link is listed among the customers onboarded through it', async ({ page, context }) => {
  await signInAsAdmin(page);
  await page.goto(`/solutions/${ids.active}`);
  const list = page.getByTestId('solution-customer-list');
  const before = Number((await list.getByRole('heading').textContent())?.match(/\((\d+)\)/)?.[1]);
  await page.goto('/links');
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Label').fill('Brew Tech solution customers');
  await form.getByLabel('Flow').selectOption('mps');
  await form.getByLabel('Solution id').fill(ids.active);
  await form.getByRole('button', { name: 'Create link' }).click();
  const link = page.locator('[data-testid="signup-link"][data-label="Brew Tech solution customers"]');
  const path = new URL((await link.getByTestId('signup-url').textContent())!.trim()).pathname;

  const customer = await context.newPage();
  await customer.goto(path);
  const connect = customer.getByRole('button', { name: 'Connect with Facebook' });
  await expect(connect).toBeEnabled();
  const [popup] = await Promise.all([customer.waitForEvent('popup'), connect.click()]);
  await advanceTo(popup, 'success', { person: '8000000000000001', business: acme });
  await clickAndClose(popup, '#finish');
  await expect(customer).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await customer.close();
  const signups = (await control<{ data: Array<{ wabaId: string; solutionId?: string }> }>('GET', '/signups')).data;
  const wabaId = signups.filter((s) => s.solutionId === ids.active).at(-1)?.wabaId;
  expect(wabaId).toMatch(/^\d+$/);

  await page.goto(`/solutions/${ids.active}`);
  await expect(list.getByRole('heading')).toHaveText(`Customers onboarded through it (${before + 1})`);
  await expect(list.locator(`a[href="/wabas/${wabaId}"]`)).toHaveCount(1);
  await page.screenshot({ path: shot('solution-customers'), fullPage: true });
});

test('creating a solution with the system token; the partner’s answers arrive by webhook while the page is open', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/solutions');
  const form = page.getByRole('form', { name: 'Create a solution' });
  await form.getByLabel('Solution name').fill('');
  await form.getByLabel('Partner’s app id').fill('not-an-app');
  await form.getByRole('button', { name: 'Create and send to the partner' }).click();
  await expect(form.getByText('An app id is a number')).toBeVisible();
  await expect(form.getByText('Give the solution a name both partners will recognise.')).toBeVisible();

  await form.getByLabel('Solution name').fill('Onramp x Staging Partner');
  await form.getByLabel('Partner’s app id').fill('1000000000000003');
  await form.getByLabel('The partner’s app').check();
  captureNext(page, 'create');
  await form.getByRole('button', { name: 'Create and send to the partner' }).click();
  await expect(form.getByText('was sent to the partner app 1000000000000003. It stays Pending until they accept it.')).toBeVisible();
  ownSolutionId = (await sandboxSolutions()).find((s) => s.name === 'Onramp x Staging Partner')!.id;
  const own = row(page, ownSolutionId);
  await expect(own).toHaveAttribute('data-state', 'pending');
  await expect(own.getByTestId('messaging-holder')).toHaveText('tp_staging_app (partner)');
  await expect(own).toContainText('Waiting for the invited partner to accept or decline.');

  // The partner accepts in its App Dashboard: Meta's partner_solutions webhook updates this page.
  await control('POST', `/solutions/${ownSolutionId}/decision`, { decision: 'accept' });
  await expect(own).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await own.getByRole('button', { name: 'Ask to deactivate' }).click();
  await expect(own).toHaveAttribute('data-state', 'pending_deactivation');
  // The partner declines: the solution is Active again, as Meta's webhook says.
  await control('POST', `/solutions/${ownSolutionId}/decision`, { decision: 'reject_deactivation_request' });
  await expect(own).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  await expect(own.getByRole('button')).toHaveText(['Ask to deactivate']);
});

test('embedded creation: a Tech Provider signs in with manage_app_solution, chooses an app, and the solution is created and accepted', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/solutions');
  const box = page.getByTestId('embedded-creation');
  const button = box.getByRole('button', { name: 'Create a solution with a Tech Provider’s login' });
  await expect(button).toBeEnabled();
  const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
  await loginInPopup(popup, '8000000000000005');
  await expect(box.getByText('Choose one of the 2 apps allowed in the login window.')).toBeVisible();
  const chooser = box.getByRole('form', { name: 'Create the Tech Provider’s solution' });
  await chooser.getByLabel('The Tech Provider’s app').selectOption('1000000000000002');
  await chooser.getByLabel('Solution name').fill('Brew Tech Prod x Onramp');
  await chooser.getByLabel('Their app').check();
  await page.screenshot({ path: shot('embedded-creation-chooser'), fullPage: true });
  await chooser.getByRole('button', { name: 'Create and accept' }).click();
  await expect(box.getByText(/“Brew Tech Prod x Onramp” was created on app 1000000000000002 and accepted: it is Active/)).toBeVisible();
  const created = (await sandboxSolutions()).find((s) => s.name === 'Brew Tech Prod x Onramp')!;
  expect(created.status).toBe('ACTIVE');
  await expect(row(page, created.id)).toHaveAttribute('data-state', 'active');
  await expect(row(page, created.id).getByTestId('messaging-holder')).toHaveText('tp_prod_app (partner)');
  // The user token stays out of the page's HTML and out of what we stored.
  expect(await page.content()).not.toMatch(/EAA[A-Za-z0-9]{20,}/);
  await page.screenshot({ path: shot('embedded-creation-done'), fullPage: true });
});

test('signup links offer Active solutions only, and a link whose solution leaves Active is flagged', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/links');
  const form = page.getByRole('form', { name: 'Create a signup link' });
  await form.getByLabel('Flow').selectOption('mps');
  const choices = form.getByTestId('solution-choices');
  await expect(choices).toContainText(`Onramp x Staging Partner (${ownSolutionId})`);
  await expect(choices).toContainText(`(${ids.active})`);
  await expect(choices).not.toContainText(ids.draft);
  await expect(choices).not.toContainText(ids.deactivated);
  await expect(form.getByTestId('active-solutions').locator('option')).not.toHaveCount(0);
  await form.getByLabel('Label').fill('Staging solution signup');
  await form.getByLabel('Solution id').fill(ownSolutionId);
  await form.getByRole('button', { name: 'Create link' }).click();
  const link = page.locator('[data-testid="signup-link"][data-label="Staging solution signup"]');
  await expect(link).toBeVisible();
  await expect(link.getByTestId('solution-flag')).toHaveCount(0);

  await page.goto('/solutions');
  const own = row(page, ownSolutionId);
  await own.getByRole('button', { name: 'Ask to deactivate' }).click();
  await expect(own).toHaveAttribute('data-state', 'pending_deactivation');
  await expect(own.getByRole('button')).toHaveCount(0);
  await expect(own).toContainText('Waiting for the partner to accept or decline the deactivation.');
  await page.screenshot({ path: shot('solutions-pending-deactivation'), fullPage: true });
  await page.goto('/links');
  await expect(link.getByTestId('solution-flag')).toHaveText('Deactivation requested: customers can sign up until the partner accepts it.');

  // The partner accepts the deactivation: Meta's webhook moves the page we are looking at.
  await page.goto('/solutions');
  await control('POST', `/solutions/${ownSolutionId}/decision`, { decision: 'accept_deactivation_request' });
  await expect(row(page, ownSolutionId)).toHaveAttribute('data-state', 'deactivated', { timeout: 20_000 });
  await page.goto('/links');
  await expect(link.getByTestId('solution-flag')).toHaveText('The solution is Deactivated: customers who open this link see an error from Meta.');
  await page.screenshot({ path: shot('links-flag'), fullPage: true });
});

test('adding an existing WABA to an Active solution sets Meta’s migration intent and says what the customer does next', async ({ page, context }) => {
  // A customer of ours with a business token: one signup through the public page.
  const customer = await context.newPage();
  await customer.goto('/signup');
  const connect = customer.getByRole('button', { name: 'Connect with Facebook' });
  await expect(connect).toBeEnabled();
  const [popup] = await Promise.all([customer.waitForEvent('popup'), connect.click()]);
  await advanceTo(popup, 'success', { person: '8000000000000001', business: acme });
  await clickAndClose(popup, '#finish');
  await expect(customer).toHaveURL(/\/onboarding\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await customer.close();

  await signInAsAdmin(page);
  await page.goto(`/solutions/${ids.active}`);
  const section = page.getByTestId('add-waba');
  const form = section.getByRole('form', { name: 'Add an existing WhatsApp Business Account' });
  const option = form.getByLabel('WhatsApp Business Account').locator('option').first();
  const metaWabaId = (await option.getAttribute('value'))!;
  await form.getByLabel('WhatsApp Business Account').selectOption(metaWabaId);
  await form.getByRole('button', { name: 'Add to this solution' }).click();
  const next = section.getByTestId('migration-next-steps');
  await expect(next).toContainText('Turn off two-step verification on the phone number');
  await expect(next).toContainText('Meta then creates a new WhatsApp Business Account in the solution.');
  const intents = (await control<{ migrationIntents: Array<{ wabaId: string; solutionId?: string }> }>('GET', '/state')).migrationIntents;
  expect(intents.some((i) => i.wabaId === metaWabaId && i.solutionId === ids.active)).toBe(true);
  await page.reload();
  await expect(section.getByTestId('migration-intents')).toContainText(`account ${metaWabaId} marked for this solution`);
  await page.screenshot({ path: shot('solution-add-waba'), fullPage: true });

  // A Draft solution takes no account.
  await page.goto(`/solutions/${ids.draft}`);
  await expect(page.getByTestId('add-waba')).toContainText('Only an Active solution takes accounts.');
});

test('partner-initiated WABA creation: the request counts down 90 days, the customer’s acceptance arrives by webhook, Finish onboarding runs with the system token', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsAdmin(page);
  await page.goto('/waba-requests');
  const form = page.getByRole('form', { name: 'Record a WABA creation request' });
  await form.getByLabel('Customer’s business portfolio id').fill('acme');
  await form.getByLabel('Customer’s business name').fill('Acme Ltd');
  await form.getByRole('button', { name: 'Record the request' }).click();
  await expect(form.getByText('The business portfolio id is a number').first()).toBeVisible();
  await form.getByLabel('Customer’s business portfolio id').fill(acme);
  await form.getByLabel('Note (optional)').fill('Sent from Business Suite by Ada');
  captureNext(page, 'record');
  await form.getByRole('button', { name: 'Record the request' }).click();
  await expect(form.getByText('Recorded the request to Acme Ltd.')).toBeVisible();
  const request = page.locator('[data-testid="waba-request"][data-customer="Acme Ltd"]').first();
  await expect(request).toHaveAttribute('data-state', 'waiting');
  await expect(request.getByTestId('countdown')).toContainText(/Expires in (89|90) days/);

  await page.getByRole('button', { name: 'Copy the instructions' }).click();
  await expect(page.getByText('Copied')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('Go to Settings (the gear icon) › Requests › Other requests and open the Received tab.');
  expect(copied).toBe(await page.getByTestId('customer-instructions').textContent());
  await page.screenshot({ path: shot('waba-requests-countdown'), fullPage: true });

  // The customer accepts in Business Suite and adds a number; Meta sends PARTNER_ADDED.
  const created = await control<{ id: string }>('POST', '/waba-requests', { clientBusinessId: acme, wabaName: 'Acme WhatsApp' });
  const number = `55501${String(Date.now()).slice(-5)}`;
  const decided = await control<{ wabaId: string }>('POST', `/waba-requests/${created.id}/decision`, { decision: 'accept', phone: { cc: '1', number } });
  await expect(async () => {
    await page.reload();
    await expect(request).toHaveAttribute('data-state', 'accepted', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(request.getByRole('link', { name: `WABA ${decided.wabaId}` })).toBeVisible();

  captureNext(page, 'finish');
  await request.getByRole('button', { name: 'Finish onboarding' }).click();
  await expect(page).toHaveURL(new RegExp(`/finish-onboarding/${decided.wabaId}$`));
  await expect(page.getByTestId('finish-token')).toContainText('Our system token');
  const run = page.getByTestId('finish-run');
  await expect(run).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('finish-message')).toHaveText('Finished: 1 of 1 number connected to Cloud API; the account can send messages: LIMITED.');
  for (const step of ['assign_system_user', 'subscribe_app', 'share_credit_line', 'register_numbers', 'read_status']) {
    await expect(run.locator(`[data-step="${step}"]`)).toHaveAttribute('data-status', 'done');
  }
  await page.screenshot({ path: shot('finish-onboarding-run'), fullPage: true });
  const state = await control<{
    wabas: Array<{ id: string; primaryFundingId?: string; subscriptions: Array<{ appId: string }> }>;
    phoneNumbers: Array<{ wabaId: string; status: string }>;
  }>('GET', '/state');
  const waba = state.wabas.find((w) => w.id === decided.wabaId)!;
  expect(waba.primaryFundingId).toBeTruthy();
  expect(waba.subscriptions.map((s) => s.appId)).toContain('1000000000000001');
  expect(state.phoneNumbers.find((p) => p.wabaId === decided.wabaId)?.status).toBe('CONNECTED');
});

test('a WABA accepted without a number: the attention item links to Finish onboarding, which ends saying to add a number', async ({ page }) => {
  await signInAsAdmin(page);
  const created = await control<{ id: string }>('POST', '/waba-requests', { clientBusinessId: brew, wabaName: 'Brew Requests' });
  const decided = await control<{ wabaId: string }>('POST', `/waba-requests/${created.id}/decision`, { decision: 'accept' });
  await expect(async () => {
    await page.goto(`/wabas/${decided.wabaId}`);
    await expect(page.getByTestId('attention-item').filter({ hasText: 'finish_onboarding' })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByTestId('attention-item').filter({ hasText: 'finish_onboarding' }).getByRole('link', { name: 'Finish onboarding' }).click();
  await expect(page).toHaveURL(new RegExp(`/finish-onboarding/${decided.wabaId}$`));
  await page.getByRole('form', { name: 'Finish onboarding' }).getByRole('button', { name: 'Finish onboarding' }).click();
  await expect(page.getByTestId('finish-run')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('finish-message')).toHaveText('Finished, but this WhatsApp Business Account has no phone number yet: add a number.');
  await expect(page.getByTestId('add-number')).toHaveAttribute('href', `/wabas/${decided.wabaId}/numbers/new`);
  await page.screenshot({ path: shot('finish-onboarding-no-number'), fullPage: true });
});

test('an expired request is shown as expired, offers no Finish onboarding, and a forged one is refused', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/waba-requests');
  const form = page.getByRole('form', { name: 'Record a WABA creation request' });
  const old = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel('Customer’s business portfolio id').fill('2100000000000003');
  await form.getByLabel('Customer’s business name').fill('Cedar Clinic');
  await form.getByLabel('Date you sent it').fill(old);
  await form.getByRole('button', { name: 'Record the request' }).click();
  const expired = page.locator('[data-testid="waba-request"][data-customer="Cedar Clinic"]');
  await expect(expired).toHaveAttribute('data-state', 'expired');
  await expect(expired.getByTestId('expired')).toContainText('Expired on');
  await expect(expired.getByRole('button')).toHaveCount(0);
  await page.screenshot({ path: shot('waba-requests-expired'), fullPage: true });

  // The accepted request's Finish onboarding post, pointed at the expired request instead.
  const acceptedId = (await page.locator('[data-testid="waba-request"][data-state="accepted"] input[name="requestId"]').first().getAttribute('value'))!;
  const expiredId = (await expired.getAttribute('data-request-id'))!;
  expect(captured.finish!.body.toString('latin1')).toContain(acceptedId);
  const forged = { ...captured.finish!, body: Buffer.from(captured.finish!.body.toString('latin1').split(acceptedId).join(expiredId), 'latin1') };
  const response = await replay(page, forged);
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain('This request expired on');
  await page.reload();
  await expect(expired).toHaveAttribute('data-state', 'expired');
});

test('a viewer sees the programs but has no buttons, and direct posts get 403 with nothing changed', async ({ page }) => {
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

  const solutionsBefore = (await sandboxSolutions()).length;
  await signIn(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/solutions');
  await expect(row(page, ids.active)).toBeVisible();
  await expect(page.getByRole('button')).toHaveText(['Sign out']);
  await expect(page.getByRole('form', { name: 'Create a solution' })).toHaveCount(0);
  await page.goto('/waba-requests');
  const requestsBefore = await page.getByTestId('waba-request').count();
  await expect(page.getByRole('form', { name: 'Record a WABA creation request' })).toHaveCount(0);
  await expect(page.getByTestId('waba-requests').getByRole('button')).toHaveCount(0);

  for (const key of ['create', 'accept', 'record', 'finish']) {
    expect(captured[key], key).toBeDefined();
    expect((await replay(page, captured[key]!)).status(), key).toBe(403);
  }
  expect((await sandboxSolutions()).length).toBe(solutionsBefore);
  await page.reload();
  await expect(page.getByTestId('waba-request')).toHaveCount(requestsBefore);
  await page.screenshot({ path: shot('viewer-solutions'), fullPage: true });
});

test('a Tech Provider sees its weekly count of new customers through solutions, is warned at 160, and solution signups stop at 200', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  await signInAsAdmin(page);
  await setPartnerType(page, 'tech_provider');
  await page.goto('/solutions');

  // No system token for a Tech Provider: its changes are made with a manage_app_solution login for our own app.
  const form = page.getByRole('form', { name: 'Create a solution' });
  await expect(form.getByRole('button', { name: 'Create and send to the partner' })).toHaveCount(0);
  await form.getByLabel('Solution name').fill('Onramp TP x Other BSP');
  await form.getByLabel('Partner’s app id').fill('1000000000000099');
  const signInAndCreate = form.getByRole('button', { name: 'Sign in with Facebook and create' });
  await expect(signInAndCreate).toBeEnabled();
  let [popup] = await Promise.all([page.waitForEvent('popup'), signInAndCreate.click()]);
  await loginInPopup(popup, '8000000000000005');
  await expect(form.getByText('In the login window, choose this portal’s app (1000000000000001)')).toBeVisible();
  [popup] = await Promise.all([page.waitForEvent('popup'), signInAndCreate.click()]);
  await loginInPopup(popup, '8000000000000006');
  await expect(form.getByText('was sent to the partner app 1000000000000099. It stays Pending until they accept it.')).toBeVisible();
  const tpSolution = (await sandboxSolutions()).find((s) => s.name === 'Onramp TP x Other BSP')!;
  await control('POST', `/solutions/${tpSolution.id}/decision`, { decision: 'accept' });
  const tpRow = row(page, tpSolution.id);
  await expect(tpRow).toHaveAttribute('data-state', 'active', { timeout: 20_000 });
  [popup] = await Promise.all([page.waitForEvent('popup'), tpRow.getByRole('button', { name: 'Ask to deactivate' }).click()]);
  await loginInPopup(popup, '8000000000000006');
  await expect(tpRow).toHaveAttribute('data-state', 'pending_deactivation');
  expect((await sandboxSolutions()).find((s) => s.id === tpSolution.id)?.pendingRequest).toBe('PENDING_DEACTIVATION');

  const limit = page.getByTestId('onboarding-limit');
  const start = Number(await limit.getAttribute('data-count'));
  expect(start).toBeLessThan(160);

  // Customers onboarded through the Active solution (our partner's signup): Meta's PARTNER_ADDED counts each once.
  const signups = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await control('POST', '/signups', { extras: { setup: { solutionID: ids.active }, featureType: '', sessionInfoVersion: '3' } });
    }
  };
  const reach = async (count: number) =>
    expect(async () => {
      await page.reload();
      await expect(limit).toHaveAttribute('data-count', String(count), { timeout: 1_000 });
    }).toPass({ timeout: 90_000 });

  await signups(160 - start);
  await reach(160);
  await expect(limit.getByRole('alert')).toHaveText(
    '40 places left this week: Meta lets a Tech Provider in a solution onboard 200 new customers per rolling 7 days.',
  );
  await expect(limit.getByTestId('limit-reset')).toContainText('A place frees up at');
  await page.screenshot({ path: shot('limit-warning'), fullPage: true });

  await page.goto('/links');
  const linkForm = page.getByRole('form', { name: 'Create a signup link' });
  await linkForm.getByLabel('Label').fill('Brew Tech solution (limit)');
  await linkForm.getByLabel('Flow').selectOption('mps');
  await linkForm.getByLabel('Solution id').fill(ids.active);
  await linkForm.getByRole('button', { name: 'Create link' }).click();
  const link = page.locator('[data-testid="signup-link"][data-label="Brew Tech solution (limit)"]');
  const path = new URL((await link.getByTestId('signup-url').textContent())!.trim()).pathname;

  await signups(40);
  await page.goto('/solutions');
  await reach(200);
  await expect(limit.getByRole('alert')).toContainText('Limit reached: solution signup links tell customers to try again later');
  await page.screenshot({ path: shot('limit-reached'), fullPage: true });

  const customer = await context.newPage();
  await customer.goto(path);
  await expect(customer.getByRole('heading', { name: 'This signup is paused' })).toBeVisible();
  await expect(customer.getByTestId('link-problem')).toContainText('this week’s limit is reached. Please try again after');
  await expect(customer.getByRole('button', { name: 'Connect with Facebook' })).toHaveCount(0);
  await customer.screenshot({ path: shot('signup-paused'), fullPage: true });
  // Signups outside a solution go on.
  await customer.goto('/signup');
  await expect(customer.getByRole('button', { name: 'Connect with Facebook' })).toBeEnabled();
  await customer.close();
});
