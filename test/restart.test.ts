import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PgBoss, fromPglite } from 'pg-boss';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, migrateDatabase, type Database } from '@/lib/db/client';
import { createFirstAdmin, findStaffByEmail } from '@/lib/staff';
import { asCurrent } from './database';

// The real server process, killed without warning and started again, on the same backend as the
// rest of this run: PGlite files in a fresh folder, or the PostgreSQL server of DATABASE_URL.
const serverUrl = process.env.DATABASE_URL;
const dataDir = mkdtempSync(path.join(tmpdir(), 'onramp-restart-'));
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startServer(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, VITEST: '', DATA_DIR: dataDir, PORT: String(port), SANDBOX_PORT: String(port + 100), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

async function waitForHealth(child: ChildProcess): Promise<{ status: string; node: string }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return (await response.json()) as { status: string; node: string };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not become healthy');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Signs in over HTTP as a browser would and returns the session cookie. */
async function signIn(email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies },
    body: new URLSearchParams({ csrfToken, email, password }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`sign-in failed with ${response.status}`);
  return session.split(';')[0]!;
}

async function sessionEmail(cookie: string): Promise<string | undefined> {
  const response = await fetch(`${base}/api/auth/session`, { headers: { cookie } });
  const body = (await response.json()) as { user?: { email?: string } } | null;
  return body?.user?.email;
}

async function withDatabase<T>(body: (target: Database, boss: PgBoss) => Promise<T>): Promise<T> {
  const target = openDatabase({ url: serverUrl, directory: serverUrl ? undefined : path.join(dataDir, 'pglite') });
  const boss =
    target.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(target.pglite), backend: 'pglite', schema: 'pgboss' })
      : new PgBoss({ connectionString: target.url, schema: 'pgboss', max: 2 });
  try {
    await boss.start();
    return await body(target, boss);
  } finally {
    await boss.stop({ graceful: false, timeout: 1000 });
    await target.close();
  }
}

describe('a killed server starts again with its data', () => {
  it('fails fast with one clear line when DATABASE_URL is unreachable', async () => {
    const started = Date.now();
    const child = startServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:9/onramp' });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await exited(child);
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('cannot reach the database')]);
  });

  it('keeps staff, signed-in sessions and queued jobs across SIGKILL', async () => {
    const env: Record<string, string> = serverUrl ? { DATABASE_URL: serverUrl } : {};
    // Seed through the first start so that migrations and pg-boss's schema exist.
    const first = startServer(env);
    const health = await waitForHealth(first);
    expect(health.status).toBe('ok');
    expect(health.node).toMatch(/^v24\./);
    first.kill('SIGTERM');
    await exited(first);

    const queued = await withDatabase(async (target, boss) => {
      await migrateDatabase(target);
      const admin = await asCurrent(target, () => createFirstAdmin({ email: 'restart@example.com', name: 'Restart', password: 'survives-a-kill-1' }));
      expect(admin).toBeDefined();
      await boss.createQueue('restart-probe');
      return boss.send('restart-probe', { hello: 'world' }, { startAfter: 3600 });
    });
    expect(queued).toBeTruthy();

    const second = startServer(env);
    await waitForHealth(second);
    const cookie = await signIn('restart@example.com', 'survives-a-kill-1');
    expect(await sessionEmail(cookie)).toBe('restart@example.com');
    second.kill('SIGKILL');
    await exited(second);

    const third = startServer(env);
    expect((await waitForHealth(third)).status).toBe('ok');
    expect(await sessionEmail(cookie)).toBe('restart@example.com');
    third.kill('SIGTERM');
    await exited(third);

    await withDatabase(async (target, boss) => {
      expect((await asCurrent(target, () => findStaffByEmail('restart@example.com')))?.name).toBe('Restart');
      const [job] = await boss.findJobs('restart-probe', { id: queued! });
      expect(job?.state).toBe('created');
      expect(job?.data).toEqual({ hello: 'world' });
    });
  }, 180_000);
});
