// `npm run bench:webhooks`: Onramp's durable webhook receiver against a bare node:http baseline that
// only verifies the signature and parses the JSON. Same signed payloads, same load generator, same
// concurrency, a real PostgreSQL server (a throwaway database). The two take turns per shape (A B A B);
// prints requests/s, p50/p99, each round's ratio and the worst per shape.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import postgres from 'postgres';

const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const secret = 'sandbox-app-secret';
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const basePort = 3700;

let counter = 0;
function change(): string {
  counter += 1;
  return `{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"109876543210001"},"statuses":[{"id":"wamid.BENCH${process.pid}x${counter}","status":"delivered","timestamp":"1767225660","recipient_id":"16505551234"}]}}`;
}

function envelope(changes: number): string {
  const parts: string[] = [];
  for (let i = 0; i < changes; i++) parts.push(change());
  return `{"object":"whatsapp_business_account","entry":[{"id":"209876543210002","time":1767225600,"changes":[${parts.join(',')}]}]}`;
}

function sign(body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

type Result = { requests: number; ok: number; errors: number; changesAcked: number; rps: number; p50: number; p99: number };

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(port: number, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/webhooks/meta',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': sign(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarise(latencies: number[], ok: number, errors: number, changesAcked: number, elapsedMs: number): Result {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    ok,
    errors,
    changesAcked,
    rps: (latencies.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** Closed loop: `concurrency` clients, each sending the next request as soon as the last is answered. */
async function closedLoop(port: number, concurrency: number, changesPerRequest: number): Promise<Result> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const { status, ms } = await post(port, envelope(changesPerRequest));
        latencies.push(ms);
        if (status === 200) ok++;
        else errors++;
      }
    }),
  );
  return summarise(latencies, ok, errors, ok * changesPerRequest, performance.now() - started);
}

/** Open loop at a fixed rate, so that latency is measured at that load rather than at saturation. */
async function fixedRate(port: number, perSecond: number): Promise<Result> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const total = perSecond * seconds;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      post(port, envelope(1)).then(({ status, ms }) => {
        latencies.push(ms);
        if (status === 200) ok++;
        else errors++;
      }),
    );
  }
  await Promise.all(pending);
  return summarise(latencies, ok, errors, ok, performance.now() - started);
}

function startProcess(label: string, args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 180_000;
    const poll = async () => {
      if (child.exitCode !== null) return reject(new Error(`${label} exited with ${child.exitCode}`));
      const ready = await new Promise<boolean>((r) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/webhooks/meta?hub.mode=x', agent }, (res) => {
          res.resume();
          r(true);
        });
        req.on('error', () => r(false));
        req.end();
      });
      if (ready) resolve(child);
      else if (Date.now() > deadline) reject(new Error(`${label} did not start`));
      else setTimeout(poll, 300);
    };
    void poll();
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function row(name: string, r: Result): string {
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99
    .toFixed(1)
    .padStart(7)} ms  (${r.ok} ok, ${r.errors} errors)`;
}

type Scenario = { name: string; run(port: number): Promise<Result> };

const scenarios: Scenario[] = [
  { name: 'single change, 128 clients', run: (port) => closedLoop(port, 128, 1) },
  { name: '1000-change batches, 4 clients', run: (port) => closedLoop(port, 4, 1000) },
  { name: 'single change at 1,000 POST/s', run: (port) => fixedRate(port, 1000) },
];

async function main() {
  console.log(`bench:webhooks on node ${process.version}, ${seconds} s per scenario`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `onramp_bench_${process.pid}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  try {
    const baseline = await startProcess('baseline', ['scripts/bench-baseline-server.ts'], {}, basePort);
    children.push(baseline);
    // The portal exactly as deployed with a server database; workers run elsewhere (npm run worker),
    // so what is measured is the receiver: each POST's body committed before its 200.
    const onramp = await startProcess(
      'onramp',
      ['scripts/start.ts'],
      { DATABASE_URL: url.toString(), JOBS_IN_PROCESS: '0', SANDBOX_PORT: String(basePort + 100) },
      basePort + 1,
    );
    children.push(onramp);
    const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
    // Changes held in the stored bodies (nothing splits them here: no worker runs).
    const storedChanges = async () => {
      const [row] = await db`
        select coalesce(sum(jsonb_array_length(e -> 'changes')), 0)::int as n
        from webhook_deliveries d, jsonb_array_elements(d.body::jsonb -> 'entry') e`;
      return row!.n as number;
    };

    // Baseline and portal take turns (A B A B) so that a noisy machine does not favour either.
    console.log('\nbaseline = bare node:http, signature check + JSON.parse; onramp = durable receiver (raw body, group commit)');
    let acked = 0;
    const ratios: Array<{ scenario: string; ratio: number }> = [];
    for (const scenario of scenarios) {
      console.log(`\n${scenario.name}`);
      const rounds: number[] = [];
      for (let round = 1; round <= 2; round++) {
        const b = await scenario.run(basePort);
        const o = await scenario.run(basePort + 1);
        acked += o.changesAcked;
        rounds.push(o.rps / b.rps);
        console.log(row(`  baseline, round ${round}`, b));
        console.log(row(`  onramp,   round ${round}`, o));
        console.log(`${'  ratio (onramp / baseline)'.padEnd(34)} ${(o.rps / b.rps).toFixed(2)}×`);
      }
      ratios.push({ scenario: scenario.name, ratio: Math.min(...rounds) });
    }
    const stored = await storedChanges();

    // The same payload 100 times: stored once.
    const duplicate = envelope(1);
    for (let i = 0; i < 100; i++) await post(basePort + 1, duplicate);
    const afterDuplicates = await storedChanges();

    // A 3 MB payload.
    const big = `{"object":"whatsapp_business_account","entry":[{"id":"209876543210002","changes":[{"field":"history","value":{"filler":"${'x'.repeat(3 * 1024 * 1024 - 200)}"}}]}]}`;
    const bigResult = await post(basePort + 1, big);
    await db.end();
    await stop(onramp);
    await stop(baseline);

    console.log('\nworst round per shape (target ≥ 0.5×)');
    for (const { scenario, ratio } of ratios) console.log(`  ${scenario.padEnd(34)} ${ratio.toFixed(2)}×  ${ratio >= 0.5 ? 'meets' : 'BELOW TARGET'}`);
    console.log(`\nstored changes ${stored} = acknowledged changes ${acked}: ${stored === acked ? 'yes' : 'NO'}`);
    console.log(`duplicate replay: 100 identical POSTs added ${afterDuplicates - stored} stored change(s)`);
    console.log(`3 MB payload: HTTP ${bigResult.status} in ${bigResult.ms.toFixed(1)} ms`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    agent.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:webhooks: ${(error as Error).message}`);
  process.exit(1);
});
