import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/lib/db/client';
import { webhookDeliveries, webhookEvents } from '@/lib/db/schema';
import { startMetaSandbox, sandboxApp, type MetaSandbox } from '@/test/meta-sandbox';
import { subscribeApp } from '@/lib/meta/subscriptions';

// The real server killed with SIGKILL during a burst of sandbox deliveries, then started again on
// the same data: what the sandbox saw acknowledged is stored exactly once, and its retries fill the
// rest. Same backend convention as restart.test.ts: PGlite files, or the server of DATABASE_URL.
const serverUrl = process.env.DATABASE_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), 'onramp-crash-'));
const port = 3800 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [];
let meta: MetaSandbox | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await meta?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startServer(graphUrl: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      VITEST: '',
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'error',
      // "Meta" is the sandbox this test runs, so that it outlives the server it delivers to.
      META_APP_ID: sandboxApp.appId,
      META_APP_SECRET: sandboxApp.appSecret,
      META_SYSTEM_TOKEN: sandboxApp.systemToken,
      META_GRAPH_URL: graphUrl,
      META_WEBHOOK_VERIFY_TOKEN: 'crash-test-verify-token',
      ...(serverUrl ? { DATABASE_URL: serverUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  children.push(child);
  return child;
}

async function waitForHealth(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become healthy');
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

type Delivery = {
  id: string;
  kind: 'notification' | 'verification';
  state: 'pending' | 'retrying' | 'delivered' | 'dropped' | 'not_sent';
  duplicateOf?: string;
  attempts: Array<{ status: number | null; error?: string }>;
  body: { entry?: Array<{ changes: Array<{ value: { statuses?: Array<{ id: string }> } }> }> } | null;
};

async function deliveries(sandbox: MetaSandbox): Promise<Delivery[]> {
  const { body } = await sandbox.control('GET', '/webhooks/deliveries');
  return (body as { data: Delivery[] }).data.filter((d) => d.kind === 'notification');
}

function messageIds(delivery: Delivery): string[] {
  return (delivery.body?.entry ?? []).flatMap((e) => e.changes.flatMap((c) => (c.value.statuses ?? []).map((s) => s.id)));
}

const acked = (d: Delivery) => d.attempts.some((a) => a.status === 200);

/**
 * Message ids stored for the WABA, with how many event rows each has (read with the server stopped
 * or killed). A POST acknowledged but not yet split into events counts as stored: its body is
 * committed, and processing splits it after the restart.
 */
async function storedIds(wabaId: string): Promise<Map<string, number>> {
  const target = openDatabase({ url: serverUrl, directory: serverUrl ? undefined : path.join(dataDir, 'pglite') });
  try {
    const rows = await target.db.select({ value: webhookEvents.value }).from(webhookEvents).where(eq(webhookEvents.wabaId, wabaId));
    const counts = new Map<string, number>();
    for (const row of rows) {
      for (const status of (row.value as { statuses?: Array<{ id: string }> }).statuses ?? []) {
        counts.set(status.id, (counts.get(status.id) ?? 0) + 1);
      }
    }
    const unsplit = await target.db.select({ body: webhookDeliveries.body }).from(webhookDeliveries).where(isNull(webhookDeliveries.splitAt));
    for (const { body } of unsplit) {
      const delivery = JSON.parse(body) as Delivery['body'];
      for (const id of messageIds({ body: delivery } as Delivery)) if (!counts.has(id)) counts.set(id, 1);
    }
    return counts;
  } finally {
    await target.close();
  }
}

describe('webhook receiver killed mid-burst', () => {
  it('stores every acknowledged change exactly once, and the sandbox retries fill the rest', async () => {
    const burst = 3000;
    meta = await startMetaSandbox({
      webhookUrl: `${base}/api/webhooks/meta`,
      webhookVerifyToken: 'crash-test-verify-token',
      webhooks: {
        batchSize: 25,
        batchWindowMs: 0,
        // Meta's schedule, compressed: enough retries to outlast a restart.
        retryDelaysMs: [200, 500, 1_000, 2_000, 3_000, 5_000, 5_000, 5_000, 10_000, 10_000, 10_000],
        duplicateRate: 0.05,
        reorder: true,
        timeoutMs: 5_000,
      },
    });
    const customer = await meta.onboard();
    await subscribeApp(customer.wabaId, customer.token);

    let server = startServer(meta.url);
    await waitForHealth(server);

    const triggered = await meta.control('POST', '/webhooks/trigger', { field: 'messages', variant: 'delivered', wabaId: customer.wabaId, count: burst });
    expect(triggered).toEqual({ status: 202, body: { queued: burst, not_sent: [] } });

    // Kill the server once part of the burst is acknowledged.
    const killAfter = Math.floor(burst / 4);
    for (;;) {
      const changes = (await deliveries(meta)).filter(acked).reduce((n, d) => n + messageIds(d).length, 0);
      if (changes >= killAfter) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    server.kill('SIGKILL');
    await exited(server);
    const atKill = await deliveries(meta);
    const ackedBeforeKill = new Set(atKill.filter(acked).flatMap(messageIds));
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(killAfter);
    expect(ackedBeforeKill.size).toBeLessThan(burst);

    const storedAtKill = await storedIds(customer.wabaId);
    const lostAcked = [...ackedBeforeKill].filter((id) => storedAtKill.get(id) !== 1);
    expect(lostAcked).toEqual([]);

    const restartedAt = performance.now();
    server = startServer(meta.url);
    await waitForHealth(server);
    const healthyAfterMs = performance.now() - restartedAt;

    let final: Delivery[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      final = await deliveries(meta);
      if (final.every((d) => d.state === 'delivered' || d.state === 'dropped')) break;
      if (Date.now() > deadline) {
        const states: Record<string, number> = {};
        for (const d of final) states[d.state] = (states[d.state] ?? 0) + 1;
        const lastStatuses = final.flatMap((d) => d.attempts.slice(-1).map((a) => String(a.status)));
        throw new Error(`the sandbox did not finish delivering: ${JSON.stringify(states)}, last attempts ${JSON.stringify(lastStatuses.slice(-20))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const filledAfterMs = performance.now() - restartedAt;
    expect(final.filter((d) => d.state === 'dropped')).toEqual([]);

    server.kill('SIGTERM');
    await exited(server);

    const sent = new Set(final.filter((d) => !d.duplicateOf).flatMap(messageIds));
    expect(sent.size).toBe(burst);
    const stored = await storedIds(customer.wabaId);
    expect([...sent].filter((id) => stored.get(id) !== 1)).toEqual([]);
    expect(stored.size).toBe(burst);

    const committedUnacked = [...storedAtKill.keys()].filter((id) => !ackedBeforeKill.has(id)).length;
    const resentCopies = final.filter((d) => d.duplicateOf && acked(d)).reduce((n, d) => n + messageIds(d).length, 0);
    const failedAttempts = final.reduce((n, d) => n + d.attempts.filter((a) => a.status !== 200).length, 0);
    console.log(
      [
        `webhook crash test (${serverUrl ? 'PostgreSQL' : 'PGlite files'})`,
        `  changes sent:                        ${sent.size} in ${final.filter((d) => !d.duplicateOf).length} deliveries`,
        `  acknowledged before the kill:        ${ackedBeforeKill.size}`,
        `  stored at the kill:                  ${storedAtKill.size} (${committedUnacked} committed but not acknowledged)`,
        `  stored after restart:                ${stored.size} (each exactly once)`,
        `  duplicates dropped:                  ${committedUnacked + resentCopies} (${committedUnacked} re-sent after the kill, ${resentCopies} sandbox duplicate re-sends)`,
        `  failed attempts retried by sandbox:  ${failedAttempts}`,
        `  restart to healthy:                  ${(healthyAfterMs / 1000).toFixed(1)} s`,
        `  restart to every change stored:      ${(filledAfterMs / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
  }, 240_000);
});
