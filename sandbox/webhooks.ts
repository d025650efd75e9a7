import { createHmac } from 'node:crypto';
import { ourApp, wabaPartnerFor, type Delivery, type QueuedChange, type Sandbox } from './state';

// Webhooks out (Meta: Webhooks overview; Create a webhook endpoint): routing, batching under the
// 3 MB cap, signing over the exact bytes, retries with backoff on anything but 200, optional
// duplicates and reordering, and the GET handshake.

/** Fields Meta sends to the app's own callback even when the app never subscribed to the WABA. */
const appLevelFields = new Set(['account_update', 'partner_solutions', 'business_capability_update', 'account_review_update', 'account_alerts']);

/** Fields a WABA or phone-number override may redirect (Meta: Override callback URL). */
const overridableFields = new Set([
  'messages',
  'message_echoes',
  'calls',
  'consumer_profile',
  'messaging_handovers',
  'smb_message_echoes',
  'smb_app_state_sync',
  'history',
  'account_settings_update',
]);

export type ChangeInput = {
  field: string;
  value: unknown;
  entryId: string;
  wabaId?: string;
  phoneNumberId?: string;
};

const SEVEN_DAYS = 7 * 24 * 3600 * 1000;
/** Meta: payloads up to 3 MB. */
const MAX_PAYLOAD_BYTES = 3 * 1024 * 1024;

/** Meta escapes non-ASCII as \uXXXX in what it sends, which is why signatures must use raw bytes. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The legacy X-Hub-Signature header (HMAC-SHA1), which Meta still sends next to the sha256 one. */
export function legacySignature(secret: string, body: string): string {
  return `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`;
}

function newDeliveryId(sb: Sandbox): string {
  return `d${sb.state.deliveries.length + 1}-${sb.rng.webhooks.hex(6)}`;
}

function notSent(sb: Sandbox, change: ChangeInput, reason: string) {
  const body = metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: change.entryId, time: sb.clock.nowSeconds(), changes: [{ field: change.field, value: change.value }] }],
  });
  sb.state.deliveries.push({
    id: newDeliveryId(sb),
    kind: 'notification',
    url: null,
    appId: sb.options.appId,
    fields: [change.field],
    entryIds: [change.entryId],
    changeCount: 1,
    body,
    state: 'not_sent',
    reason,
    createdAt: sb.clock.now(),
    attempts: [],
  });
}

/** Where Meta would send this change for our app, or why it would not. */
export function routeChange(sb: Sandbox, change: ChangeInput): { url: string } | { reason: string } {
  const appId = sb.options.appId;
  const waba = change.wabaId ? sb.state.wabas[change.wabaId] : undefined;
  if (change.wabaId) {
    if (!waba) return { reason: `unknown WABA ${change.wabaId}` };
    const partnered = wabaPartnerFor(waba, appId) || waba.ownerBusinessId === sb.options.partnerBusinessId;
    if (!partnered && change.field !== 'account_update') return { reason: 'the app has no access to this WABA' };
  }
  const appSubscription = sb.state.appSubscriptions[appId];
  if (appSubscription && (!appSubscription.active || !appSubscription.fields.includes(change.field))) {
    return { reason: `the app is not subscribed to the ${change.field} field (POST /{app-id}/subscriptions)` };
  }
  if (change.wabaId && waba) {
    const subscription = waba.subscriptions.find((s) => s.appId === appId);
    if (!appLevelFields.has(change.field) && !subscription) {
      return { reason: 'the app is not subscribed to this WABA (POST /{waba-id}/subscribed_apps)' };
    }
    if (overridableFields.has(change.field)) {
      const phone = change.phoneNumberId ? sb.state.phoneNumbers[change.phoneNumberId] : undefined;
      if (phone?.webhookOverride?.uri) return { url: phone.webhookOverride.uri };
      if (subscription?.overrideUri) return { url: subscription.overrideUri };
    }
  }
  if (!sb.config.webhookUrl) return { reason: 'no callback URL configured for the app' };
  return { url: sb.config.webhookUrl };
}

export function emitChange(sb: Sandbox, change: ChangeInput): void {
  const route = routeChange(sb, change);
  if ('reason' in route) {
    notSent(sb, change, route.reason);
    return;
  }
  const rt = sb.webhookRuntime;
  rt.queue.push({ url: route.url, appId: sb.options.appId, entryId: change.entryId, time: sb.clock.nowSeconds(), field: change.field, value: change.value });
  scheduleFlush(sb);
}

function scheduleFlush(sb: Sandbox) {
  const rt = sb.webhookRuntime;
  if (rt.flushScheduled || rt.closed) return;
  rt.flushScheduled = true;
  // With no window, changes made in the same tick (one signup's PARTNER_ADDED + PARTNER_APP_INSTALLED) share a POST.
  rt.flushTimer = setTimeout(() => flushWebhooks(sb), sb.config.webhooks.batchWindowMs);
}

function buildBody(changes: QueuedChange[]): { body: string; entryIds: string[]; fields: string[] } {
  const entries: { id: string; time: number; changes: { field: string; value: unknown }[] }[] = [];
  for (const c of changes) {
    let entry = entries.find((e) => e.id === c.entryId);
    if (!entry) {
      entry = { id: c.entryId, time: c.time, changes: [] };
      entries.push(entry);
    }
    entry.time = Math.max(entry.time, c.time);
    entry.changes.push({ field: c.field, value: c.value });
  }
  const rendered = entries.map((e) =>
    // Message webhooks may come without entry.time (Meta: Webhooks overview).
    e.changes.every((c) => c.field === 'messages') ? { id: e.id, changes: e.changes } : e,
  );
  return {
    body: metaJson({ object: 'whatsapp_business_account', entry: rendered }),
    entryIds: entries.map((e) => e.id),
    fields: [...new Set(changes.map((c) => c.field))],
  };
}

/** Splits a batch until each POST body fits Meta's payload cap (one change alone is sent whatever its size). */
function underPayloadCap(batch: QueuedChange[], maxBytes: number): QueuedChange[][] {
  if (batch.length <= 1 || Buffer.byteLength(buildBody(batch).body, 'utf8') <= maxBytes) return [batch];
  const half = Math.ceil(batch.length / 2);
  return [...underPayloadCap(batch.slice(0, half), maxBytes), ...underPayloadCap(batch.slice(half), maxBytes)];
}

/** Sends everything queued now (the control API exposes it so tests need not wait for a batch window). */
export function flushWebhooks(sb: Sandbox): void {
  const rt = sb.webhookRuntime;
  rt.flushScheduled = false;
  if (rt.flushTimer) clearTimeout(rt.flushTimer);
  rt.flushTimer = undefined;
  if (rt.closed || rt.queue.length === 0) return;
  const queued = rt.queue;
  rt.queue = [];
  const settings = sb.config.webhooks;
  const byUrl = new Map<string, QueuedChange[]>();
  for (const c of queued) byUrl.set(c.url, [...(byUrl.get(c.url) ?? []), c]);
  for (const [url, list] of byUrl) {
    const ordered = settings.reorder ? sb.rng.webhooks.shuffle(list) : list;
    const size = Math.max(1, Math.min(1000, settings.batchSize));
    let batches: QueuedChange[][] = [];
    for (let i = 0; i < ordered.length; i += size) batches.push(...underPayloadCap(ordered.slice(i, i + size), settings.maxPayloadBytes ?? MAX_PAYLOAD_BYTES));
    if (settings.reorder) batches = sb.rng.webhooks.shuffle(batches);
    for (const batch of batches) {
      const { body, entryIds, fields } = buildBody(batch);
      const delivery: Delivery = {
        id: newDeliveryId(sb),
        kind: 'notification',
        url,
        appId: sb.options.appId,
        fields,
        entryIds,
        changeCount: batch.length,
        body,
        state: 'pending',
        createdAt: sb.clock.now(),
        attempts: [],
      };
      sb.state.deliveries.push(delivery);
      enqueueAttempt(sb, delivery);
    }
  }
}

function enqueueAttempt(sb: Sandbox, delivery: Delivery) {
  const rt = sb.webhookRuntime;
  const url = delivery.url ?? '';
  const previous = rt.chains.get(url) ?? Promise.resolve();
  const next = previous.then(() => attempt(sb, delivery));
  rt.chains.set(url, next);
  track(sb, next);
}

function track(sb: Sandbox, promise: Promise<void>) {
  const rt = sb.webhookRuntime;
  rt.inFlight.add(promise);
  void promise.finally(() => rt.inFlight.delete(promise));
}

async function attempt(sb: Sandbox, delivery: Delivery): Promise<void> {
  const rt = sb.webhookRuntime;
  if (rt.closed || !delivery.url) return;
  const started = Date.now();
  const at = sb.clock.now();
  let status: number | null = null;
  let error: string | undefined;
  try {
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': signature(ourApp(sb).secret, delivery.body),
        ...(sb.config.webhooks.legacySignature ? { 'x-hub-signature': legacySignature(ourApp(sb).secret, delivery.body) } : {}),
      },
      body: delivery.body,
      signal: AbortSignal.timeout(sb.config.webhooks.timeoutMs),
    });
    status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (e) {
    error = e instanceof Error ? (e.name === 'TimeoutError' ? 'timeout' : e.message) : String(e);
  }
  if (rt.closed) return;
  delivery.attempts.push({ at, status, ...(error ? { error } : {}), durationMs: Date.now() - started });
  if (status === 200) {
    delivery.state = 'delivered';
    delete delivery.nextAttemptAt;
    if (!delivery.duplicateOf && sb.config.webhooks.duplicateRate > 0 && sb.rng.webhooks.next() < sb.config.webhooks.duplicateRate) {
      const copy: Delivery = { ...delivery, id: newDeliveryId(sb), duplicateOf: delivery.id, state: 'pending', attempts: [], createdAt: sb.clock.now() };
      sb.state.deliveries.push(copy);
      enqueueAttempt(sb, copy);
    }
    return;
  }
  const retryIndex = delivery.attempts.length - 1;
  const delay = sb.config.webhooks.retryDelaysMs[retryIndex];
  if (delay === undefined || sb.clock.now() + delay - delivery.createdAt > SEVEN_DAYS) {
    delivery.state = 'dropped';
    delete delivery.nextAttemptAt;
    return;
  }
  delivery.state = 'retrying';
  delivery.nextAttemptAt = sb.clock.now() + delay;
  sb.clock.schedule(delivery.nextAttemptAt, () => track(sb, attempt(sb, delivery)));
}

/** Meta's GET handshake (Meta: Create a webhook endpoint); recorded in the delivery log without the verify token. */
export async function verifyCallback(
  sb: Sandbox,
  url: string,
  verifyToken: string,
  existing?: Delivery,
): Promise<{ ok: boolean; status: number | null; error?: string; delivery: Delivery }> {
  const challenge = sb.rng.webhooks.digits(10);
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  const delivery: Delivery = existing ?? {
    id: newDeliveryId(sb),
    kind: 'verification',
    url,
    appId: sb.options.appId,
    fields: [],
    entryIds: [],
    changeCount: 0,
    body: '',
    state: 'pending',
    createdAt: sb.clock.now(),
    attempts: [],
  };
  if (!existing) sb.state.deliveries.push(delivery);
  const started = Date.now();
  const at = sb.clock.now();
  let status: number | null = null;
  let error: string | undefined;
  let ok = false;
  try {
    const res = await fetch(target, {
      headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      signal: AbortSignal.timeout(sb.config.webhooks.timeoutMs),
    });
    status = res.status;
    const text = await res.text();
    ok = status === 200 && text.trim() === challenge;
    if (status === 200 && !ok) error = 'the response body was not the hub.challenge value';
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  delivery.attempts.push({ at, status, ...(error ? { error } : {}), durationMs: Date.now() - started });
  delivery.state = ok ? 'delivered' : 'dropped';
  return { ok, status, ...(error ? { error } : {}), delivery };
}

/**
 * The app's callback is verified when it is configured; at start-up the receiver (the portal) may not
 * be listening yet, so the handshake is retried for a minute.
 */
export function verifyAppCallback(sb: Sandbox, retries = 30): void {
  const url = sb.config.webhookUrl;
  if (!url) return;
  let delivery: Delivery | undefined;
  let left = retries;
  const run = async () => {
    if (sb.webhookRuntime.closed || sb.config.webhookUrl !== url) return;
    const result = await verifyCallback(sb, url, sb.config.webhookVerifyToken, delivery);
    delivery = result.delivery;
    sb.config.webhookVerified = result.ok ? 'verified' : 'failed';
    if (!result.ok && left-- > 0 && !sb.webhookRuntime.closed) setTimeout(() => void run(), 2000).unref();
  };
  track(sb, run());
}

export function createWebhookRuntime(): Sandbox['webhookRuntime'] {
  return { queue: [], flushTimer: undefined, flushScheduled: false, chains: new Map(), inFlight: new Set(), closed: false };
}

export async function stopWebhooks(sb: Sandbox): Promise<void> {
  const rt = sb.webhookRuntime;
  rt.closed = true;
  if (rt.flushTimer) clearTimeout(rt.flushTimer);
  await Promise.race([Promise.allSettled([...rt.inFlight]), new Promise((r) => setTimeout(r, 200))]);
}

/** Resolves once nothing is queued or in flight (retries scheduled for later don't count). */
export async function webhooksIdle(sb: Sandbox): Promise<void> {
  const rt = sb.webhookRuntime;
  for (let i = 0; i < 200; i++) {
    if (rt.queue.length === 0 && !rt.flushScheduled && rt.inFlight.size === 0) return;
    if (rt.queue.length > 0 && !rt.flushScheduled) flushWebhooks(sb);
    await Promise.allSettled([...rt.inFlight]);
    await new Promise((r) => setTimeout(r, 5));
  }
}
