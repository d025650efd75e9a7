// `npm test`: type check, lint, production build, the Vitest suite on both database backends (embedded
// PGlite, and a throwaway database on the PostgreSQL server), then the Playwright suite in Debian's
// Chromium. Ends with one summary line: "N passed, N failed".
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requireServer = process.env.CI === 'true' || process.env.TEST_REQUIRE_POSTGRES === '1';
const scratch = mkdtempSync(path.join(tmpdir(), 'onramp-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings: string[] = [];

function run(label: string, command: string, args: string[], options: SpawnSyncOptions = {}): number {
  const started = performance.now();
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  timings.push(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result.status ?? 1;
}

function bin(name: string): string {
  return path.join(process.cwd(), 'node_modules', '.bin', name);
}

function ensureChromium(): void {
  if (existsSync(chromium)) return;
  const command = 'apt-get update && apt-get install -y chromium';
  if (process.getuid?.() !== 0) {
    console.error(`Debian's Chromium is missing at ${chromium}. Install it with:\n  sudo sh -c '${command}'`);
    process.exit(1);
  }
  console.log(`Installing Debian's Chromium (${command})`);
  const status = run('apt-get install chromium', 'sh', ['-c', command], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (status !== 0 || !existsSync(chromium)) {
    console.error(`Could not install Chromium; run: ${command}`);
    process.exit(1);
  }
}

type VitestReport = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };

function vitest(label: string, env: Record<string, string>): void {
  const report = path.join(scratch, `${label.replace(/\W+/g, '-')}.json`);
  const status = run(label, bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    env: { ...process.env, ...env },
  });
  if (!existsSync(report)) {
    totals.failed += 1;
    return;
  }
  const counts = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
  totals.passed += counts.numPassedTests;
  totals.failed += counts.numFailedTests + (status !== 0 && counts.numFailedTests === 0 ? 1 : 0);
  totals.skipped += counts.numPendingTests + counts.numTodoTests;
}

type PlaywrightReport = { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };

function playwright(): void {
  const report = path.join(scratch, 'playwright.json');
  const status = run('Playwright (Chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
    env: {
      ...process.env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
      E2E_DATA_DIR: path.join(scratch, 'e2e-data'),
    },
  });
  if (!existsSync(report)) {
    totals.failed += 1;
    return;
  }
  const { stats } = JSON.parse(readFileSync(report, 'utf8')) as PlaywrightReport;
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected + (status !== 0 && stats.unexpected === 0 ? 1 : 0);
  totals.skipped += stats.skipped;
}

async function withThrowawayDatabase(body: (url: string) => void): Promise<boolean> {
  const admin = postgres(serverUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  const name = `onramp_test_${process.pid}_${Date.now()}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end();
    const message = `PostgreSQL server not reachable at ${serverUrl}: ${(error as Error).message}`;
    if (requireServer) throw new Error(message);
    console.warn(`\n⚠ ${message}; the suite ran on PGlite only.`);
    return false;
  }
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    body(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  return true;
}

async function main() {
  console.log(`npm test on node ${process.version}`);
  ensureChromium();
  const baseEnv = { DATA_DIR: path.join(scratch, 'data'), LOG_LEVEL: 'warn' };

  if (run('Type check', bin('tsc'), ['--noEmit', '-p', '.']) !== 0) totals.failed += 1;
  // Biome (format, lint: floating promises, type imports) and knip (unused files, exports, dependencies).
  if (run('Lint', bin('biome'), ['ci', '--error-on-warnings', '.']) !== 0) totals.failed += 1;
  if (run('Unused code', bin('knip'), []) !== 0) totals.failed += 1;
  if (run('Production build', bin('next'), ['build']) !== 0) {
    totals.failed += 1;
    finish();
  }
  vitest('Vitest on PGlite', baseEnv);
  await withThrowawayDatabase((url) => vitest('Vitest on PostgreSQL', { ...baseEnv, DATABASE_URL: url }));
  playwright();
  finish();
}

function finish(): never {
  rmSync(scratch, { recursive: true, force: true });
  console.log(`\n${timings.join('\n')}`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`npm test: ${(error as Error).message}`);
  totals.failed += 1;
  finish();
});
