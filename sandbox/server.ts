import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock';
import { handleControl, loadScenario } from './control';
import { handleGraph } from './graph/router';
import { corsHeaders, sendJson, sendText } from './http';
import { landingPage } from './landing';
import { resolveOptions, type SandboxOptions } from './options';
import { fbeventsScript, recordPixel } from './pixel';
import { isScenarioName } from './scenarios';
import { handleDialogAction, serveClosedFrame, serveDialog } from './sdk/dialog';
import { sdkScript } from './sdk/sdk-js';
import { createRandoms, emptyState, type Sandbox } from './state';
import { createWebhookRuntime, stopWebhooks, verifyAppCallback, webhooksIdle } from './webhooks';

export type { SandboxOptions } from './options';

export type RunningSandbox = {
  url: string;
  port: number;
  close: () => Promise<void>;
  /** The live sandbox, for in-process tests (state, clock, config). */
  sandbox: Sandbox;
  /** Resolves once queued webhook deliveries have been attempted. */
  webhooksIdle: () => Promise<void>;
};

export function createSandbox(partial: Partial<SandboxOptions> = {}): Sandbox {
  const options = resolveOptions(partial);
  if (!isScenarioName(options.scenario)) throw new Error(`Unknown SANDBOX_SCENARIO "${options.scenario}"`);
  const sb: Sandbox = {
    options,
    webhookRuntime: createWebhookRuntime(),
    config: {
      partnerType: options.partnerType ?? 'solution_partner',
      webhookUrl: options.webhookUrl,
      webhookVerifyToken: options.webhookVerifyToken,
      webhookVerified: 'unknown',
      requireAppsecretProof: options.requireAppsecretProof,
      latency: options.latency,
      businessTokenExpiry: options.businessTokenExpiry,
      webhooks: { ...options.webhooks },
      autoDecisions: { ...options.autoDecisions },
      rateLimits: { ...options.rateLimits },
      messaging: { deliverAfterSeconds: 1, readAfterSeconds: 3 },
    },
    state: emptyState(options.scenario),
    clock: createClock(),
    rng: createRandoms(options.seed),
    usedIds: new Set(),
  };
  loadScenario(sb, options.scenario);
  return sb;
}

function originOf(req: IncomingMessage, sb: Sandbox): string {
  return `http://${req.headers.host ?? `${sb.options.host}:${sb.options.port}`}`;
}

async function handle(sb: Sandbox, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const path = url.pathname;
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS') {
    res.writeHead(204, { ...corsHeaders, 'access-control-max-age': '600' });
    res.end();
    return;
  }
  const version = /^\/(v\d+\.\d+)(\/.*)?$/.exec(path);
  if (version) {
    const rest = version[2] ?? '/';
    if (rest === '/dialog/oauth' && method === 'GET') return serveDialog(sb, res, url);
    return handleGraph(sb, req, res, url, version[1] ?? 'v25.0', rest);
  }
  if (isUnversionedGraphCall(path, method, url)) return handleGraph(sb, req, res, url, undefined, path);
  if (path === '/dialog/oauth' && method === 'GET') return serveDialog(sb, res, url);
  const dialogAction = /^\/dialog\/es\/([^/]+)\/([a-z]+)$/.exec(path);
  if (dialogAction && method === 'POST') return handleDialogAction(sb, req, res, dialogAction[1] ?? '', dialogAction[2] ?? '');
  if (dialogAction && method === 'GET' && dialogAction[2] === 'closed') return serveClosedFrame(sb, res, dialogAction[1] ?? '');
  if (/^\/([a-z]{2}_[A-Z]{2}\/)?sdk(\/debug)?\.js$/.test(path)) {
    return sendText(res, 200, sdkScript(originOf(req, sb)), 'application/javascript; charset=utf-8', {
      'cache-control': 'no-cache',
      'access-control-allow-origin': '*',
    });
  }
  if (path === '/fbevents.js' || /^\/[a-z]{2}_[A-Z]{2}\/fbevents\.js$/.test(path)) {
    return sendText(res, 200, fbeventsScript(originOf(req, sb)), 'application/javascript; charset=utf-8', {
      'cache-control': 'no-cache',
      'access-control-allow-origin': '*',
    });
  }
  if (path === '/tr' || path === '/tr/') return recordPixel(sb, res, url);
  if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return handleControl(sb, req, res, path);
  if (path === '/' && method === 'GET') return sendText(res, 200, landingPage(sb, originOf(req, sb)), 'text/html; charset=utf-8');
  if (path === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  sendJson(res, 404, { error: `Not found: ${method} ${path}` });
}

/** Graph calls without /vNN.N (Meta serves them as the oldest available version). */
function isUnversionedGraphCall(path: string, method: string, url: URL): boolean {
  if (path === '/') return method === 'POST' || url.searchParams.has('ids');
  return /^\/(\d+|me|debug_token|oauth)(\/|$)/.test(path);
}

/** Starts the sandbox HTTP server (port 0 = any free port). */
export async function startSandbox(partial: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  const sb = createSandbox(partial);
  const server = createServer((req, res) => {
    handle(sb, req, res).catch((error: unknown) => {
      sb.options.log(`sandbox: unhandled error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal sandbox error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sb.options.port, sb.options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = sb.options.host === '0.0.0.0' || sb.options.host === '::' ? '127.0.0.1' : sb.options.host;
  sb.options = { ...sb.options, port };
  if (sb.config.webhookUrl) verifyAppCallback(sb);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    sandbox: sb,
    webhooksIdle: () => webhooksIdle(sb),
    close: async () => {
      sb.clock.stop();
      await stopWebhooks(sb);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
