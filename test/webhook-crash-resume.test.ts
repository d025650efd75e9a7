import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, rawQuery } from '@/lib/db/client';
import { portalSecrets } from '@/lib/env';
import { forwardSignatureHeader } from '@/lib/webhooks/forwarding';
import { processJob } from '@/lib/webhooks/processing';
import { createForward } from '@/lib/webhooks/forwards';
import { signPayload } from '@/lib/webhooks/signature';
import { asCurrent } from './database';
import { allJobs } from '@/lib/job-registry';
import { jobs, startJobs, stopJobs } from '@/lib/jobs';

// The real server (`npm start`, job workers in-process) is killed while it applies a burst of
// webhooks, so the queue's drain job is left "active", and started again on the same data: it picks
// the work up within seconds. A forward to a local receiver shows each change as it is applied, so
// the test sees progress on PGlite too (whose files only the server may open meanwhile).
const serverUrl = process.env.DATABASE_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), 'onramp-resume-'));
const appSecret = 'resume-test-app-secret';
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function vaultKeys(): string {
  return portalSecrets()
    .vaultKeys.map((k) => `${k.id}:${k.key.toString('base64')}`)
    .join(',');
}

function startServer(port: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      VITEST: '',
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'error',
      // A Meta app instead of the sandbox: this test needs no Graph API.
      META_APP_ID: '1000000000000777',
      META_APP_SECRET: appSecret,
      META_GRAPH_URL: 'http://127.0.0.1:9',
      META_WEBHOOK_VERIFY_TOKEN: 'resume-test-verify-token',
      AUTH_SECRET: portalSecrets().authSecret,
      VAULT_KEYS: vaultKeys(),
      ...(serverUrl ? { DATABASE_URL: serverUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  children.push(child);
  return child;
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
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

let sequence = 0;
function statusEnvelope(count: number): { body: string; ids: string[] } {
  const ids = Array.from({ length: count }, () => `wamid.RESUME${Date.now()}.${++sequence}`);
  const changes = ids.map((id) => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '109876543210001' },
      statuses: [{ id, status: 'delivered', timestamp: '1767225660', recipient_id: '16505551234' }],
    },
  }));
  return { body: JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '209876543210002', time: 1767225600, changes }] }), ids };
}

function postSigned(base: string, body: string) {
  return fetch(`${base}/api/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, appSecret) },
    body,
  });
}

type Arrival = { at: number; id: string; signature: string | undefined; body: Buffer };

describe(`webhook processing after a crash (${serverUrl ? 'PostgreSQL' : 'PGlite files'})`, () => {
  it('resumes within seconds of a restart although the killed drain job is still marked active', async () => {
    const arrivals: Arrival[] = [];
    const destination = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const parsed = JSON.parse(body.toString('utf8')) as { entry: Array<{ changes: Array<{ value: { statuses: Array<{ id: string }> } }> }> };
        const signature = req.headers[forwardSignatureHeader];
        arrivals.push({
          at: Date.now(),
          id: parsed.entry[0]!.changes[0]!.value.statuses[0]!.id,
          signature: Array.isArray(signature) ? signature[0] : signature,
          body,
        });
        res.writeHead(200).end();
      });
    });
    servers.push(destination);
    await new Promise<void>((resolve) => destination.listen(0, '127.0.0.1', resolve));
    const destinationUrl = `http://127.0.0.1:${(destination.address() as AddressInfo).port}/hook`;

    // The forward is created before the server owns the data (PGlite files serve one process).
    const target = openDatabase({ url: serverUrl, directory: serverUrl ? undefined : path.join(dataDir, 'pglite') });
    await migrateDatabase(target);
    const { secret } = await asCurrent(target, () => createForward('messages', destinationUrl));
    await target.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = startServer(port);
    await waitForHealth(base, server);

    const burst = statusEnvelope(100);
    expect((await postSigned(base, burst.body)).status).toBe(200);
    const firstDeadline = Date.now() + 30_000;
    while (arrivals.length === 0) {
      if (Date.now() > firstDeadline) throw new Error('nothing was forwarded before the kill');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    server.kill('SIGKILL');
    await exited(server);
    const beforeKill = new Set(arrivals.map((a) => a.id));
    expect(beforeKill.size).toBeLessThan(burst.ids.length);
    // A drain job marked active in the queue, as a worker killed mid-drain leaves it: fetched and
    // never completed. (This server drained in-process; a separate worker drains through the queue.)
    const afterKill = openDatabase({ url: serverUrl, directory: serverUrl ? undefined : path.join(dataDir, 'pglite') });
    await startJobs({ work: false, jobs: allJobs, target: afterKill });
    await jobs().send(processJob.name, {}, { singletonKey: 'drain' });
    await jobs().fetch(processJob.name);
    const active = await rawQuery<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = $1 and state = 'active'`,
      [processJob.name],
      afterKill,
    );
    await stopJobs();
    await afterKill.close();
    expect(active[0]!.n).toBeGreaterThanOrEqual(1);

    const restartedAt = Date.now();
    server = startServer(port);
    await waitForHealth(base, server);
    const healthyAt = Date.now();

    // What the kill left over is applied without any new delivery to wake the workers.
    const leftoverDeadline = Date.now() + 60_000;
    while (!burst.ids.every((id) => arrivals.some((a) => a.id === id))) {
      if (Date.now() > leftoverDeadline) throw new Error(`the changes left over by the kill were not applied within 60 s of the restart`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const resumedAt = Math.min(...arrivals.filter((a) => !beforeKill.has(a.id)).map((a) => a.at));
    const leftoversDoneAt = Date.now();

    const after = statusEnvelope(1);
    const postedAt = Date.now();
    expect((await postSigned(base, after.body)).status).toBe(200);
    const deadline = postedAt + 10_000;
    const arrived = () => arrivals.find((a) => a.id === after.ids[0]);
    let arrival: Arrival | undefined = arrived();
    for (; !arrival; arrival = arrived()) {
      if (Date.now() > deadline) {
        throw new Error(`the change sent after the restart was not applied within 10 s (${arrivals.length - beforeKill.size} arrivals since the restart)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(arrival.signature).toBe(`sha256=${createHmac('sha256', secret).update(arrival.body).digest('hex')}`);
    server.kill('SIGTERM');
    await exited(server);

    console.log(
      [
        `webhook processing after a crash (${serverUrl ? 'PostgreSQL' : 'PGlite files'})`,
        `  applied before the kill:           ${beforeKill.size} of ${burst.ids.length}`,
        `  restart to healthy:                ${((healthyAt - restartedAt) / 1000).toFixed(1)} s`,
        `  restart to first change applied:   ${((resumedAt - restartedAt) / 1000).toFixed(2)} s`,
        `  restart to leftovers all applied:  ${((leftoversDoneAt - restartedAt) / 1000).toFixed(2)} s`,
        `  new change: 200 to applied:        ${((arrival.at - postedAt) / 1000).toFixed(2)} s`,
      ].join('\n'),
    );
    expect(resumedAt - healthyAt).toBeLessThan(5_000);
    expect(arrival.at - postedAt).toBeLessThan(5_000);
  }, 300_000);
});
