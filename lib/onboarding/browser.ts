import { cookies } from 'next/headers';
import type { OnboardingSession } from '@/lib/db/schema';
import { publicUrl } from '@/lib/env';
import { newBrowserKey, rebindSession, sessionForBrowser } from '@/lib/onboarding/sessions';

// The browser side of onboarding sessions: one random key per browser in an HttpOnly cookie, sent
// only to the paths that need it; each session stores the key's hash. A customer's signup and
// status pages open in the browser that started them and nowhere else, however many sessions it opens.

/**
 * The signup pages (and their server actions), the status page, and the status JSON it polls: the
 * same key under one name per path (a response sets each cookie name once).
 */
export const browserKeyCookies = [
  { name: 'onramp_key_signup', path: '/signup' },
  { name: 'onramp_key_status', path: '/onboarding' },
  { name: 'onramp_key_api', path: '/api/onboarding' },
] as const;
const keyDays = 30;
/** Before one key per browser, each session set its own cookie at `/`: read once more, then dropped. */
const legacyPrefix = 'onramp_onboarding_';

type CookieStore = Awaited<ReturnType<typeof cookies>>;

function keyOf(store: CookieStore): string | undefined {
  return browserKeyCookies.map(({ name }) => store.get(name)?.value).find((value) => value && /^[\w-]{43}$/.test(value));
}

function setKey(store: CookieStore, key: string) {
  for (const { name, path } of browserKeyCookies) {
    store.set({
      name,
      value: key,
      httpOnly: true,
      sameSite: 'lax',
      secure: publicUrl.startsWith('https:'),
      path,
      maxAge: keyDays * 86_400,
    });
  }
}

/**
 * This browser's key, created (and its cookies set) when it has none; each call renews the cookies'
 * lifetime. Sessions that an older per-session cookie still opens move to the key, and those cookies
 * are deleted.
 */
export async function browserKey(): Promise<string> {
  const store = await cookies();
  const key = keyOf(store) ?? newBrowserKey();
  setKey(store, key);
  for (const legacy of store.getAll().filter((c) => c.name.startsWith(legacyPrefix))) {
    await rebindSession(legacy.name.slice(legacyPrefix.length), legacy.value, key);
    store.set({ name: legacy.name, value: '', path: '/', maxAge: 0 });
  }
  return key;
}

/** The session if this request's browser started it; undefined otherwise (unknown, foreign, or no cookie). */
export async function browserSession(sessionId: string): Promise<OnboardingSession | undefined> {
  const store = await cookies();
  const session = await sessionForBrowser(sessionId, keyOf(store));
  return session ?? sessionForBrowser(sessionId, store.get(`${legacyPrefix}${sessionId}`)?.value);
}
