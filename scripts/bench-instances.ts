// `npm run bench:instances`: the deployment with several instances, end to end, on a throwaway
// PostgreSQL database: one sandbox, two portal instances with JOBS_IN_PROCESS=0 (scripts/start.ts,
// production build) and two `npm run worker` processes (scripts/worker.ts), all with the same
// database and secrets. N customers onboard through both instances with no sticky sessions (each
// customer's requests alternate between them) while a burst of signed `messages` status changes
// arrives through both; one worker is killed with SIGKILL once steps are under way. Then it waits for
// every onboarding to settle and every change to be applied, and checks with the sandbox's record of
// Graph writes that each Meta side effect happened exactly once per onboarding.
//
//   npm run bench:instances -- --n 40 --webhooks 20000 --latency 150
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { actionIds, HttpCustomer } from '@/scripts/http-customer';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    webhooks: { type: 'string', default: '20000' },
    latency: { type: 'string', default: '150' },
    'write-latency': { type: 'string', default: '800' },
    port: { type: 'string', default: '3401' },
    'sandbox-port': { type: 'string', default: '4401' },
    timeout: { type: 'string', default: '600' },
  },
});
const onboardings = Number(flags.n);
const concurrency = Number(flags.concurrency);
const webhookChanges = Number(flags.webhooks);
const timeoutMs = Number(flags.timeout) * 1000;
const writeLatencyMs = Number(flags['write-latency']);
const ports = [Number(flags.port), Number(flags.port) + 1];
const sandboxPort = Number(flags['sandbox-port']);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const instances = ports.map((port) => `http://127.0.0.1:${port}`);
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
// The sandbox's app secret and partner ids (sandbox/README.md), which the portal uses in sandbox mode.
const appSecret = 'sandbox-app-secret';
const creditLineId = '4000000000000001';
// The burst's own WABA and number: no onboarding touches them, so their counts are the burst's alone.
const burstWabaId = '209876543219001';
const burstPhoneId = '109876543219001';
const finalStatuses = ['live', 'connected', 'waiting_on_partner', 'action_needed', 'failed'];

const logDir = mkdtempSync(path.join(tmpdir(), 'onramp-bench-instances-'));
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const out = openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (logs in ${logDir})`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function healthy(base: string, child: ChildProcess): Promise<void> {
  await until(`${base}/api/health`, 240_000, async () => {
    if (child.exitCode !== null) throw new Error(`the process behind ${base} exited with ${child.exitCode} (logs in ${logDir})`);
    return fetch(`${base}/api/health`).then(
      (r) => (r.ok ? true : undefined),
      () => undefined,
    );
  });
}

async function control<T>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandboxUrl}/_sandbox${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${method} ${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

// --- The webhook burst ---------------------------------------------------------------------------

let wamid = 0;
function statusChanges(count: number) {
  return Array.from({ length: count }, () => {
    wamid += 1;
    return {
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550789001', phone_number_id: burstPhoneId },
        statuses: [{ id: `wamid.INST${process.pid}x${wamid}`, status: 'delivered', timestamp: '1767225660', recipient_id: '16505551234' }],
      },
    };
  });
}

/** `total` changes, 100 a POST, each POST to the next instance in turn, from four clients. */
async function webhookBurst(total: number): Promise<number> {
  let sent = 0;
  let posts = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent < total) {
        const count = Math.min(100, total - sent);
        sent += count;
        posts += 1;
        const body = JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [{ id: burstWabaId, time: 1767225600 + posts, changes: statusChanges(count) }],
        });
        const response = await fetch(`${instances[posts % 2]}/api/webhooks/meta`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
          body,
        }).catch((error: unknown) => {
          throw new Error(`webhook POST ${posts} to ${instances[posts % 2]}: ${(error as Error).message}`, { cause: error });
        });
        await response.body?.cancel();
        if (response.status !== 200) refused += 1;
      }
    }),
  );
  if (refused > 0) throw new Error(`${refused} webhook POSTs were not acknowledged`);
  return performance.now() - started;
}

// --- Onboardings through both instances ------------------------------------------------------------

type Onboarded = { sessionId: string; wabaId: string; phoneNumberId: string; settledMs: number };

let signupActions: Record<string, string> = {};
/** For each customer who sent the completion to both instances: how many of the two were accepted. */
const doubleCompletions: number[] = [];

/**
 * One customer, as the signup and status pages drive it, each request to the other instance: open
 * the session, click (launch), the popup's FINISH message, the completion with the code, then the
 * status JSON until it is settled.
 */
async function onboard(index: number, linkToken: string): Promise<Onboarded> {
  const customer = new HttpCustomer(`10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
  const via = (k: number) => instances[(index + k) % 2]!;
  const page = `/signup/${linkToken}`;
  const opened = await customer.action<{ sessionId: string } | { error: string }>(via(0), page, signupActions.openSessionAction!, [linkToken]);
  if ('error' in opened) throw new Error(`opening a session: ${opened.error}`);
  const launched = await customer.action<{ sessionId: string } | { error: string }>(via(1), page, signupActions.launchAction!, [opened.sessionId, linkToken]);
  if ('error' in launched) throw new Error(`launching: ${launched.error}`);
  const signup = await control<{ code: string; signup: { waba_id: string; business_id: string; phone_number_id: string } }>('POST', '/signups', {});
  const finish = { event: 'FINISH', wabaId: signup.signup.waba_id, phoneNumberId: signup.signup.phone_number_id, businessId: signup.signup.business_id };
  await customer.action(via(2), page, signupActions.finishAction!, [launched.sessionId, finish]);
  const started = performance.now();
  // Every fourth customer's completion goes to both instances at once (a double click, a retry).
  const twice = index % 4 === 3;
  const complete = (k: number) =>
    customer.action<{ ok: boolean; sessionId?: string; message?: string }>(via(k), page, signupActions.completeAction!, [
      launched.sessionId,
      { code: signup.code, finish },
    ]);
  const answers = await Promise.all(twice ? [complete(3), complete(4)] : [complete(3)]);
  const completed = answers.find((answer) => answer.ok);
  if (!completed?.sessionId) throw new Error(`completion refused: ${answers.map((answer) => answer.message).join(' / ')}`);
  if (twice) doubleCompletions.push(answers.filter((answer) => answer.ok).length);
  const sessionId = completed.sessionId;
  // The status page polls every second or so; here each poll goes to the other instance.
  let poll = 0;
  await until(
    `onboarding ${sessionId} to settle`,
    timeoutMs,
    async () => {
      poll += 1;
      const { status, body } = await customer.getJson<{ settled?: boolean }>(via(poll), `/api/onboarding/${sessionId}`);
      if (status !== 200) throw new Error(`status of ${sessionId} answered ${status}`);
      return body.settled ? true : undefined;
    },
    1000,
  );
  return { sessionId, wabaId: signup.signup.waba_id, phoneNumberId: signup.signup.phone_number_id, settledMs: performance.now() - started };
}

async function driveOnboardings(linkToken: string): Promise<Onboarded[]> {
  const done: Onboarded[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < onboardings) {
        const index = next++;
        done.push(
          await onboard(index, linkToken).catch((error: unknown) => {
            throw new Error(`onboarding ${index + 1}: ${(error as Error).message}`, { cause: error });
          }),
        );
      }
    }),
  );
  return done;
}

// --- The killed worker -----------------------------------------------------------------------------

type Leased = { run_id: string; name: string; attempts: number };

/**
 * Once steps of five runs are running at the same moment (or of three, when half the onboardings
 * have started): SIGKILL the worker. A run's steps mostly stay in the worker that took its first
 * one, so the killed worker very likely holds some; which ones is told afterwards by their second
 * attempts.
 */
async function killWorkerMidRun(db: postgres.Sql, worker: ChildProcess): Promise<{ at: number; running: Leased[] }> {
  return until(
    'steps to be running',
    timeoutMs,
    async () => {
      const running = await db<Leased[]>`select run_id, name, attempts from operation_steps where status = 'running'`;
      const [touched] = await db<{ runs: number }[]>`select count(distinct run_id)::int as runs from operation_steps where status <> 'pending'`;
      const runs = new Set(running.map((r) => r.run_id)).size;
      if (runs < Math.min(5, onboardings) && (runs < 3 || touched!.runs < onboardings / 2)) return undefined;
      worker.kill('SIGKILL');
      return { at: Date.now(), running: [...running] };
    },
    50,
  );
}

/** The steps that were running at the kill and were started again: the killed worker's, and when. */
async function pickups(db: postgres.Sql, kill: { at: number; running: Leased[] }): Promise<Array<Leased & { delayMs: number }>> {
  const taken: Array<Leased & { delayMs: number }> = [];
  for (const leased of kill.running) {
    const [again] = await db<{ at: number | null }[]>`
      select (extract(epoch from min(created_at)) * 1000)::float8 as at from operation_events
       where run_id = ${leased.run_id} and type = 'step.started' and data->>'step' = ${leased.name} and (data->>'attempt')::int > ${leased.attempts}`;
    if (again?.at) taken.push({ ...leased, delayMs: again.at - kill.at });
  }
  return taken;
}

// The Graph write each step makes, by the path it ends with.
const writeOfStep: Record<string, string> = {
  subscribe_app: '/subscribed_apps',
  assign_system_user: '/assigned_users',
  register_phone: '/register',
  share_credit_line: `/${creditLineId}/whatsapp_credit_sharing_and_attach`,
};

/**
 * Writes of the killed worker's steps that Meta carried out after the worker died (sent just before
 * the kill, answered into a closed connection): the step's second attempt must find them done.
 */
function lostAnswers(writes: Write[], taken: Leased[], done: Onboarded[], killedAt: number): number {
  const byRun = new Map(done.map((o) => [o.sessionId, o]));
  return taken.filter((step) => {
    const onboarded = byRun.get(step.run_id);
    const suffix = writeOfStep[step.name];
    if (!onboarded || !suffix) return false;
    return writes.some(
      (w) =>
        w.status === 200 &&
        w.at >= killedAt &&
        w.at <= killedAt + writeLatencyMs + 2000 &&
        w.path.endsWith(suffix) &&
        (suffix.startsWith(`/${creditLineId}`) || w.path.includes(onboarded.wabaId) || w.path.includes(onboarded.phoneNumberId)),
    );
  }).length;
}

// --- Waiting and checking --------------------------------------------------------------------------

async function allSettled(db: postgres.Sql) {
  return until('every onboarding to settle and every change to be applied', timeoutMs, async () => {
    const [s] = await db<{ open: number; total: number }[]>`
      select count(*) filter (where status not in ${db(finalStatuses)})::int as open, count(*)::int as total
        from onboarding_sessions where completed_at is not null`;
    const [w] = await db<{ applied: number }[]>`
      select count(*) filter (where status in ('processed', 'ignored', 'unhandled', 'failed'))::int as applied from webhook_events where entry_id = ${burstWabaId}`;
    return s!.total >= onboardings && s!.open === 0 && w!.applied >= webhookChanges ? true : undefined;
  });
}

type Write = { method: string; path: string; status: number; at: number };
type SandboxState = { wabas: { id: string; primaryFundingId?: string }[] };

function check(label: string, ok: boolean, detail: string): boolean {
  console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label.padEnd(60)} ${detail}`);
  return ok;
}

/** Each side effect once per onboarding, counted from the sandbox's record of Graph writes. */
async function checkSideEffects(done: Onboarded[], writes: Write[]): Promise<boolean> {
  const state = await control<SandboxState>('GET', '/state');
  const succeeded = (p: string) => writes.filter((w) => w.path === p && w.status === 200).length;
  const tally = (counts: number[]) => {
    const byCount = new Map<number, number>();
    for (const c of counts) byCount.set(c, (byCount.get(c) ?? 0) + 1);
    return [...byCount]
      .sort(([a], [b]) => a - b)
      .map(([count, n]) => `${n}× ${count}`)
      .join(', ');
  };
  const refused = (suffix: string) => writes.filter((w) => w.path.endsWith(suffix) && w.status !== 200).length;
  const perOnboarding = (label: string, suffix: string, id: (o: Onboarded) => string) => {
    const counts = done.map((o) => succeeded(`/${id(o)}/${suffix}`));
    return check(
      label,
      counts.every((c) => c === 1),
      `${tally(counts)} (refused attempts: ${refused(`/${suffix}`)})`,
    );
  };
  // A credit line call names the WABA in its parameters: count the shares, and every WABA funded.
  const shares = writes.filter(
    (w) => (w.path === `/${creditLineId}/whatsapp_credit_sharing_and_attach` || w.path === `/${creditLineId}/whatsapp_credit_sharing`) && w.status === 200,
  ).length;
  const funded = new Set(state.wabas.filter((w) => w.primaryFundingId).map((w) => w.id));
  const unfunded = done.filter((o) => !funded.has(o.wabaId)).length;
  return [
    perOnboarding('one subscribe per onboarding', 'subscribed_apps', (o) => o.wabaId),
    perOnboarding('one system-user assignment per onboarding', 'assigned_users', (o) => o.wabaId),
    check('one credit-line share per onboarding', shares === done.length && unfunded === 0, `${shares} shares for ${done.length} WABAs, ${unfunded} unfunded`),
    perOnboarding('one register per number', 'register', (o) => o.phoneNumberId),
  ].every(Boolean);
}

async function checkWebhooks(db: postgres.Sql): Promise<{ ok: boolean; perSecond: number }> {
  const [w] = await db<{ total: number; processed: number; failed: number; first: number; last: number }[]>`
    select count(*)::int as total, count(*) filter (where status = 'processed')::int as processed, count(*) filter (where status = 'failed')::int as failed,
           (extract(epoch from min(received_at)) * 1000)::float8 as first, (extract(epoch from max(processed_at)) * 1000)::float8 as last
      from webhook_events where entry_id = ${burstWabaId}`;
  const [c] = await db<
    { delivered: number }[]
  >`select coalesce(sum(delivered), 0)::int as delivered from message_daily_counts where phone_number_id = ${burstPhoneId}`;
  const ok = check(
    'every webhook change stored and applied exactly once',
    w!.total === webhookChanges && w!.processed === webhookChanges && c!.delivered === webhookChanges,
    `${w!.total} stored, ${w!.processed} processed, ${w!.failed} failed, ${c!.delivered} delivered statuses counted, of ${webhookChanges}`,
  );
  return { ok, perSecond: (webhookChanges / (w!.last - w!.first)) * 1000 };
}

async function checkFinal(db: postgres.Sql, done: Onboarded[]): Promise<{ ok: boolean; lastFinishedAt: number }> {
  const rows = await db<
    { status: string; n: number }[]
  >`select status, count(*)::int as n from onboarding_sessions where completed_at is not null group by status order by status`;
  const [r] = await db<{ last: number }[]>`select (extract(epoch from max(finished_at)) * 1000)::float8 as last from operation_runs`;
  const statuses = rows.map((row) => `${row.status} ${row.n}`).join(', ');
  const live = rows.find((row) => row.status === 'live')?.n ?? 0;
  const final = check('every onboarding reached its final state (live)', done.length === onboardings && live === onboardings, statuses);
  const once = doubleCompletions.filter((accepted) => accepted === 1).length;
  const double = check(
    'a completion sent to both instances at once is taken once',
    once === doubleCompletions.length,
    `${once} of ${doubleCompletions.length} customers who sent it twice: one accepted, one refused`,
  );
  return { ok: final && double, lastFinishedAt: r!.last };
}

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(66)} ${value}`);
}

async function main() {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `onramp_bench_instances_${process.pid}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = postgres(url.toString(), { max: 3, onnotice: () => {} });
  // The same database and secrets for every process, as on several machines.
  const shared = {
    DATABASE_URL: url.toString(),
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    VAULT_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    SANDBOX_PORT: String(sandboxPort),
    PARTNER_TYPE: 'solution_partner',
    LOG_LEVEL: 'warn',
  };
  let ok = false;
  try {
    // Both portals serve one production build (server action ids come from it): build it once, first.
    if (!existsSync('.next/BUILD_ID')) {
      console.log('No build found: running next build first');
      const built = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('next/dist/bin/next'), 'build'], { stdio: 'inherit' });
      if (built.status !== 0) throw new Error('next build failed');
    }
    signupActions = actionIds('app/(public)/signup/actions.ts');
    const sandbox = start('sandbox', ['sandbox/main.ts'], {
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_LATENCY: String(flags.latency),
      SANDBOX_WEBHOOK_URL: `${instances[0]}/api/webhooks/meta`,
    });
    await until('the sandbox', 60_000, async () => {
      if (sandbox.exitCode !== null) throw new Error(`the sandbox exited with ${sandbox.exitCode} (logs in ${logDir})`);
      return fetch(`${sandboxUrl}/_sandbox/state`).then(
        (r) => (r.ok ? true : undefined),
        () => undefined,
      );
    });
    // The first instance migrates the database; the rest start on it (TRUST_PROXY: as behind a load balancer).
    const portal = (i: number) =>
      start(`portal-${i + 1}`, ['scripts/start.ts'], { ...shared, PORT: String(ports[i]), PUBLIC_URL: instances[i]!, JOBS_IN_PROCESS: '0', TRUST_PROXY: '1' });
    const first = portal(0);
    await healthy(instances[0]!, first);
    const second = portal(1);
    const workers = [start('worker-1', ['scripts/worker.ts'], shared), start('worker-2', ['scripts/worker.ts'], shared)];
    await healthy(instances[1]!, second);
    await control('DELETE', '/graph-writes');
    // Slow writes, so that the kill lands while the worker waits on Meta's answer to one.
    if (writeLatencyMs > 0) await control('POST', '/faults', { method: 'POST', path: '/**', kind: 'latency', latencyMs: writeLatencyMs });

    process.env.DATABASE_URL = url.toString();
    process.env.LOG_LEVEL = 'warn';
    const { createSignupLink } = await import('@/lib/onboarding/links');
    const { closeDatabase } = await import('@/lib/db/client');
    const link = await createSignupLink({ label: 'bench:instances', flow: 'default', singleUse: false, prefill: {} }, null);
    await closeDatabase();

    console.log(
      `bench:instances on node ${process.version}: ${onboardings} onboardings (default flow, Solution Partner, concurrency ${concurrency}) and ${webhookChanges} webhook changes through 2 portal instances (JOBS_IN_PROCESS=0) and 2 workers, PostgreSQL, sandbox latency ${flags.latency} ms per Graph call, +${writeLatencyMs} ms per write\n`,
    );
    const started = Date.now();
    const [done, burstMs, kill] = await Promise.all([driveOnboardings(link.token), webhookBurst(webhookChanges), killWorkerMidRun(db, workers[0]!)]);
    await allSettled(db);
    const allFinalMs = Date.now() - started;

    console.log('checks');
    const final = await checkFinal(db, done);
    const { data: writes } = await control<{ data: Write[] }>('GET', '/graph-writes');
    const sideEffects = await checkSideEffects(done, writes);
    const webhooks = await checkWebhooks(db);
    const taken = await pickups(db, kill);
    const delays = taken.map((t) => t.delayMs);
    const runsMs = final.lastFinishedAt - started;

    console.log('\nfigures');
    line('onboardings per minute (first request → last run finished)', `${((onboardings / runsMs) * 60_000).toFixed(1)} (${(runsMs / 1000).toFixed(1)} s)`);
    const held = [...new Set(taken.map((t) => t.run_id))];
    const [rest] = await db<{ n: number; last: number | null }[]>`
      select count(*)::int as n, (extract(epoch from max(finished_at)) * 1000)::float8 as last from operation_runs where id::text <> all(${held}::text[])`;
    if (rest?.last)
      line(
        '  … runs with no step running on the killed worker',
        `${((rest.n / (rest.last - started)) * 60_000).toFixed(1)} (${rest.n} runs in ${((rest.last - started) / 1000).toFixed(1)} s)`,
      );
    line('time to all final (onboardings settled, changes applied)', `${(allFinalMs / 1000).toFixed(1)} s`);
    const settled = done.map((o) => o.settledMs).sort((a, b) => a - b);
    line(
      'completion → status page settled',
      `p50 ${(settled[Math.floor(settled.length / 2)]! / 1000).toFixed(1)} s, max ${(settled.at(-1)! / 1000).toFixed(1)} s`,
    );
    line('webhook ingest (both instances)', `${((webhookChanges / burstMs) * 1000).toFixed(0)} changes/s`);
    line('webhook changes processed (first receipt → last applied)', `${webhooks.perSecond.toFixed(0)} changes/s`);
    line(
      'killed worker: steps it held, picked up after',
      delays.length === 0
        ? `none of the ${kill.running.length} running steps was its (they all finished on the other worker)`
        : `${delays.length} of ${kill.running.length} running steps, after ${(Math.min(...delays) / 1000).toFixed(1)}–${(Math.max(...delays) / 1000).toFixed(1)} s (lease 30 s, sweep each minute)`,
    );
    line(
      'killed worker: its writes Meta made after it died (answer lost)',
      `${lostAnswers(writes, taken, done, kill.at)} (each found done by the second attempt, per the checks above)`,
    );
    ok = final.ok && sideEffects && webhooks.ok;
    console.log(`\n${ok ? 'PASS' : 'FAIL'}`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) => (child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)))),
    );
    await db.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  if (!ok) {
    console.log(`logs: ${logDir}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:instances: ${(error as Error).stack ?? String(error)}`);
  for (let cause = (error as Error).cause; cause; cause = (cause as Error).cause) console.error(`caused by: ${(cause as Error).stack ?? String(cause)}`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(1);
});
