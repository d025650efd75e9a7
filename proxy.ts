import { NextResponse, type NextRequest } from 'next/server';
import { isDevelopment, metaConfig, publicUrl } from '@/lib/env';
import { contentSecurityPolicy } from '@/lib/http-security';

// Every page view gets its own script nonce: Next.js reads it from the request's
// Content-Security-Policy header and puts it on the scripts it renders; the browser enforces the
// same policy from the response.
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy({
    nonce,
    meta: metaConfig(),
    dev: isDevelopment,
    https: publicUrl.startsWith('https:'),
  });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages (and their server actions); not static files, API routes, or prefetches.
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
