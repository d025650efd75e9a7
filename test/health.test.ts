import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { db, openDatabase } from '@/lib/db/client';
import { allJobs } from '@/lib/job-registry';
import { startJobs, stopJobs } from '@/lib/jobs';
import { asCurrent } from './database';

// /api/health answers within 2 s whatever the database does, 503 naming what failed.
const serverUrl = process.env.DATABASE_URL;

type Body = { status: string; failing?: string[]; database: { ok: boolean; error?: string } };

async function timedHealth(): Promise<{ ms: number; status: number; body: Body }> {
  const started = performance.now();
  const response = await health();
  return { ms: performance.now() - started, status: response.status, body: (await response.json()) as Body };
}

/** A TCP server that accepts connections and never answers: a database that is up but stuck. */
async function startBlackHole(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await stopJobs();
});

describe(`/api/health (${serverUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('answers 200 when the database, migrations and queue are fine', async () => {
    await startJobs({ work: false, jobs: allJobs });
    const { status, body } = await timedHealth();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it.runIf(!serverUrl)('answers 503 within 2 s naming the database while the one connection is held', async () => {
    let release!: () => void;
    const held = db().transaction(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      for (let i = 0; i < 3; i += 1) {
        const { ms, status, body } = await timedHealth();
        expect(ms).toBeLessThan(2000);
        expect(status).toBe(503);
        expect(body.failing).toContain('database');
        expect(body.database.error).toMatch(/no answer within/);
      }
    } finally {
      release();
      await held;
    }
    expect((await timedHealth()).status).toBe(200);
  });

  it.runIf(serverUrl)('answers 503 within 2 s naming the database when it accepts connections but never replies', async () => {
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const url = new URL(serverUrl!);
    url.host = `127.0.0.1:${hole.port}`;
    const target = openDatabase({ url: url.toString() });
    cleanups.push(() => target.close().catch(() => {}));
    await asCurrent(target, async () => {
      for (let i = 0; i < 3; i += 1) {
        const { ms, status, body } = await timedHealth();
        console.log(`health with a database that never replies: ${status} in ${ms.toFixed(0)} ms`);
        expect(ms).toBeLessThan(2000);
        expect(status).toBe(503);
        expect(body.failing).toEqual(expect.arrayContaining(['database', 'migrations']));
        expect(body.database.error).toMatch(/no answer within/);
      }
    });
  });

  it.runIf(serverUrl)('answers 503 within 2 s naming the database when nothing listens', async () => {
    const hole = await startBlackHole();
    const port = hole.port;
    hole.close();
    const url = new URL(serverUrl!);
    url.host = `127.0.0.1:${port}`;
    const target = openDatabase({ url: url.toString() });
    cleanups.push(() => target.close().catch(() => {}));
    await asCurrent(target, async () => {
      const { ms, status, body } = await timedHealth();
      console.log(`health with no database listening: ${status} in ${ms.toFixed(0)} ms`);
      expect(ms).toBeLessThan(2000);
      expect(status).toBe(503);
      expect(body.failing).toContain('database');
    });
  });
});
