import type { IncomingMessage, ServerResponse } from 'node:http';
import { eq, sql } from 'drizzle-orm';
import { db, rootCause } from '@/lib/db/client';
import { webhookRejections, webhookVerifyTokens } from '@/lib/db/schema';
import { metaConfig } from '@/lib/env';
import { log } from '@/lib/log';
import { envelopeSchema, maxNestingDepth, nestsDeeperThan } from '@/lib/webhooks/envelope';
import { storeDelivery } from '@/lib/webhooks/inbox';
import { kickProcessing } from '@/lib/webhooks/processing';
import { hashVerifyToken, verifySignature } from '@/lib/webhooks/signature';

// Meta's webhook endpoint, served by the custom server before Next's request pipeline: the hot path
// is read bytes → verify signature → parse → group-committed insert → 200 (docs/meta/webhooks.md).
export const webhookPath = '/api/webhooks/meta';

/** Meta sends at most 3 MB; the headroom covers escaping differences. */
export const maxBodyBytes = 3 * 1024 * 1024 + 512 * 1024;

type Rejection = (typeof webhookRejections.$inferInsert)['reason'];

const rejectionCounts = new Map<Rejection, number>();
let rejectionFlush: NodeJS.Timeout | undefined;

function reject(res: ServerResponse, status: number, reason: Rejection, detail: string): void {
  log.warn({ reason, detail }, 'webhook delivery rejected');
  rejectionCounts.set(reason, (rejectionCounts.get(reason) ?? 0) + 1);
  // Counted in memory and written once a second, so a flood of bad requests cannot load the database.
  if (!rejectionFlush) rejectionFlush = setTimeout(() => void flushRejections(), 1000);
  res.writeHead(status, { 'content-type': 'text/plain' }).end(detail);
}

export async function flushRejections(): Promise<void> {
  rejectionFlush = undefined;
  const counts = [...rejectionCounts];
  rejectionCounts.clear();
  for (const [reason, count] of counts) {
    await db()
      .insert(webhookRejections)
      .values({ reason, count, lastSeenAt: new Date() })
      .onConflictDoUpdate({
        target: webhookRejections.reason,
        set: { count: sql`${webhookRejections.count} + ${count}`, lastSeenAt: new Date() },
      })
      .catch((error: unknown) => log.error({ err: rootCause(error) }, 'could not record webhook rejections'));
  }
}

/** A commit that takes longer than this is answered 503; if it lands later, Meta's retry is a duplicate. */
const storeTimeoutMs = 3000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rejectTimeout) => {
    timer = setTimeout(() => rejectTimeout(new Error(`database did not commit within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function handshake(url: URL, res: ServerResponse): Promise<void> {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge') ?? '';
  const expected = metaConfig().webhookVerifyToken;
  let accepted = mode === 'subscribe' && token !== '' && token === expected;
  if (mode === 'subscribe' && token !== '' && !accepted) {
    const [row] = await db()
      .select({ wabaId: webhookVerifyTokens.wabaId })
      .from(webhookVerifyTokens)
      .where(eq(webhookVerifyTokens.tokenHash, hashVerifyToken(token)));
    accepted = row !== undefined;
  }
  if (!accepted) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, rejectRead) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      req.resume();
      resolve('too_large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', rejectRead);
  });
}

async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === 'too_large') return reject(res, 413, 'oversize', 'Payload too large');
  const config = metaConfig();
  const secrets = [config.appSecret, config.previousAppSecret].filter((s): s is string => Boolean(s));
  const signature = req.headers['x-hub-signature-256'];
  if (!verifySignature(body, Array.isArray(signature) ? signature[0] : signature, secrets)) {
    return reject(res, 401, 'bad_signature', 'Invalid signature');
  }
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return reject(res, 400, 'bad_body', 'Body is not JSON');
  }
  // Permanent problems get a 400, never a 503: Meta would retry a 503 for days.
  if (nestsDeeperThan(parsed, maxNestingDepth)) return reject(res, 400, 'bad_body', `Body nests deeper than ${maxNestingDepth} levels`);
  if (!envelopeSchema.safeParse(parsed).success) return reject(res, 400, 'bad_body', 'Not a webhook envelope');
  // The body is stored as it came; processing splits it into its changes, keeping a malformed change
  // as `invalid` beside the good ones (refusing the batch would make Meta retry every good change).
  try {
    await withTimeout(storeDelivery(text), storeTimeoutMs);
  } catch (error) {
    // Never acknowledge what is not stored: Meta retries anything but a 200.
    log.error({ err: rootCause(error), bytes: body.length }, 'webhook inbox unavailable');
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('Unavailable');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  kickProcessing();
}

export function handleWebhookRequest(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const work =
    req.method === 'GET'
      ? handshake(url, res)
      : req.method === 'POST'
        ? receive(req, res)
        : Promise.resolve(void res.writeHead(405, { allow: 'GET, POST' }).end());
  work.catch((error: unknown) => {
    log.error({ err: rootCause(error) }, 'webhook request failed');
    if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' }).end('Unavailable');
  });
}
