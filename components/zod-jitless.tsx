'use client';

import { z } from 'zod';

// zod probes `new Function` to decide whether to compile its parsers; the Content-Security-Policy
// refuses eval, and the browser reports the refused probe as a violation although zod copes.
z.config({ jitless: true });

export function ZodJitless() {
  return null;
}
