import type { NextRequest } from 'next/server';
import { handlers } from '@/lib/auth';

export const GET = handlers.GET;

// A direct credentials POST that hit the limiter gets a real 429 instead of Auth.js's error redirect.
export async function POST(request: NextRequest) {
  const response = await handlers.POST(request);
  const location = response.headers.get('location') ?? '';
  if (location.includes('code=rate_limited')) {
    return Response.json(
      { error: 'Too many failed sign-in attempts. Wait 15 minutes and try again.' },
      { status: 429, headers: { 'retry-after': '900' } },
    );
  }
  return response;
}
