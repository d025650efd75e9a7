import { describe, expect, it } from 'vitest';
import { metaConfig, type MetaConfig } from '@/lib/env';
import { contentSecurityPolicy, foreignServerAction } from '@/lib/http-security';

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split('; ').map((directive) => {
      const [name, ...sources] = directive.split(' ');
      return [name!, sources];
    }),
  );
}

const metaMode: MetaConfig = {
  ...metaConfig(),
  mode: 'meta',
  graphUrl: 'https://graph.facebook.com',
  sdkUrl: 'https://connect.facebook.net/en_US/sdk.js',
  pixelUrl: 'https://connect.facebook.net/en_US/fbevents.js',
  extraMessageOrigins: [],
};

describe('content security policy', () => {
  it('allows scripts only from our origin, this view nonce and the configured SDK and Pixel hosts; no frame ancestors', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'abc123', meta: metaMode, dev: false, https: true }));
    expect(policy['script-src']).toEqual(["'self'", "'nonce-abc123'", 'https://connect.facebook.net']);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['frame-src']).toEqual(['https://connect.facebook.net', 'https://www.facebook.com', 'https://*.facebook.com']);
    expect(policy['connect-src']).toContain('https://graph.facebook.com');
    expect(policy['img-src']).toContain('https://www.facebook.com');
    expect(policy['style-src']).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy).toHaveProperty('upgrade-insecure-requests');
  });

  it('in sandbox mode allows the sandbox origin and no facebook.com, over plain HTTP without upgrading requests', () => {
    const sandbox = metaConfig();
    const origin = new URL(sandbox.sdkUrl).origin;
    const policy = directives(contentSecurityPolicy({ nonce: 'n', meta: sandbox, dev: false, https: false }));
    expect(policy['script-src']).toEqual(["'self'", "'nonce-n'", origin]);
    expect(policy['frame-src']).toEqual([origin]);
    expect(JSON.stringify(policy)).not.toContain('facebook');
    expect(policy).not.toHaveProperty('upgrade-insecure-requests');
  });

  it('allows eval and inline styles only for the development server', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'n', meta: metaMode, dev: true, https: false }));
    expect(policy['script-src']).toContain("'unsafe-eval'");
    expect(policy['style-src']).toContain("'unsafe-inline'");
  });
});

describe('server actions from another origin', () => {
  const action = (headers: Record<string, string>, url = '/staff', method = 'POST') => foreignServerAction({ method, url, headers });

  it('flags an action whose Origin is another host, including another port on the same site and the opaque "null" origin', () => {
    expect(action({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'next-action': 'abc' })).toBe(true);
    expect(action({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:4010', 'next-action': 'abc' })).toBe(true);
    expect(action({ host: '127.0.0.1:3000', origin: 'null', 'next-action': 'abc' })).toBe(true);
    expect(action({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'content-type': 'multipart/form-data; boundary=x' })).toBe(true);
  });

  it('passes same-origin actions (Host or X-Forwarded-Host), requests without Origin, API routes and other requests', () => {
    expect(action({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'next-action': 'abc' })).toBe(false);
    expect(action({ host: '10.0.0.5:3000', 'x-forwarded-host': 'onramp.example.com', origin: 'https://onramp.example.com', 'next-action': 'abc' })).toBe(false);
    expect(action({ host: '127.0.0.1:3000', 'next-action': 'abc' })).toBe(false);
    expect(
      action({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, '/api/auth/callback/credentials'),
    ).toBe(false);
    expect(action({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'next-action': 'abc' }, '/staff', 'GET')).toBe(false);
    expect(action({ host: '127.0.0.1:3000', origin: 'https://evil.example', 'content-type': 'application/json' })).toBe(false);
  });
});
