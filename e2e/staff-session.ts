import { expect, type Page } from '@playwright/test';

// The staff accounts the first-run journey (staff.spec.ts) creates; the other files sign in with them.

export const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'harbour-lights-42' };

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAsAdmin(page: Page): Promise<void> {
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/dashboard/);
}
