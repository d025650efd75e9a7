import { join } from 'node:path';

/** Where a spec's screenshots go: `SCREENSHOT_DIR` when set, else a folder of the test run. */
export function screen(spec: string, name: string): string {
  return join(process.env.SCREENSHOT_DIR ?? 'test-results/screens', spec, `${name}.png`);
}
