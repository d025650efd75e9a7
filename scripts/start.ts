// `npm start`: checks configuration, builds when there is no build, migrates, starts the sandbox when no
// Meta app is configured, starts the job queue, and serves the portal through a small custom server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import next from 'next';
import { checkConnection, closeDatabase, database, migrateDatabase } from '@/lib/db/client';
import { childProcessEnv, env, metaConfig, nodeVersion, portalSecrets, productionProblems, publicUrl, sandboxMode } from '@/lib/env';
import { allJobs } from '@/lib/job-registry';
import { startJobs, stopJobs } from '@/lib/jobs';
import { baseSecurityHeaders, foreignServerAction } from '@/lib/http-security';
import { recoverRuns } from '@/lib/operations/control';
import { stopOperationWork } from '@/lib/operations/dispatch';
import { log } from '@/lib/log';
import { flushRejections, handleWebhookRequest, webhookPath } from '@/lib/webhooks/receiver';
import { claimDataDir, releaseDataDir } from '@/scripts/data-dir-lock';

const dev = process.argv.includes('--dev');
const started = performance.now();

function fail(message: string): never {
  console.error(`onramp: ${message}`);
  process.exit(1);
}

function build(): void {
  log.info('No build found: running next build (first start only)');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit' });
  if (result.status !== 0) fail('next build failed');
}

/** A sandbox already answering on the port (one that outlived a killed portal, or a test's own) is reused. */
async function sandboxRunning(): Promise<boolean> {
  try {
    const response = await fetch(`${metaConfig().graphUrl}/_sandbox/state`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function startSandbox(): Promise<ChildProcess | undefined> {
  if (!existsSync('sandbox/main.ts')) return undefined;
  const config = metaConfig();
  if (await sandboxRunning()) {
    log.info({ url: config.graphUrl }, 'Reusing the sandbox already running');
    return undefined;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    stdio: ['pipe', 'inherit', 'inherit'],
    env: childProcessEnv({
      SANDBOX_EXIT_WITH_PARENT: '1',
      SANDBOX_PORT: String(env.SANDBOX_PORT),
      SANDBOX_WEBHOOK_URL: `${publicUrl}/api/webhooks/meta`,
      SANDBOX_WEBHOOK_VERIFY_TOKEN: config.webhookVerifyToken,
    }),
  });
  child.on('exit', (code, signal) => {
    if (!shuttingDown) log.error({ code, signal }, 'sandbox exited');
  });
  return child;
}

let shuttingDown = false;

async function main() {
  log.info({ node: nodeVersion, mode: sandboxMode ? 'sandbox' : 'meta', dev }, 'Onramp starting');
  const problems = productionProblems();
  if (problems.length > 0) fail(`ONRAMP_PRODUCTION is set but these are missing: ${problems.join(', ')}`);
  portalSecrets((message) => log.warn(message));

  if (!env.DATABASE_URL) claimDataDir();
  try {
    await checkConnection();
  } catch (error) {
    fail(`cannot reach the database (${env.DATABASE_URL ? 'DATABASE_URL' : 'PGlite'}): ${(error as Error).message}`);
  }
  await migrateDatabase();
  log.info({ database: database().kind }, 'Database migrated');

  if (!dev && !existsSync('.next/BUILD_ID')) build();

  const sandbox = sandboxMode ? await startSandbox() : undefined;
  if (sandbox) log.info({ url: metaConfig().graphUrl }, 'Sandbox started in place of Meta');

  await startJobs({ work: env.JOBS_IN_PROCESS, jobs: allJobs });
  log.info({ workers: env.JOBS_IN_PROCESS ? 'in-process' : 'separate (npm run worker)' }, 'Job queue started');
  // Operations a previous process left mid-step continue now, not at the next sweep.
  if (env.JOBS_IN_PROCESS) void recoverRuns().catch((error: unknown) => log.error({ err: error }, 'operation recovery failed'));

  const app = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Meta's webhooks skip Next's request pipeline: this path is the portal's hot path.
    if (req.url === webhookPath || req.url?.startsWith(`${webhookPath}?`)) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      handleWebhookRequest(req, res);
      return;
    }
    // Next.js refuses a server action posted from another origin with a 500; it is the caller's fault.
    if (foreignServerAction(req)) {
      for (const { key, value } of baseSecurityHeaders) res.setHeader(key, value);
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Forbidden: this form was sent from another site.\n');
      req.resume();
      return;
    }
    // The sign-in limiter keys on the caller's address; only a trusted proxy may set it for us.
    if (!env.TRUST_PROXY || !req.headers['x-forwarded-for']) {
      req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    }
    void handle(req, res);
  });
  server.listen(env.PORT, env.HOST, () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log.info({ url: publicUrl, node: nodeVersion, seconds }, `Onramp is ready at ${publicUrl}`);
  });

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'Shutting down');
    sandbox?.kill('SIGTERM');
    server.close();
    server.closeAllConnections();
    await flushRejections().catch(() => {});
    // Steps already talking to Meta finish and are recorded; waiting retries are left to the next start.
    await stopOperationWork().catch(() => {});
    await stopJobs().catch(() => {});
    await closeDatabase().catch(() => {});
    releaseDataDir();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  releaseDataDir();
  fail((error as Error).stack ?? String(error));
});
