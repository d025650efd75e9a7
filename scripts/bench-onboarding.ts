// `npm run bench:onboarding`: completes N onboardings per flow and partner type against the sandbox
// (in-process, a fixed latency per Graph call) on a throwaway PostgreSQL database, with the job
// workers in this process, and prints p50/p95 from the completion request to the final status,
// the longest chain of Graph calls that must run one after another, and p95 / chain.
//
//   npm run bench:onboarding -- --n 50 --concurrency 5 --latency 150 [--flows default,measurement]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '5' },
    latency: { type: 'string', default: '150' },
    flows: { type: 'string' },
  },
});
const perRow = Number(flags.n);
const concurrency = Number(flags.concurrency);
const latencyMs = Number(flags.latency);
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Flow = 'default' | 'coexistence' | 'waba_only' | 'mps' | 'measurement';
type Partner = 'solution_partner' | 'tech_provider' | 'tech_partner' | 'measurement_partner';

const allRows: { flow: Flow; partnerType: Partner }[] = [
  { flow: 'default', partnerType: 'solution_partner' },
  { flow: 'default', partnerType: 'tech_provider' },
  { flow: 'coexistence', partnerType: 'solution_partner' },
  { flow: 'waba_only', partnerType: 'solution_partner' },
  { flow: 'mps', partnerType: 'solution_partner' },
  { flow: 'measurement', partnerType: 'measurement_partner' },
];
const rows = flags.flows ? allRows.filter((row) => flags.flows!.split(',').includes(row.flow)) : allRows;

// Graph calls each step makes one after another on the first attempt (parallel reads count once).
function sequentialCalls(step: string, flow: Flow): number {
  switch (step) {
    case 'subscribe_app':
    case 'assign_system_user':
    case 'share_credit_line':
      return 2; // read Meta's state, then write
    case 'register_phone':
      return flow === 'mps' ? 1 : 2; // under our MPS the messaging partner registers: the read is all
    default:
      return 1; // syncs (one POST), read_status (WABA and numbers in parallel)
  }
}

// The completion request: code exchange, debug_token, then the WABA and number reads in parallel.
const completionCalls = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main() {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `onramp_bench_onboarding_${process.pid}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // lib/env reads the environment once, at import: set it before loading the portal's modules.
  process.env.DATABASE_URL = url.toString();
  process.env.LOG_LEVEL ??= 'warn';
  process.env.VAULT_KEYS ??= `bench:${randomBytes(32).toString('base64')}`;
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  process.env.JOBS_IN_PROCESS = '1';

  const { closeDatabase, migrateDatabase } = await import('@/lib/db/client');
  const { allJobs } = await import('@/lib/job-registry');
  const { startJobs, stopJobs } = await import('@/lib/jobs');
  const { startMetaSandbox } = await import('@/test/meta-sandbox');
  const { planSteps } = await import('@/lib/onboarding/pipeline');
  const { stopOperationWork } = await import('@/lib/operations/dispatch');
  const { completeOnboarding } = await import('@/lib/onboarding/sessions');
  const { finishFor, openTestSession, signupChoices, waitForSession } = await import('@/test/onboarding-fixtures');

  await migrateDatabase();
  // The end of each onboarding is told by the database itself (a trigger of this benchmark's own
  // throwaway database), so that waiting adds no polling load or delay.
  const listener = postgres(url.toString(), { max: 1, onnotice: () => {} });
  await listener.unsafe(`
    create function bench_settled() returns trigger language plpgsql as $$
    begin
      if new.status in ('live', 'connected', 'waiting_on_partner', 'action_needed', 'failed') and new.status is distinct from old.status then
        perform pg_notify('onboarding_settled', new.id::text || ' ' || new.status);
      end if;
      return new;
    end $$;
    create trigger bench_settled after update of status on onboarding_sessions for each row execute function bench_settled();`);
  const waiting = new Map<string, (status: string) => void>();
  await listener.listen('onboarding_settled', (payload) => {
    const [id, status] = payload.split(' ');
    waiting.get(id ?? '')?.(status ?? '');
  });
  await startJobs({ work: true, jobs: allJobs });
  const meta = await startMetaSandbox({ latency: latencyMs });
  console.log(
    `bench:onboarding on node ${process.version}: ${perRow} onboardings per row, concurrency ${concurrency}, ${latencyMs} ms per Graph call, PostgreSQL, workers in-process\n`,
  );
  console.log(['flow × partner type'.padEnd(34), 'n', 'final', 'p50 ms', 'p95 ms', 'chain', 'p95/chain'].join('\t'));
  const breakdowns: string[] = [];
  try {
    for (const row of rows) {
      await meta.configure({
        partnerType:
          row.partnerType === 'solution_partner' ? 'solution_partner' : row.partnerType === 'measurement_partner' ? 'measurement_partner' : 'tech_provider',
      });
      const plan = planSteps(row.flow, row.partnerType);
      const longest = new Map<string, number>();
      for (const step of plan) {
        const before = Math.max(0, ...step.dependsOn.map((d) => longest.get(d) ?? 0));
        longest.set(step.name, before + sequentialCalls(step.name, row.flow));
      }
      const calls = completionCalls + Math.max(...longest.values());
      const chainMs = calls * latencyMs;

      const durations: number[] = [];
      const completions: number[] = [];
      const sessionIds: string[] = [];
      const finals = new Map<string, number>();
      let next = 0;
      const worker = async () => {
        while (next < perRow) {
          next += 1;
          const signup = await meta.signup(signupChoices(meta, row.flow));
          const session = await openTestSession({ flow: row.flow, partnerType: row.partnerType, solutionId: row.flow === 'mps' ? signup.solutionId : null });
          const settled = new Promise<string>((resolve) => waiting.set(session.id, resolve));
          const started = performance.now();
          const result = await completeOnboarding(session, { code: signup.code, finish: finishFor(row.flow, signup) });
          completions.push(performance.now() - started);
          sessionIds.push(session.id);
          if (!result.ok) throw new Error(`completion failed: ${result.message}`);
          const status = await Promise.race([settled, waitForSession(session.id, undefined, 60_000, 1000).then((s) => s.status)]);
          waiting.delete(session.id);
          durations.push(performance.now() - started);
          finals.set(status, (finals.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const sorted = durations.sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      console.log(
        [
          `${row.flow} × ${row.partnerType}`.padEnd(34),
          sorted.length,
          [...finals].map(([status, count]) => `${status} ${count}`).join(', '),
          p50.toFixed(0),
          p95.toFixed(0),
          `${calls} × ${latencyMs} = ${chainMs}`,
          (p95 / chainMs).toFixed(2),
        ].join('\t'),
      );
      breakdowns.push(await breakdown(listener, `${row.flow} × ${row.partnerType}`, sessionIds, plan, completions));
    }
    console.log('\nWhere the time goes (median/p95 ms): the completion request, then per step its run time and the wait after the steps it follows\n');
    console.log(breakdowns.join('\n'));
  } finally {
    await stopOperationWork();
    await stopJobs();
    await listener.end();
    await meta.close();
    await closeDatabase();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Per step of the plan, from the runner's own timestamps: how long it ran, and how long it waited to start. */
async function breakdown(
  sql: postgres.Sql,
  label: string,
  sessionIds: string[],
  plan: readonly { name: string; dependsOn: readonly string[] }[],
  completions: number[],
): Promise<string> {
  const steps = await sql<{ runId: string; name: string; startedAt: Date | null; finishedAt: Date | null }[]>`
    select run_id as "runId", name, started_at as "startedAt", finished_at as "finishedAt"
    from operation_steps where run_id in ${sql(sessionIds)} and status = 'done'`;
  const byRun = new Map<string, Map<string, { startedAt: Date | null; finishedAt: Date | null }>>();
  for (const step of steps) {
    if (!byRun.has(step.runId)) byRun.set(step.runId, new Map());
    byRun.get(step.runId)!.set(step.name, step);
  }
  const parts = plan.map((step) => {
    const ran: number[] = [];
    const waited: number[] = [];
    for (const run of byRun.values()) {
      const own = run.get(step.name);
      if (!own?.startedAt || !own.finishedAt) continue;
      ran.push(own.finishedAt.getTime() - own.startedAt.getTime());
      const after = step.dependsOn.map((d) => run.get(d)?.finishedAt?.getTime()).filter((t): t is number => t !== undefined);
      if (after.length > 0) waited.push(own.startedAt.getTime() - Math.max(...after));
    }
    const p95 = (values: number[]) =>
      percentile(
        [...values].sort((a, b) => a - b),
        95,
      ).toFixed(0);
    return `${step.name} ${ran.length ? `${median(ran).toFixed(0)}/${p95(ran)}` : '-'}${waited.length ? ` (+${median(waited).toFixed(0)}/${p95(waited)})` : ''}`;
  });
  const calls = await sql<{ durationMs: number }[]>`
    select duration_ms as "durationMs" from graph_calls where session_id in ${sql(sessionIds)} or run_id in ${sql(sessionIds)}`;
  const call = `${median(calls.map((c) => c.durationMs)).toFixed(0)}/${percentile(
    calls.map((c) => c.durationMs).sort((a, b) => a - b),
    95,
  ).toFixed(0)}`;
  return `${label.padEnd(34)}\tGraph call ${call}; completion ${median(completions).toFixed(0)}/${percentile(
    [...completions].sort((a, b) => a - b),
    95,
  ).toFixed(0)}; ${parts.join(', ')}`;
}

main().catch((error: unknown) => {
  console.error(`bench:onboarding: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
