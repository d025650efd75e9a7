import { describe, expect, it, vi } from 'vitest';
import { createStaffUser } from '@/lib/staff';

// The portal is reached at https://… through a proxy that talks plain HTTP to it and sends no
// X-Forwarded-Proto: the session cookie must still be Secure, because PUBLIC_URL says https.
// (lib/env.ts reads PUBLIC_URL once, and the test setup already loaded it: load it afresh.)
vi.stubEnv('PUBLIC_URL', 'https://onramp.example.com');
vi.resetModules();
const { NextRequest } = await import('next/server');
const { handlers } = await import('@/lib/auth');

const origin = 'http://127.0.0.1:3000';

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie();
}

describe('staff session cookie', () => {
  it('is Secure (and __Secure- prefixed) when PUBLIC_URL is https, even when the request arrived over plain HTTP', async () => {
    await createStaffUser({ email: 'secure@example.com', name: 'Secure', password: 'secure pass 11', role: 'viewer' });
    const csrf = await handlers.GET(new NextRequest(`${origin}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = cookiesOf(csrf).find((c) => c.includes('csrf-token'))!;
    expect(csrfCookie).toMatch(/; Secure/i);

    const signIn = await handlers.POST(
      new NextRequest(`${origin}/api/auth/callback/credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.split(';')[0]!, 'x-forwarded-for': '198.51.100.1' },
        body: new URLSearchParams({ csrfToken, email: 'secure@example.com', password: 'secure pass 11' }),
      }),
    );
    const session = cookiesOf(signIn).find((c) => c.includes('session-token'));
    expect(session).toMatch(/^__Secure-authjs\.session-token=/);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
  });
});
