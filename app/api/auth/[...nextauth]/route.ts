import type { NextRequest } from 'next/server';
import { handlers, signInMessages } from '@/lib/auth';

export const GET = handlers.GET;

const retryAfter: Record<string, number> = { rate_limited: 900, account_limited: 3600 };

// A direct credentials POST that hit the limiter gets a real 429 instead of Auth.js's error redirect.
export async function POST(request: NextRequest) {
  const response = await handlers.POST(request);
  const code = /[?&]code=(rate_limited|account_limited)\b/.exec(response.headers.get('location') ?? '')?.[1];
  if (code) {
    return Response.json({ error: signInMessages[code] }, { status: 429, headers: { 'retry-after': String(retryAfter[code]) } });
  }
  return response;
}
