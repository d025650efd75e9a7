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
    }
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

main().catch((error: unknown) => {
  console.error(`bench:onboarding: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
