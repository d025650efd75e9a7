// `npm run bench:dashboard`: seeds a throwaway PostgreSQL database at a large Solution Partner's size
// (scripts/bench-dashboard-seed.ts), starts the production portal on it, signs in as staff and
// measures the server time of every staff list and detail page (time to first byte and to the last
// byte, 20 requests each, p50/p95), and the CSV export of every account with the portal's memory
// growth while it streams. Each figure is marked against its target.
//
//   npm run bench:dashboard                       # 100,000 WABAs, 10,000,000 webhook events
//   npm run bench:dashboard -- --wabas 5000 --events 200000
//   npm run bench:dashboard -- --keep             # leaves the database (its name is printed)
//   npm run bench:dashboard -- --database NAME    # measures an already seeded database (migrates it first)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { businessName, customerReference, displayNumber, seed, wabaMetaId } from './bench-dashboard-seed';

const { values: flags } = parseArgs({
  options: {
    wabas: { type: 'string', default: '100000' },
    events: { type: 'string', default: '10000000' },
    requests: { type: 'string', default: '20' },
    port: { type: 'string', default: process.env.BENCH_PORT ?? '3301' },
    'sandbox-port': { type: 'string', default: process.env.BENCH_SANDBOX_PORT ?? '4301' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const size = { wabas: Number(flags.wabas), events: Number(flags.events) };
const repeat = Number(flags.requests);
const port = Number(flags.port);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pageTargetMs = 100;
const exportTargetMb = 100;
const staff = { email: 'bench@example.com', name: 'Bench Staff', password: 'bench-harbour-lights-42' };

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
let cookies = '';

type Timing = { status: number; ttfb: number; total: number; bytes: number; body: string };

function get(path: string, keepBody = false): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { cookie: cookies } }, (res) => {
      const ttfb = performance.now() - started;
      let bytes = 0;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody) parts.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ttfb, total: performance.now() - started, bytes, body: Buffer.concat(parts).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function setCookies(headers: string[] | undefined): void {
  const jar = new Map(
    cookies
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0]!, c] as const),
  );
  for (const header of headers ?? []) {
    const pair = header.split(';')[0]!;
    jar.set(pair.split('=')[0]!, pair);
  }
  cookies = [...jar.values()].join('; ');
}

/** Auth.js's credentials sign-in over HTTP, as a browser does it: CSRF token, then the form post. */
async function signIn(): Promise<void> {
  const csrf = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/auth/csrf', agent }, (res) => {
      setCookies(res.headers['set-cookie']);
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { csrfToken: string }).csrfToken));
    });
    req.on('error', reject);
    req.end();
  });
  const form = new URLSearchParams({ email: staff.email, password: staff.password, csrfToken: csrf, callbackUrl: '/dashboard' }).toString();
  await new Promise<void>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/auth/callback/credentials',
        method: 'POST',
        agent,
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) },
      },
      (res) => {
        setCookies(res.headers['set-cookie']);
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(form);
  });
  const check = await get('/dashboard');
  if (check.status !== 200) throw new Error(`sign-in did not work: /dashboard answered ${check.status}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function startPortal(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 600_000;
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`the portal exited with ${child.exitCode}`));
      const ready = await get('/api/health').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) resolve(child);
      else if (Date.now() > deadline) reject(new Error('the portal did not start'));
      else setTimeout(poll, 500);
    };
    void poll();
  });
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

type Case = { label: string; path: string };

async function cases(db: postgres.Sql): Promise<Case[]> {
  const middle = Math.floor(size.wabas / 2);
  const [waba] = await db<{ meta: string }[]>`select meta_waba_id as meta from wabas where meta_waba_id = ${wabaMetaId(middle)}`;
  const [session] = await db<
    { id: string }[]
  >`select o.id from onboarding_sessions o join wabas w on w.id = o.waba_id where w.meta_waba_id = ${wabaMetaId(middle + 1)}`;
  const [event] = await db<
    { id: string; at: string }[]
  >`select id, received_at::text as at from webhook_events where dedupe_key = ${`bench:${Math.floor(size.events / 2)}`}`;
  // The keyset cursor of a later page, followed exactly as a person clicking "Next" would: pages 1 → 2 → 3 → 4 → 5.
  const nextOf = async (path: string, pages: number): Promise<string> => {
    let current = path;
    for (let i = 0; i < pages; i++) {
      const { body } = await get(current, true);
      const href = /href="(\/[^"]*cursor=[^"]+)"/.exec(body)?.[1];
      if (!href) throw new Error(`no next page on ${current}`);
      current = href.replaceAll('&amp;', '&');
    }
    return current;
  };
  const hour = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 16);
  return [
    { label: 'overview', path: '/dashboard' },
    { label: 'customers: first page', path: '/customers' },
    { label: 'customers: page 5 (keyset cursor)', path: await nextOf('/customers', 4) },
    { label: 'customers: search name', path: `/customers?q=${encodeURIComponent(businessName(middle))}` },
    { label: 'customers: search WABA id', path: `/customers?q=${wabaMetaId(middle)}` },
    { label: 'customers: search phone number', path: `/customers?q=${encodeURIComponent(displayNumber(middle))}` },
    { label: 'customers: search reference', path: `/customers?q=${customerReference(middle)}` },
    { label: 'accounts: first page', path: '/wabas' },
    { label: 'accounts: page 5 (keyset cursor)', path: await nextOf('/wabas', 4) },
    { label: 'accounts: search name', path: `/wabas?q=${encodeURIComponent(businessName(middle))}` },
    { label: 'accounts: search WABA id', path: `/wabas?q=${wabaMetaId(middle)}` },
    { label: 'accounts: search phone number', path: `/wabas?q=${encodeURIComponent(displayNumber(middle))}` },
    { label: 'accounts: search reference', path: `/wabas?q=${customerReference(middle)}` },
    { label: 'accounts: filter quality RED', path: '/wabas?quality=RED' },
    { label: 'account page', path: `/wabas/${waba!.meta}` },
    { label: 'onboardings: first page', path: '/onboardings' },
    { label: 'onboardings: status failed', path: '/onboardings?status=failed' },
    { label: 'onboardings: page 5 (keyset cursor)', path: await nextOf('/onboardings', 4) },
    { label: 'onboarding page', path: `/onboardings/${session!.id}` },
    { label: 'event log: first page', path: '/webhooks' },
    { label: 'event log: page 5 (keyset cursor)', path: await nextOf('/webhooks', 4) },
    { label: 'event log: field account_update', path: '/webhooks?field=account_update' },
    { label: 'event log: field + WABA', path: `/webhooks?field=messages&waba=${waba!.meta}` },
    { label: 'event log: WABA', path: `/webhooks?waba=${waba!.meta}` },
    { label: 'event log: time window (60 days ago)', path: `/webhooks?from=${hour(60)}&to=${hour(59)}` },
    { label: 'event log: status failed', path: '/webhooks?status=failed' },
    { label: 'event page', path: `/webhooks/${event!.id}` },
    { label: 'audit log: staff actions', path: '/audit' },
    { label: 'audit log: Graph calls', path: '/audit?view=graph' },
  ];
}

async function main() {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const reuse = flags.database;
  const name = reuse ?? `onramp_bench_dashboard_${process.pid}`;
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.LOG_LEVEL ??= 'warn';
  const secrets = { AUTH_SECRET: randomBytes(32).toString('base64url'), VAULT_KEYS: `bench:${randomBytes(32).toString('base64')}` };
  Object.assign(process.env, secrets);
  let portal: ChildProcess | undefined;
  const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const { closeDatabase, migrateDatabase } = await import('@/lib/db/client');
    const { hashPassword } = await import('@/lib/passwords');
    let started = performance.now();
    await migrateDatabase();
    await closeDatabase();
    console.log(`bench:dashboard on node ${process.version}, ${repeat} requests a page; PostgreSQL database ${name}`);
    const [seeded] = await db<{ n: number }[]>`select count(*)::int as n from wabas`;
    if (seeded!.n === 0) {
      console.log(`seeding ${size.wabas.toLocaleString('en')} WABAs and ${size.events.toLocaleString('en')} webhook events (set-based INSERT … SELECT):`);
      const [row] = await db<
        { id: string }[]
      >`insert into staff_users (email, name, password_hash, role) values (${staff.email}, ${staff.name}, ${await hashPassword(staff.password)}, 'admin') returning id`;
      started = performance.now();
      await seed(db, size, row!.id);
      console.log(`  ${'seeded in'.padEnd(48)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s\n`);
    } else {
      size.wabas = seeded!.n;
      const [estimate] = await db<{ n: number }[]>`select reltuples::bigint::float8 as n from pg_class where relname = 'webhook_events'`;
      size.events = Math.round(Number(estimate!.n));
      await db`update staff_users set password_hash = ${await hashPassword(staff.password)} where email = ${staff.email}`;
      // The migrations may have added statistics or indexes since it was seeded.
      await db.unsafe('analyze');
      console.log(`measuring the seeded database: ${size.wabas.toLocaleString('en')} WABAs, about ${size.events.toLocaleString('en')} webhook events\n`);
    }
    const [sizes] = await db<{ total: string }[]>`select pg_size_pretty(pg_database_size(current_database())) as total`;
    console.log(`database size ${sizes!.total}`);

    started = performance.now();
    portal = await startPortal({
      DATABASE_URL: url.toString(),
      JOBS_IN_PROCESS: '0',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SANDBOX_PORT: flags['sandbox-port']!,
      ...secrets,
    });
    console.log(`portal ready in ${((performance.now() - started) / 1000).toFixed(1)} s (production build, an admin signed in)\n`);
    await signIn();

    const list = await cases(db);
    const header = ['page'.padEnd(40), 'status', 'ttfb p50', 'ttfb p95', 'total p95', 'KB', 'target p95 ≤ 100 ms'].join('  ');
    console.log(header);
    let failed = 0;
    for (const { label, path } of list) {
      await get(path); // one warm-up (compiles nothing in production, but opens the connections)
      const ttfb: number[] = [];
      const total: number[] = [];
      let status = 0;
      let bytes = 0;
      for (let i = 0; i < repeat; i++) {
        const r = await get(path);
        ttfb.push(r.ttfb);
        total.push(r.total);
        status = r.status;
        bytes = r.bytes;
      }
      ttfb.sort((a, b) => a - b);
      total.sort((a, b) => a - b);
      const p95 = percentile(ttfb, 95);
      const ok = status === 200 && p95 <= pageTargetMs;
      if (!ok) failed++;
      console.log(
        [
          label.padEnd(40),
          String(status).padStart(6),
          `${percentile(ttfb, 50).toFixed(1)} ms`.padStart(8),
          `${p95.toFixed(1)} ms`.padStart(8),
          `${percentile(total, 95).toFixed(1)} ms`.padStart(9),
          (bytes / 1024).toFixed(0).padStart(4),
          ok ? 'met' : status !== 200 ? `NOT MET (HTTP ${status})` : 'NOT MET',
        ].join('  '),
      );
    }

    // The CSV export of every account, with the portal's resident memory sampled from /proc as it streams.
    const pid = portal.pid!;
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    const exported = await get('/api/wabas/export', true);
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));
    const rows = exported.body.split('\n').filter(Boolean).length - 1;
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(
      `\nCSV export: HTTP ${exported.status}, ${rows.toLocaleString('en')} rows, ${(exported.bytes / 1024 / 1024).toFixed(1)} MB in ${(exported.total / 1000).toFixed(1)} s; ` +
        `portal RSS ${(before / 1024 / 1024).toFixed(0)} MB → peak ${(peak / 1024 / 1024).toFixed(0)} MB (growth ${growthMb.toFixed(0)} MB, target < ${exportTargetMb} MB: ${growthMb < exportTargetMb ? 'met' : 'NOT MET'})`,
    );
    if (growthMb >= exportTargetMb || exported.status !== 200) failed++;
    console.log(`\n${failed === 0 ? 'every target met' : `${failed} target(s) not met`}`);
  } finally {
    if (portal && portal.exitCode === null) {
      await new Promise<void>((resolve) => {
        portal!.once('exit', () => resolve());
        portal!.kill('SIGTERM');
        setTimeout(() => portal!.kill('SIGKILL'), 10_000).unref();
      });
    }
    await db.end();
    agent.destroy();
    if (flags.keep || reuse) console.log(`database ${name} kept`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:dashboard: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
