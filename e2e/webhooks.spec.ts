import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { portalUrl } from '../playwright.config';
import { control } from './sandbox-control';
import { capture, replay, signIn, signInAsAdmin, type Captured } from './staff-session';
import { screen } from './screens';

const shot = (name: string) => screen('webhooks', name);

// Screenshots for looking at the pages (test-results is not kept in the repository).

// The staff webhook views against the running portal and its sandbox: sandbox deliveries in the
// event log, filters, the masked raw payload, replay, keeping past the retention, rejection
// counters, forwards, and the WABA's timeline and attention items.
test.describe.configure({ mode: 'serial' });

const sandboxAppSecret = 'sandbox-app-secret';
const webhookUrl = `${portalUrl}/api/webhooks/meta`;

/** A POST as Meta makes it, signed with the app secret (or not, to be rejected). */
function postAsMeta(payload: unknown, secret = sandboxAppSecret) {
  const body = JSON.stringify(payload);
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    body,
  });
}

let wabaId = '';
let unknownFieldWaba = '';

test('sandbox deliveries appear in the event log, filter, and open with secrets masked', async ({ page }) => {
  const signup = (await control('POST', '/signups', {})) as { signup: { waba_id: string } };
  wabaId = signup.signup.waba_id;
  await control('POST', '/webhooks/trigger', {
    field: 'account_update',
    variant: 'DISABLED_UPDATE',
    wabaId,
    value: { ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'May 1, 2026' } },
  });
  await control('POST', '/webhooks/flush');

  // A field Onramp has no handler for is stored and shown; what looks like a PIN or code is masked.
  unknownFieldWaba = `9${Date.now()}`;
  const unknown = await postAsMeta({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: unknownFieldWaba,
        time: 1767225600,
        changes: [{ field: 'future_field', value: { pin: '424242', verification_code: '135-790', errors: [{ code: 131047 }] } }],
      },
    ],
  });
  expect(unknown.status).toBe(200);

  await signInAsAdmin(page);
  await page.goto('/webhooks');
  const log = page.getByTestId('event-log');
  await expect(log.getByRole('row').filter({ hasText: 'DISABLED_UPDATE SCHEDULE_FOR_DISABLE' })).toHaveCount(1);
  await expect(log.getByRole('row').filter({ hasText: 'PARTNER_ADDED' }).first()).toBeVisible();

  const filters = page.getByRole('search', { name: 'Filter events' });
  await filters.getByLabel('Field', { exact: true }).selectOption('account_update');
  await filters.getByLabel('Event', { exact: true }).fill('DISABLED_UPDATE');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/field=account_update/);
  await expect(log.getByTestId('event-row')).toHaveCount(1);
  await expect(log).not.toContainText('PARTNER_ADDED');

  await log.getByTestId('event-row').getByRole('link').first().click();
  await expect(page.getByTestId('event-payload')).toContainText('"waba_ban_state": "SCHEDULE_FOR_DISABLE"');
  await expect(page.getByTestId('event-facts')).toContainText('processed');

  await page.goto(`/webhooks?waba=${unknownFieldWaba}`);
  await expect(log.getByTestId('event-row')).toHaveCount(1);
  await expect(log).toContainText('unhandled');
  await log.getByTestId('event-row').getByRole('link').first().click();
  const payload = page.getByTestId('event-payload');
  await expect(payload).toContainText('"pin": "•••"');
  await expect(payload).toContainText('"verification_code": "•••"');
  await expect(payload).toContainText('"code": 131047');
  await expect(page.locator('body')).not.toContainText('424242');
  await expect(page.locator('body')).not.toContainText('135-790');
});

test('a failed event shows its error and can be replayed', async ({ page }) => {
  const failing = await postAsMeta({
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, time: 1767225700, changes: [{ field: 'phone_number_name_update', value: { decision: 'APPROVED' } }] }],
  });
  expect(failing.status).toBe(200);

  await signInAsAdmin(page);
  await expect
    .poll(async () => {
      await page.goto(`/webhooks?waba=${wabaId}&status=failed`);
      return page.getByTestId('event-row').count();
    })
    .toBe(1);
  const row = page.getByTestId('event-row');
  await expect(row).toContainText('display_phone_number');
  const attempts = async () => Number(await row.getByRole('cell').nth(6).textContent());
  const before = await attempts();
  expect(before).toBeGreaterThanOrEqual(1);

  await row.getByRole('button', { name: 'Replay' }).click();
  await expect(row).toContainText('Replayed, and it failed again');
  await page.reload();
  expect(await attempts()).toBeGreaterThan(before);

  await page.getByRole('button', { name: 'Replay failed events in this view' }).click();
  await expect(page.getByText('Replayed 1 failed event; 1 still failing.')).toBeVisible();
});

test('a malformed change is kept as invalid with why, and the good change beside it is applied', async ({ page }) => {
  const response = await postAsMeta({
    object: 'whatsapp_business_account',
    entry: [
      { id: wabaId, time: 1767225800, changes: [{ field: 'account_review_update', value: { decision: 'APPROVED' } }, { value: { decision: 'REJECTED' } }] },
    ],
  });
  expect(response.status).toBe(200);

  await signInAsAdmin(page);
  await page.goto(`/webhooks?waba=${wabaId}&status=invalid`);
  const row = page.getByTestId('event-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Invalid change (no field)');
  await expect(row.getByTestId('event-problem')).toContainText('entry[0].changes[1].field');
  await expect(row.getByRole('button', { name: 'Replay' })).toHaveCount(0);
  await row.getByRole('link').first().click();
  await expect(page.getByTestId('event-facts')).toContainText('Why it is invalid');
  await expect(page.getByTestId('event-payload')).toContainText('"decision": "REJECTED"');

  await expect
    .poll(async () => {
      await page.goto(`/wabas/${wabaId}`);
      return page.getByTestId('waba-facts').textContent();
    })
    .toContain('APPROVED');
});

test('rejected deliveries are counted with the last time seen', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/webhooks');
  const counter = page.getByTestId('rejections-bad_signature').getByTestId('rejection-count');
  const before = Number(await counter.textContent());

  const rejected = await postAsMeta({ object: 'whatsapp_business_account', entry: [] }, 'not-the-app-secret');
  expect(rejected.status).toBe(401);

  // Rejections are counted in memory and written once a second.
  await expect
    .poll(async () => {
      await page.reload();
      return Number(await counter.textContent());
    })
    .toBe(before + 1);
  await expect(page.getByTestId('rejections-bad_signature')).toContainText('last seen');
});

test('an admin creates a forward and sees its secret once, with how to verify it', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/webhooks');
  const forwards = page.getByTestId('forwards');
  await forwards.getByLabel('Field', { exact: true }).selectOption('messages');
  await forwards.getByLabel('Destination URL').fill('ftp://example.com/hook');
  await forwards.getByRole('button', { name: 'Create forward' }).click();
  await expect(forwards.getByText('Enter an http:// or https:// URL.')).toBeVisible();
  await expect(forwards.getByTestId('forward-row')).toHaveCount(0);

  await forwards.getByLabel('Destination URL').fill('http://127.0.0.1:9/onramp-hook');
  await forwards.getByRole('button', { name: 'Create forward' }).click();
  const secret = page.getByTestId('forward-secret');
  await expect(secret).toContainText('X-Onramp-Signature-256: sha256=');
  await expect(secret.locator('code').first()).toHaveText(/^[A-Za-z0-9_-]{32}$/);
  await expect(forwards.getByTestId('forward-row')).toContainText('http://127.0.0.1:9/onramp-hook');

  await forwards.getByRole('button', { name: 'Disable' }).click();
  await expect(forwards.getByTestId('forward-row')).toContainText('Disabled');

  // Shown once: a new visit has no secret.
  await page.reload();
  await expect(page.getByTestId('forward-secret')).toHaveCount(0);
});

test("the WABA's page shows its timeline, and attention items are resolved from the overview", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto(`/wabas/${wabaId}`);
  await expect(page.getByTestId('waba-meta-id')).toHaveText(wabaId);
  const timeline = page.getByTestId('waba-timeline');
  await expect(timeline.getByTestId('timeline-event').filter({ hasText: 'PARTNER_ADDED' }).first()).toBeVisible();
  await expect(timeline.getByTestId('timeline-event').filter({ hasText: 'DISABLED_UPDATE SCHEDULE_FOR_DISABLE' })).toHaveCount(1);

  await page.goto('/wabas');
  // Shared outside an Onramp onboarding: listed with no token of ours and the webhook that named it.
  const listed = page.getByTestId(`waba-${wabaId}`);
  await expect(listed).toContainText('No token');
  await expect(listed).not.toContainText('Never');

  // The WABA was shared outside an Onramp onboarding: staff are asked to finish it.
  await page.goto('/dashboard');
  const item = page.getByTestId('needs-attention').getByTestId('attention-item').filter({ hasText: wabaId }).filter({ hasText: 'finish_onboarding' });
  await expect(item).toHaveCount(1);
  await item.getByRole('button', { name: 'Resolve' }).click();
  await expect(
    page.getByTestId('needs-attention').getByTestId('attention-item').filter({ hasText: wabaId }).filter({ hasText: 'finish_onboarding' }),
  ).toHaveCount(0);
});

const retentionViewer = { name: 'Rhea Reader', email: 'rhea@example.com', password: 'quiet-archive-27' };

test('an admin keeps an event past the retention and stops keeping it, audited; a viewer has no button and a replayed post is refused', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto(`/webhooks?waba=${unknownFieldWaba}`);
  await page.getByTestId('event-log').getByTestId('event-row').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/webhooks\/[0-9a-f-]{36}$/);
  const eventUrl = page.url();
  const retention = page.getByTestId('event-retention');
  await expect(retention).toHaveText('Deleted after 90 days');

  const post = page.waitForRequest((request) => request.method() === 'POST' && request.url() === eventUrl);
  await page.getByRole('button', { name: 'Keep', exact: true }).click();
  const captured: Promise<Captured> = post.then(capture);
  await expect(page.getByText('Kept: the retention will not delete this event.')).toBeVisible();
  await expect(retention).toContainText('Kept since');
  await page.screenshot({ path: shot('event-kept'), fullPage: true });

  await page.getByRole('button', { name: 'Stop keeping' }).click();
  await expect(page.getByText('No longer kept: the retention deletes it once it is old enough.')).toBeVisible();
  await expect(retention).toHaveText('Deleted after 90 days');
  await page.goto('/audit');
  await expect(page.getByTestId('staff-actions')).toContainText('webhook.keep');
  await expect(page.getByTestId('staff-actions')).toContainText('webhook.stop_keeping');

  await page.goto('/staff');
  const staffForm = page.locator('section', { hasText: 'Add a staff member' });
  await staffForm.getByLabel('Name').fill(retentionViewer.name);
  await staffForm.getByLabel('Email').fill(retentionViewer.email);
  await staffForm.getByLabel('Initial password').fill(retentionViewer.password);
  await staffForm.getByRole('button', { name: 'Add staff member' }).click();
  await expect(staffForm.getByText(`${retentionViewer.name} can now sign in as viewer.`)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, retentionViewer.email, retentionViewer.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto(eventUrl);
  await expect(retention).toHaveText('Deleted after 90 days');
  await expect(page.getByRole('button', { name: /Keep|Stop keeping|Replay/ })).toHaveCount(0);
  await page.screenshot({ path: shot('event-viewer'), fullPage: true });
  const forged = await replay(page, await captured);
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(retention).toHaveText('Deleted after 90 days');
});
