import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { db, openDatabase } from '@/lib/db/client';
import { webhookEvents } from '@/lib/db/schema';
import { asCurrent } from './database';
import { envelope, post, startReceiver, statusChange } from './webhook-server';
import { splitDeliveries } from '@/lib/webhooks/processing';

// A database outage during a burst: the receiver's connections go through a proxy that the test cuts.
// Only meaningful against a PostgreSQL server (the embedded database cannot go away on its own).
const serverUrl = process.env.DATABASE_URL;

function startProxy(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): void }> {
  let down = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        cut() {
          down = true;
          for (const s of sockets) s.destroy();
        },
        restore() {
          down = false;
        },
        close() {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    ),
  );
}

describe.runIf(serverUrl)('webhook receiver during a database outage', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('answers 503 while the database is down, and loses nothing it acknowledged', async () => {
    const url = new URL(serverUrl!);
    const proxy = await startProxy(url);
    cleanups.push(() => proxy.close());
    const proxied = new URL(serverUrl!);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const target = openDatabase({ url: proxied.toString() });
    cleanups.push(() => target.close());
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());

    const ids = Array.from({ length: 300 }, (_, i) => `wamid.OUTAGE${i}`);
    const outcome = new Map<string, number>();
    await asCurrent(target, async () => {
      for (let i = 0; i < ids.length; i += 10) {
        if (i === 100) proxy.cut();
        if (i === 150) proxy.restore();
        const slice = ids.slice(i, i + 10);
        const responses = await Promise.all(slice.map((id) => post(receiver.url, envelope([statusChange('sent', id)]))));
        slice.forEach((id, k) => {
          outcome.set(id, responses[k]!.status);
        });
      }
    });

    const statuses = [...outcome.values()];
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(40);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(ids.slice(0, 100).every((id) => outcome.get(id) === 200)).toBe(true);
    expect(ids.slice(200).every((id) => outcome.get(id) === 200)).toBe(true);

    // What was acknowledged is committed as its POST; split it into changes as processing does first.
    while ((await splitDeliveries()) > 0);
    const stored = await db()
      .select({ value: webhookEvents.value })
      .from(webhookEvents)
      .where(inArray(webhookEvents.field, ['messages']));
    const storedIds = new Set(stored.map((r) => (r.value as { statuses: Array<{ id: string }> }).statuses[0]!.id));
    const acknowledged = ids.filter((id) => outcome.get(id) === 200);
    expect(acknowledged.every((id) => storedIds.has(id))).toBe(true);

    // Meta retries whatever got a 503; once the database is back the retries fill the gap.
    const retried = ids.filter((id) => outcome.get(id) !== 200);
    await asCurrent(target, async () => {
      for (const id of retried) expect((await post(receiver.url, envelope([statusChange('sent', id)]))).status).toBe(200);
    });
    while ((await splitDeliveries()) > 0);
    const after = await db().select({ value: webhookEvents.value }).from(webhookEvents);
    const afterIds = new Set(after.map((r) => (r.value as { statuses?: Array<{ id: string }> }).statuses?.[0]?.id));
    expect(ids.every((id) => afterIds.has(id))).toBe(true);
    expect(after.length).toBe(ids.length);
  }, 120_000);
});
