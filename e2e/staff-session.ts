import { expect, type Page, type Request } from '@playwright/test';

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

export type Captured = { url: string; headers: Record<string, string>; body: Buffer };

/** Keeps a server-action POST (id header and encoded body) so that it can be replayed by someone else. */
export async function capture(request: Request): Promise<Captured> {
  const headers = Object.fromEntries(Object.entries(await request.allHeaders()).filter(([name]) => !['cookie', 'content-length'].includes(name)));
  return { url: request.url(), headers, body: request.postDataBuffer() ?? Buffer.alloc(0) };
}

/** Replays a captured server-action POST with the current page's cookies. */
export function replay(page: Page, captured: Captured) {
  return page.request.fetch(captured.url, { method: 'POST', headers: captured.headers, data: captured.body });
}
