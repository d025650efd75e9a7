import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// One browser opening many signup sessions, through the real server actions: `next/headers` is
// replaced by a small cookie jar that stores what the actions set and sends back, per request path,
// what a browser would (RFC 6265 path matching, Max-Age).

type StoredCookie = { name: string; value: string; path: string; expiresAt: number };

class CookieJar {
  cookies: StoredCookie[] = [];

  store(name: string, value: string, options: { path?: string; maxAge?: number }) {
    const path = options.path ?? '/';
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    if (options.maxAge !== undefined && options.maxAge <= 0) return;
    this.cookies.push({ name, value, path, expiresAt: Date.now() + (options.maxAge ?? 86_400) * 1000 });
  }

  /** The cookies a browser sends to `path`: longer paths first, as browsers order them. */
  sentTo(path: string): StoredCookie[] {
    const matches = (cookiePath: string) =>
      path === cookiePath || (path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));
    return this.cookies.filter((c) => c.expiresAt > Date.now() && matches(c.path)).sort((a, b) => b.path.length - a.path.length);
  }

  header(path: string): string {
    return this.sentTo(path)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

const browser = vi.hoisted(() => ({ jar: undefined as unknown as CookieJar, path: '/signup' }));

vi.mock('next/headers', () => ({
  cookies: async () => {
    const sent = browser.jar.sentTo(browser.path);
    return {
      get: (name: string) => sent.find((c) => c.name === name),
      getAll: () => sent,
      set: (cookie: { name: string; value: string; path?: string; maxAge?: number }) => browser.jar.store(cookie.name, cookie.value, cookie),
    };
  },
  headers: async () => new Headers({ 'x-forwarded-for': '203.0.113.7' }),
}));
vi.mock('next-auth', () => ({
  default: () => ({ handlers: {}, auth: async () => null, signIn: vi.fn(), signOut: vi.fn() }),
  CredentialsSignin: class extends Error {},
}));
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
// The per-address limit on new sessions is not what this test is about.
vi.mock('@/lib/rate-limit', () => ({ slidingWindow: () => ({ take: () => true }) }));

const { openSessionAction } = await import('@/app/(public)/signup/actions');
const { browserSession } = await import('@/lib/onboarding/browser');

/** Node's own HTTP server with its default header limit, as the portal runs: does this Cookie header get through? */
let server: ReturnType<typeof createServer>;
let port: number;

beforeAll(async () => {
  server = createServer((_req, res) => res.end('dashboard'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function statusWithCookie(cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/dashboard', headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the signup browser binding', () => {
  it('keeps the Cookie header small and the dashboard reachable after 300 signup sessions in one browser', async () => {
    browser.jar = new CookieJar();
    browser.path = '/signup';
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const opened = await openSessionAction('public');
      if (!('sessionId' in opened)) throw new Error(opened.error);
      ids.push(opened.sessionId);
    }
    // An Auth.js session cookie of a typical size rides along on every dashboard request.
    const staffCookie = `authjs.session-token=${'x'.repeat(900)}`;
    const dashboardCookies = browser.jar.header('/dashboard');
    expect(dashboardCookies).toBe('');
    expect(browser.jar.header('/signup').length).toBeLessThan(100);
    expect(browser.jar.header(`/onboarding/${ids[299]}`).length).toBeLessThan(100);
    expect(browser.jar.cookies).toHaveLength(3);
    expect(await statusWithCookie(staffCookie)).toBe(200);

    // The same server refuses what a cookie per session at `/` used to send after 300 sessions.
    const perSession = ids.map((id) => `onramp_onboarding_${id}=${'k'.repeat(43)}`).join('; ');
    expect(await statusWithCookie(`${perSession}; ${staffCookie}`)).toBe(431);
  });

  it('opens the first and the last of those sessions in that browser only', async () => {
    browser.jar = new CookieJar();
    browser.path = '/signup';
    const first = await openSessionAction('public');
    for (let i = 0; i < 20; i++) await openSessionAction('public');
    const last = await openSessionAction('public');
    if (!('sessionId' in first) || !('sessionId' in last)) throw new Error('no session');
    for (const id of [first.sessionId, last.sessionId]) {
      browser.path = `/onboarding/${id}`;
      expect((await browserSession(id))?.id).toBe(id);
      browser.path = `/api/onboarding/${id}`;
      expect((await browserSession(id))?.id).toBe(id);
    }
    const mine = browser.jar;
    browser.jar = new CookieJar();
    browser.path = `/onboarding/${first.sessionId}`;
    expect(await browserSession(first.sessionId)).toBeUndefined();
    browser.jar = mine;
  });

  it('moves a session from an old per-session cookie to the browser key and drops that cookie', async () => {
    const { openOnboardingSession } = await import('@/lib/onboarding/sessions');
    const legacy = await openOnboardingSession('public');
    if ('problem' in legacy) throw new Error(legacy.problem);
    browser.jar = new CookieJar();
    browser.jar.store(`onramp_onboarding_${legacy.sessionId}`, legacy.browserKey, { path: '/', maxAge: 30 * 86_400 });
    browser.path = `/onboarding/${legacy.sessionId}`;
    expect((await browserSession(legacy.sessionId))?.id).toBe(legacy.sessionId);
    browser.path = '/signup';
    await openSessionAction('public');
    expect(browser.jar.cookies.map((c) => c.name).sort()).toEqual(['onramp_key_api', 'onramp_key_signup', 'onramp_key_status']);
    browser.path = `/onboarding/${legacy.sessionId}`;
    expect((await browserSession(legacy.sessionId))?.id).toBe(legacy.sessionId);
  });
});
