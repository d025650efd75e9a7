import type { MetaConfig } from '@/lib/env';

// The browser-facing security policy: one Content-Security-Policy per page view (with that view's
// script nonce), and the server-action origin check, answered before Next.js sees the request.

/** Headers every response carries (next.config.ts), whatever the route. */
export const baseSecurityHeaders: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  // No page is meant to be framed: staff pages never, and Embedded Signup opens Meta's dialog in
  // its own window, so the public signup page needs no frame either.
  { key: 'X-Frame-Options', value: 'DENY' },
];

function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The policy of a page view. Scripts: our own files and this view's inline scripts (Next.js puts
 * the nonce on them), plus the SDK and Pixel hosts; no 'strict-dynamic', so a script the SDK
 * injects must come from a listed host too. Frames, images and connections: Meta's (or the
 * sandbox's) origins only.
 */
export function contentSecurityPolicy({ nonce, meta, dev, https }: { nonce: string; meta: MetaConfig; dev: boolean; https: boolean }): string {
  const sdk = originOf(meta.sdkUrl);
  const pixel = originOf(meta.pixelUrl);
  const graph = originOf(meta.graphUrl);
  // Meta: Embedded Signup and the SDK's own frames and reports come from facebook.com's subdomains.
  const facebook = meta.mode === 'meta' ? ['https://www.facebook.com', 'https://*.facebook.com'] : [];
  const messages = [...facebook, ...meta.extraMessageOrigins.map(originOf)];
  const list = (...sources: string[]) => [...new Set(sources)].join(' ');
  const directives = [
    "default-src 'self'",
    `script-src ${list("'self'", `'nonce-${nonce}'`, sdk, pixel, ...(dev ? ["'unsafe-eval'"] : []))}`,
    // The development server injects its styles without a nonce.
    `style-src ${list("'self'", dev ? "'unsafe-inline'" : `'nonce-${nonce}'`)}`,
    `img-src ${list("'self'", 'data:', 'blob:', sdk, pixel, ...messages)}`,
    `connect-src ${list("'self'", graph, sdk, pixel, ...messages)}`,
    `frame-src ${list(sdk, ...messages)}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

type RequestLike = { method?: string; url?: string; headers: Record<string, string | string[] | undefined> };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A POST that Next.js would run as a server action (the Next-Action header, or a form post to a
 * page) whose Origin is not this host. Next.js refuses these with a 500; this lets the server say
 * 403 first. Same rule as Next.js: the Origin's host against X-Forwarded-Host, else Host; a request
 * with no Origin (not a browser's) passes, as it does in Next.js.
 */
export function foreignServerAction(request: RequestLike): boolean {
  if (request.method !== 'POST' || request.url?.startsWith('/api/')) return false;
  const contentType = first(request.headers['content-type']) ?? '';
  const possibleAction =
    first(request.headers['next-action']) !== undefined || contentType.startsWith('multipart/form-data') || contentType === 'application/x-www-form-urlencoded';
  if (!possibleAction) return false;
  const origin = first(request.headers.origin);
  if (origin === undefined) return false;
  const host = first(request.headers['x-forwarded-host'])?.split(',')[0]?.trim() || first(request.headers.host);
  let originHost: string;
  try {
    originHost = origin === 'null' ? 'null' : new URL(origin).host;
  } catch {
    return true;
  }
  return !host || originHost !== host;
}
