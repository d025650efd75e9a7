// The data of `npm run bench:dashboard`, written set-based (INSERT … SELECT generate_series) into a
// throwaway database: a large Solution Partner's customers, their onboardings with their runs and
// steps, Graph calls, staff actions and `events` webhook events with small payloads of the
// commonest fields. webhook_events' indexes are dropped while it is filled and built afterwards
// (one sort per index instead of ten million random inserts), exactly as the migrations define them.
import type { Sql } from 'postgres';

export type SeedSize = { wabas: number; events: number };

type Step = { label: string; ms: number };

async function timed(steps: Step[], label: string, work: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  steps.push({ label, ms });
  console.log(`  ${label.padEnd(48)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
}

/** Chunks of `[from, to]` (1-based, inclusive) of at most `size`. */
function chunks(total: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 1; from <= total; from += size) out.push([from, Math.min(total, from + size - 1)]);
  return out;
}

// Meta ids of the seeded rows: the n-th WABA is 1_000_000_000_000 + n, its business 2…, its numbers 3….
export const wabaMetaId = (n: number) => String(1_000_000_000_000 + n);
export const businessName = (n: number) => `${words[n % words.length]} ${trades[Math.floor(n / words.length) % trades.length]} ${n}`;
export const customerReference = (n: number) => `CRM-${String(n).padStart(7, '0')}`;
/** The display number of the n-th WABA's first number. */
export const displayNumber = (n: number) => `+1 555-${String(n).padStart(7, '0').slice(0, 3)}-${String(n).padStart(7, '0').slice(3)}`;

const words = ['Acme', 'Harbour', 'Northwind', 'Lumen', 'Cedar', 'Orbit', 'Maple', 'Quartz', 'Summit', 'Tidal', 'Juniper', 'Atlas'];
const trades = ['Bakery', 'Clinic', 'Motors', 'Travel', 'Fashion', 'Bank', 'Foods', 'Logistics', 'Telecom', 'Studio'];
const sqlArray = (items: string[]) => `array[${items.map((w) => `'${w}'`).join(',')}]`;

export async function seed(db: Sql, size: SeedSize, staffId: string): Promise<Step[]> {
  const steps: Step[] = [];
  const n = size.wabas;
  await db.unsafe(`set synchronous_commit = off; set maintenance_work_mem = '512MB'; set work_mem = '64MB'`);
  const [vault] = await db.unsafe<{ secret: string }[]>(
    `insert into vault_secrets (kind, key_id, ciphertext) values ('business_token', 'bench', 'not a real secret') returning id as secret`,
  );

  // One WABA per business; the n-th was added n × 5 minutes ago, so that pages are newest first.
  await timed(steps, `${n.toLocaleString('en')} businesses`, () =>
    db.unsafe(`insert into businesses (meta_business_id, name, verification_status, email, customer_reference, created_at, updated_at)
      select (2000000000000 + i)::text,
             (${sqlArray(words)})[1 + i % ${words.length}] || ' ' || (${sqlArray(trades)})[1 + (i / ${words.length}) % ${trades.length}] || ' ' || i,
             case when i % 7 = 0 then 'pending' else 'verified' end,
             'owner' || i || '@example.com', 'CRM-' || lpad(i::text, 7, '0'),
             now() - i * interval '5 minutes', now() - i * interval '5 minutes'
        from generate_series(1, ${n}) i`),
  );
  await timed(steps, `${n.toLocaleString('en')} WABAs`, () =>
    db.unsafe(`insert into wabas (meta_waba_id, business_id, name, currency, timezone_id, account_review_status, business_verification_status,
        ownership_type, messaging_limit, health_status, primary_funding_id, allocation_config_id, status, country, created_at, updated_at, subscribed_at, synced_at)
      select (1000000000000 + i)::text, b.id, b.name || ' WhatsApp', 'USD', '1',
             case when i % 50 = 0 then 'PENDING' when i % 97 = 0 then 'REJECTED' else 'APPROVED' end,
             b.verification_status, 'CLIENT_OWNED',
             (array['TIER_250','TIER_2K','TIER_10K','TIER_100K','TIER_UNLIMITED'])[1 + i % 5],
             jsonb_build_object('can_send_message', case when i % 40 = 0 then 'BLOCKED' when i % 13 = 0 then 'LIMITED' else 'AVAILABLE' end),
             'fund' || i, case when i % 3 = 0 then null else 'alloc' || i end,
             case when i % 200 = 0 then 'disconnected' else 'connected' end, 'US',
             b.created_at, b.created_at, b.created_at, now() - interval '1 hour'
        from generate_series(1, ${n}) i join businesses b on b.meta_business_id = (2000000000000 + i)::text`),
  );
  // 1–3 numbers each: the WABA's first number is +1 555-nnn-nnnn (n its position), the others 556, 557.
  await timed(steps, 'phone numbers (1–3 per WABA)', () =>
    db.unsafe(`insert into phone_numbers (meta_phone_number_id, waba_id, display_phone_number, verified_name, code_verification_status, quality_rating,
        status, name_status, platform_type, throughput_level, registered_at, created_at, updated_at)
      select (3000000000000 + i * 10 + k)::text, w.id,
             '+1 ' || (554 + k) || '-' || substr(lpad(i::text, 7, '0'), 1, 3) || '-' || substr(lpad(i::text, 7, '0'), 4),
             w.name, 'VERIFIED', (array['GREEN','GREEN','GREEN','YELLOW','RED'])[1 + (i + k) % 5], 'CONNECTED',
             (array['APPROVED','APPROVED','APPROVED','PENDING_REVIEW','DECLINED'])[1 + (i * k) % 5], 'CLOUD_API', 'STANDARD',
             w.created_at, w.created_at + k * interval '1 second', w.created_at
        from generate_series(1, ${n}) i
        join wabas w on w.meta_waba_id = (1000000000000 + i)::text
        cross join lateral generate_series(1, 1 + i % 3) k`),
  );
  await timed(steps, 'business tokens', () =>
    db.unsafe(`insert into business_tokens (waba_id, business_id, secret_id, scopes, granted_waba_ids, expires_at, status, created_at, updated_at)
      select w.id, w.business_id, '${vault!.secret}', array['whatsapp_business_management','whatsapp_business_messaging'], array[w.meta_waba_id],
             case when w.created_at::date::text like '%5' then now() + interval '7 days' else null end,
             case when substr(w.meta_waba_id, 13) = '7' then 'needs_reauth' else 'valid' end, w.created_at, w.created_at
        from wabas w`),
  );

  // One onboarding per WABA, ten minutes before it was added; every tenth session was opened and
  // never launched (no WABA). Launched ones have an operation run (sharing the session's id).
  await timed(steps, `${n.toLocaleString('en')} onboarding sessions`, () =>
    db.unsafe(`insert into onboarding_sessions (id, browser_key_hash, flow, partner_type, status, status_message, expires_at, launched_at, completed_at,
        finish_event, business_id, waba_id, phone_number_id, created_at, updated_at, cancel_step)
      select gen_random_uuid(), md5(i::text), (array['default','default','default','coexistence','waba_only'])[1 + i % 5]::text, 'solution_partner',
             s.status, case when s.status = 'failed' then 'Registering the number failed: Meta answered 131000.' end,
             now() - i * interval '5 minutes' + interval '1 day',
             case when s.status in ('expired', 'started') then null else now() - i * interval '5 minutes' - interval '10 minutes' end,
             case when s.status in ('expired', 'started', 'cancelled') then null else now() - i * interval '5 minutes' end,
             case when s.status in ('expired', 'started', 'cancelled') then null else 'FINISH' end,
             case when s.status in ('expired', 'started', 'cancelled') then null else w.business_id end,
             case when s.status in ('expired', 'started', 'cancelled') then null else w.id end,
             case when s.status in ('expired', 'started', 'cancelled') then null else (select p.id from phone_numbers p where p.waba_id = w.id order by p.created_at limit 1) end,
             now() - i * interval '5 minutes' - interval '10 minutes', now() - i * interval '5 minutes',
             case when s.status = 'cancelled' then 'PHONE_NUMBER_SETUP' end
        from generate_series(1, ${n}) i
        join wabas w on w.meta_waba_id = (1000000000000 + i)::text
        cross join lateral (select case
             when i % 10 = 0 then case when i % 20 = 0 then 'expired' else 'started' end
             when i % 100 = 1 then 'failed' when i % 100 = 3 then 'action_needed' when i % 100 = 5 then 'waiting_on_partner'
             when i % 100 in (7, 9) then 'connected' when i % 100 = 11 then 'cancelled' when i % 1000 = 13 then 'running'
             else 'live' end as status) s`),
  );
  await timed(steps, 'operation runs', () =>
    db.unsafe(`insert into operation_runs (id, operation, subject_type, subject_id, input, status, status_message, created_at, updated_at, finished_at)
      select o.id, 'onboarding', 'onboarding_session', o.id::text, jsonb_build_object('flow', o.flow, 'partnerType', o.partner_type),
             case when o.status = 'failed' then 'failed' when o.status = 'running' then 'running' else 'done' end,
             o.status_message, o.launched_at, o.updated_at, case when o.status <> 'running' then o.updated_at end
        from onboarding_sessions o where o.launched_at is not null`),
  );
  await timed(steps, 'operation steps (6 a run)', () =>
    db.unsafe(`insert into operation_steps (run_id, name, status, attempts, started_at, finished_at, last_error_code, last_error_message, result, updated_at)
      select r.id, s.name,
             case when r.status = 'failed' and s.name = 'register_phone' then 'failed' when r.status = 'running' and s.ord >= 5 then 'pending' else 'done' end,
             case when r.status = 'failed' and s.name = 'register_phone' then 3 else 1 end,
             r.created_at + s.ord * interval '1 second', r.created_at + s.ord * interval '2 seconds',
             case when r.status = 'failed' and s.name = 'register_phone' then '131000' end,
             case when r.status = 'failed' and s.name = 'register_phone' then 'Something went wrong' end,
             jsonb_build_object('ok', true), r.updated_at
        from operation_runs r
        cross join (values (1, 'read_status'), (2, 'subscribe_app'), (3, 'assign_system_user'), (4, 'share_credit_line'), (5, 'register_phone'), (6, 'sync_templates')) s(ord, name)`),
  );
  await timed(steps, 'operation and onboarding events (3 a run)', () =>
    db.unsafe(`insert into operation_events (run_id, type, data, created_at)
        select r.id, e.type, jsonb_build_object('step', e.step), r.created_at + e.ord * interval '1 second'
          from operation_runs r cross join (values (1, 'started', null), (2, 'step_done', 'read_status'), (3, 'finished', null)) e(ord, type, step);
      insert into onboarding_events (session_id, type, data, created_at)
        select o.id, e.type, jsonb_build_object('source', 'bench'), o.created_at + e.ord * interval '1 second'
          from onboarding_sessions o cross join (values (1, 'opened'), (2, 'launched'), (3, 'finish_message')) e(ord, type)`),
  );
  await timed(steps, 'Graph calls (6 a run)', () =>
    db.unsafe(`insert into graph_calls (method, path, status, duration_ms, session_id, run_id, step, created_at)
      select case when s.ord in (1, 2) then 'GET' else 'POST' end, '/v23.0/' || w.meta_waba_id || '/' || s.name, 200, 80 + s.ord * 7,
             r.id, r.id, s.name, r.created_at + s.ord * interval '1 second'
        from operation_runs r join onboarding_sessions o on o.id = r.id join wabas w on w.id = o.waba_id
        cross join (values (1, 'read_status'), (2, 'subscribe_app'), (3, 'assign_system_user'), (4, 'share_credit_line'), (5, 'register_phone'), (6, 'sync_templates')) s(ord, name)`),
  );
  await timed(steps, 'audit rows (3 a WABA)', () =>
    db.unsafe(`insert into audit_log (actor_id, action, target, details, created_at)
      select '${staffId}', (array['accounts.export','customer.reference','number.sync'])[1 + k], w.meta_waba_id,
             jsonb_build_object('from', null, 'to', 'CRM-' || k), w.created_at + k * interval '1 minute'
        from wabas w cross join generate_series(0, 2) k`),
  );
  await timed(steps, 'attention items', () =>
    db.unsafe(`insert into attention_items (waba_id, kind, message, created_at, resolved_at)
      select w.meta_waba_id, 'restriction', 'Meta restricted this account', w.created_at, case when w.status = 'connected' then w.created_at + interval '1 day' end
        from wabas w where w.status <> 'connected' or substr(w.meta_waba_id, 12) = '77'`),
  );

  // Webhook events: 120 days of traffic spread over every WABA, newest first by number.
  const [indexes] = await db.unsafe<{ defs: string[] }[]>(
    `select coalesce(array_agg(indexdef), '{}') as defs from pg_indexes
      where tablename = 'webhook_events' and indexname not in (select conname from pg_constraint where conrelid = 'webhook_events'::regclass)`,
  );
  const constraints = await db.unsafe<{ name: string; def: string }[]>(
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'webhook_events'::regclass and contype in ('p', 'u')`,
  );
  const defs = indexes!.defs;
  // Foreign keys that point at webhook_events (forward deliveries) hang on its primary key: set aside too.
  const references = await db.unsafe<{ name: string; table: string; def: string }[]>(
    `select conname as name, conrelid::regclass::text as table, pg_get_constraintdef(oid) as def from pg_constraint where confrelid = 'webhook_events'::regclass and contype = 'f'`,
  );
  for (const r of references) await db.unsafe(`alter table ${r.table} drop constraint ${r.name}`);
  for (const def of defs) await db.unsafe(`drop index ${def.match(/INDEX (\S+) ON/)![1]}`);
  for (const c of constraints) await db.unsafe(`alter table webhook_events drop constraint ${c.name}`);
  const spanSeconds = 120 * 86_400;
  const eventsStarted = performance.now();
  for (const [from, to] of chunks(size.events, 500_000)) {
    await timed(steps, `webhook events ${from.toLocaleString('en')}–${to.toLocaleString('en')}`, () =>
      db.unsafe(`insert into webhook_events (dedupe_key, object, entry_id, entry_time, field, event, value, waba_id, status, attempts, last_error, received_at, processed_at)
        select 'bench:' || g, 'whatsapp_business_account', x.waba, x.at - interval '1 second', x.field, x.event, x.value::json, x.waba,
               case when g % 1000 = 0 then 'failed' else 'processed' end, case when g % 1000 = 0 then 5 else 1 end,
               case when g % 1000 = 0 then 'Handler failed: the number is not known yet' end,
               x.at, case when g % 1000 = 0 then null else x.at + interval '40 milliseconds' end
          from generate_series(${from}::bigint, ${to}::bigint) g
          cross join lateral (select (1000000000000 + 1 + (g * 7919) % ${n})::text as waba,
                                     now() - (g::float8 * ${spanSeconds} / ${size.events}) * interval '1 second' as at,
                                     g % 100 as kind) k
          cross join lateral (select k.waba, k.at,
              case when k.kind < 85 then 'messages' when k.kind < 90 then 'account_update' when k.kind < 95 then 'phone_number_quality_update'
                   when k.kind < 98 then 'message_template_status_update' when k.kind = 98 then 'account_review_update' else 'business_capability_update' end as field,
              case when k.kind < 85 then null when k.kind < 90 then 'PARTNER_ADDED' when k.kind < 95 then 'UPGRADE' when k.kind < 98 then 'APPROVED' else null end as event,
              case when k.kind < 85 then '{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"' || (3000000000000 + (g % ${n}) * 10 + 1) || '"},"statuses":[{"id":"wamid.' || g || '","status":"' || (array['sent','delivered','read'])[1 + g % 3] || '","timestamp":"' || extract(epoch from k.at)::bigint || '","recipient_id":"447700900' || lpad((g % 1000)::text, 3, '0') || '"}]}'
                   when k.kind < 90 then '{"event":"PARTNER_ADDED","waba_info":{"waba_id":"' || k.waba || '","owner_business_id":"2000000000001"}}'
                   when k.kind < 95 then '{"display_phone_number":"15550000000","event":"UPGRADE","current_limit":"TIER_10K"}'
                   when k.kind < 98 then '{"event":"APPROVED","message_template_id":' || g || ',"message_template_name":"order_update","message_template_language":"en_US","reason":"NONE"}'
                   when k.kind = 98 then '{"decision":"APPROVED"}'
                   else '{"max_daily_conversations_per_business":"TIER_10K"}' end as value) x`),
    );
  }
  console.log(`  ${'webhook events in all'.padEnd(48)} ${((performance.now() - eventsStarted) / 1000).toFixed(1).padStart(6)} s`);
  await timed(steps, "webhook_events' indexes (as migrated)", async () => {
    for (const c of constraints) await db.unsafe(`alter table webhook_events add constraint ${c.name} ${c.def}`);
    for (const def of defs) await db.unsafe(def);
    for (const r of references) await db.unsafe(`alter table ${r.table} add constraint ${r.name} ${r.def}`);
  });
  await timed(steps, 'ANALYZE', () => db.unsafe('analyze'));
  return steps;
}
