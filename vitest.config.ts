import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    setupFiles: ['test/setup.ts'],
    // next-auth imports `next/server` without an extension, which Node's ESM loader cannot resolve.
    server: { deps: { inline: ['next-auth'] } },
    env: { META_APP_SECRET_PREVIOUS: 'previous-app-secret', LOG_LEVEL: 'error' },
  },
});
