import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './staff-session';

// The public signup pages' rules as a browser meets them: unknown links, and how many cookies
// signing up leaves behind.
test.describe.configure({ mode: 'serial' });

test('an unknown signup link answers HTTP 404 with the plain explanation', async ({ page }) => {
  for (const path of ['/signup/no-such-link', '/signup/not%20a%20token']) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'This signup link does not exist' })).toBeVisible();
    await expect(page.getByText('Check that you copied the whole link')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Connect with Facebook' })).toHaveCount(0);
  }
});

test('signup opened again and again in one browser leaves one key cookie per signup path and the dashboard reachable', async ({ page, context }) => {
  for (let i = 0; i < 12; i++) {
    await page.goto('/signup');
    await expect(page.getByRole('button', { name: 'Connect with Facebook' })).toBeEnabled({ timeout: 20_000 });
  }
  const ours = (await context.cookies()).filter((c) => c.name.startsWith('onramp_'));
  expect(ours.map((c) => `${c.name} ${c.path}`).sort()).toEqual([
    'onramp_key_api /api/onboarding',
    'onramp_key_signup /signup',
    'onramp_key_status /onboarding',
  ]);
  expect(new Set(ours.map((c) => c.value)).size).toBe(1);
  expect(ours.every((c) => c.httpOnly)).toBe(true);

  await signInAsAdmin(page);
  const dashboard = await page.goto('/dashboard');
  expect(dashboard?.status()).toBe(200);
  const sent = await dashboard!.request().allHeaders();
  expect(sent.cookie ?? '').not.toContain('onramp_key');
});
