// `npm run bench:processing`: how fast stored webhook changes are applied, on a throwaway PostgreSQL
// database per scenario, against the portal exactly as it runs (scripts/start.ts; and
// scripts/worker.ts for the two-worker scenario). Prints ingest and processing rates, their ratio,
// receipt-to-processed lag, and checks that every change was applied exactly once.
//
//   npm run bench:processing -- --changes 50000 --mixed 20000 --rate 1000 --seconds 60 [--scenarios single,workers,mixed,sustained]
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values: flags } = parseArgs({
  options: {
    changes: { type: 'string', default: '50000' },
    mixed: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    scenarios: { type: 'string', default: 'single,workers,mixed,sustained' },
    timeout: { type: 'string', default: '600' },
  },
});
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const secret = 'sandbox-app-secret';
const port = 3710;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const wabaId = '209876543210002';
const phoneNumberId = '109876543210001';
let sequence = 0;

type Change = { field: string; value: Record<string, unknown> };

function statusChange(): Change {
  sequence += 1;
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
      statuses: [{ id: `wamid.PROC${process.pid}x${sequence}`, status: 'delivered', timestamp: '1767225660', recipient_id: '16505551234' }],
    },
  };
}

/** The four fields of the mixed scenario, in turn; each change is a new event. */
function mixedChange(i: number): Change {
  sequence += 1;
  switch (i % 4) {
    case 0:
      return { field: 'account_update', value: { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: `TYPE_${sequence}` } } };
    case 1:
      return {
        field: 'phone_number_quality_update',
        value: { display_phone_number: '15550783881', event: i % 8 === 1 ? 'FLAGGED' : 'UNFLAGGED', current_limit: 'TIER_10K' },
      };
    case 2:
      return {
        field: 'message_template_status_update',
        value: { event: 'APPROVED', message_template_id: sequence, message_template_name: `t_${sequence}`, message_template_language: 'en_US', reason: 'NONE' },
      };
    default:
      return statusChange();
  }
}

let entryTime = 1767225600;
/**
 * One POST. Status changes share one entry, as Meta batches them; every other change is its own
 * entry with its own time, since two identical changes of one entry are one occurrence to the receiver.
 */
function envelope(changes: Change[]): string {
  entryTime += 1;
  const statuses = changes.filter((c) => c.field === 'messages');
  const entries = changes.filter((c) => c.field !== 'messages').map((c, k) => ({ id: wabaId, time: entryTime + 1 + k, changes: [c] }));
  entryTime += entries.length;
  if (statuses.length > 0) entries.push({ id: wabaId, time: entryTime, changes: statuses });
  return JSON.stringify({ object: 'whatsapp_business_account', entry: entries });
}

function post(body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/webhooks/meta',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function start(script: string, env: Record<string, string>, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

/** Resolves once a worker process has its job workers running (its "Worker started" log line). */
function workerStarted(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a worker did not start within 120 s')), 120_000);
    let seen = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes('Worker started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    worker.once('exit', (code) => reject(new Error(`a worker exited with ${code}`)));
  });
}

async function waitForHealth(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the portal did not become healthy');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

type Deployment = { workers: number };

/** A fresh database and the portal on it (in-process workers, or separate worker processes). */
async function deploy(admin: postgres.Sql, name: string, deployment: Deployment) {
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString(), PORT: String(port), SANDBOX_PORT: String(port + 100) };
  const children: ChildProcess[] = [];
  const portal = start('scripts/start.ts', { ...env, JOBS_IN_PROCESS: deployment.workers === 0 ? '1' : '0' });
  children.push(portal);
  await waitForHealth(portal);
  const workers = Array.from({ length: deployment.workers }, () => start('scripts/worker.ts', { ...env, LOG_LEVEL: 'info' }, 'pipe'));
  children.push(...workers);
  await Promise.all(workers.map(workerStarted));
  const db = postgres(url.toString(), { max: 2, onnotice: () => {} });
  return {
    db,
    async close() {
      await db.end();
      for (const child of children.reverse()) await stop(child);
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    },
  };
}

type Tally = { total: number; processed: number; failed: number; firstReceived: number; lastProcessed: number };

async function tally(db: postgres.Sql): Promise<Tally> {
  const [row] = await db`
    select count(*)::int as total,
           count(*) filter (where status in ('processed', 'ignored', 'unhandled'))::int as processed,
           count(*) filter (where status = 'failed')::int as failed,
           coalesce(extract(epoch from min(received_at)) * 1000, 0)::float8 as first_received,
           coalesce(extract(epoch from max(processed_at)) * 1000, 0)::float8 as last_processed
      from webhook_events`;
  return { total: row!.total, processed: row!.processed, failed: row!.failed, firstReceived: row!.first_received, lastProcessed: row!.last_processed };
}

async function waitProcessed(db: postgres.Sql, expected: number, timeoutMs: number): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await tally(db);
    if (t.processed + t.failed >= expected) return t;
    if (Date.now() > deadline) {
      const left = await db`select status, field, count(*)::int as n, min(last_error) as error from webhook_events
                            where status not in ('processed', 'ignored', 'unhandled') group by status, field`;
      throw new Error(`only ${t.processed} of ${expected} changes processed after ${timeoutMs / 1000} s; left: ${JSON.stringify(left)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function lag(db: postgres.Sql): Promise<{ p50: number; p99: number; max: number }> {
  const rows = await db`select (extract(epoch from processed_at - received_at) * 1000)::float8 as ms from webhook_events where processed_at is not null`;
  const sorted = rows.map((r) => r.ms as number).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** Posts `total` changes as fast as `clients` clients can, `perPost` changes a POST. */
async function burst(total: number, perPost: number, make: (i: number) => Change, clients = 8): Promise<number> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const from = next;
        next += perPost;
        const changes = Array.from({ length: Math.min(perPost, total - from) }, (_, k) => make(from + k));
        if ((await post(envelope(changes))) !== 200) failed += 1;
      }
    }),
  );
  if (failed > 0) throw new Error(`${failed} POSTs were not acknowledged`);
  return performance.now() - started;
}

function line(label: string, value: string): string {
  return `  ${label.padEnd(38)} ${value}`;
}

async function throughput(admin: postgres.Sql, label: string, deployment: Deployment, total: number, make: (i: number) => Change, checkCounts: boolean) {
  const run = await deploy(admin, `onramp_bench_proc_${process.pid}_${label.replace(/\W+/g, '_')}`, deployment);
  try {
    const ingestMs = await burst(total, 100, make);
    const t = await waitProcessed(run.db, total, Number(flags.timeout) * 1000);
    const processingMs = t.lastProcessed - t.firstReceived;
    const [counted] = await run.db`select coalesce(sum(delivered), 0)::int as n from message_daily_counts`;
    const statuses = checkCounts ? total : Math.ceil(total / 4);
    const exact = t.total === total && t.processed === total && t.failed === 0 && counted!.n === statuses;
    const l = await lag(run.db);
    console.log(`\n${label}`);
    console.log(line('changes', String(total)));
    console.log(line('ingest', `${((total / ingestMs) * 1000).toFixed(0)} changes/s (${(ingestMs / 1000).toFixed(1)} s)`));
    console.log(
      line('processing (first receipt → last applied)', `${((total / processingMs) * 1000).toFixed(0)} changes/s (${(processingMs / 1000).toFixed(1)} s)`),
    );
    console.log(line('processing / ingest', (ingestMs / processingMs).toFixed(2)));
    console.log(line('lag receipt → applied', `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms`));
    console.log(
      line(
        'every change applied exactly once',
        exact ? `yes (${t.total} events, ${counted!.n} delivered statuses counted)` : `NO: ${JSON.stringify({ ...t, counted: counted!.n })}`,
      ),
    );
    return (total / processingMs) * 1000;
  } finally {
    await run.close();
  }
}

async function sustained(admin: postgres.Sql, perSecond: number, seconds: number) {
  const run = await deploy(admin, `onramp_bench_proc_${process.pid}_sustained`, { workers: 0 });
  try {
    // Ten POSTs a second, each with a tenth of the second's changes.
    const posts = seconds * 10;
    const perPost = Math.max(1, Math.round(perSecond / 10));
    const started = performance.now();
    const pending: Promise<number>[] = [];
    for (let i = 0; i < posts; i++) {
      const wait = started + i * 100 - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(post(envelope(Array.from({ length: perPost }, statusChange))));
    }
    const statuses = await Promise.all(pending);
    const total = posts * perPost;
    const t = await waitProcessed(run.db, total, Number(flags.timeout) * 1000);
    const l = await lag(run.db);
    console.log(`\nsustained ${perSecond} changes/s for ${seconds} s (messages statuses, in-process workers)`);
    console.log(line('POSTs acknowledged', `${statuses.filter((s) => s === 200).length} of ${posts}`));
    console.log(line('lag receipt → applied', `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms (target p99 ≤ 2000 ms)`));
    console.log(line('every change applied exactly once', t.total === total && t.processed === total ? 'yes' : `NO: ${JSON.stringify(t)}`));
  } finally {
    await run.close();
  }
}

async function main() {
  console.log(`bench:processing on node ${process.version}, PostgreSQL, 100 changes per POST`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const changes = Number(flags.changes);
    // --scenarios single,workers,mixed,sustained runs a subset.
    const chosen = new Set(flags.scenarios.split(','));
    if (chosen.has('single')) await throughput(admin, 'messages statuses, in-process workers', { workers: 0 }, changes, statusChange, true);
    if (chosen.has('workers')) await throughput(admin, 'messages statuses, two worker processes (npm run worker)', { workers: 2 }, changes, statusChange, true);
    if (chosen.has('mixed')) {
      const label = 'mixed fields (account_update, quality, template status, messages), in-process';
      await throughput(admin, label, { workers: 0 }, Number(flags.mixed), mixedChange, false);
    }
    if (chosen.has('sustained')) await sustained(admin, Number(flags.rate), Number(flags.seconds));
    console.log('\ntargets: messages ≥ 5,000 changes/s in-process and more with two workers; mixed ≥ 1,000 changes/s; sustained lag p99 ≤ 2 s');
  } finally {
    await admin.end();
    agent.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:processing: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
