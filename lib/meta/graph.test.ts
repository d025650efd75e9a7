import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { graphCalls, onboardingSessions } from '@/lib/db/schema';
import { overrideGraphSettings } from '@/lib/graph-settings';
import { GraphError, businessToken, graphList, graphRequest, noToken, successSchema } from '@/lib/meta/graph';

// Wire-level behaviour of the request function against a tiny Meta-shaped server: things the
// sandbox cannot be made to do (echo secrets, send HTML, hang without closing, malformed bodies).

type Seen = { method: string; url: URL; headers: IncomingMessage['headers']; body: string };
type Handler = (seen: Seen, res: ServerResponse) => void;

let server: Server;
let handler: Handler = (_seen, res) => res.end('{}');
let seen: Seen[] = [];
let restore: () => void;
const secret = 'unit-test-app-secret';
const token = 'EAAGunitTestBusinessTokenValue1234567890abcdef';

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fb-trace-id': 'Atrace123' });
  res.end(JSON.stringify(body));
}

function metaError(code: number, extra: Record<string, unknown> = {}) {
  return { error: { message: `(#${code}) Something`, type: 'OAuthException', code, fbtrace_id: 'AbCdEf123', ...extra } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  restore = overrideGraphSettings({ graphUrl: `http://127.0.0.1:${port}`, graphVersion: 'v25.0', appId: '111', appSecret: secret, timeoutMs: 300 });
});

afterAll(async () => {
  restore();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

async function lastAudit() {
  const [row] = await db().select().from(graphCalls).orderBy(desc(graphCalls.id)).limit(1);
  return row!;
}

async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

describe('graphRequest', () => {
  it('builds the versioned URL, sends the bearer token and a correct appsecret_proof, and audits the call without its query', async () => {
    handler = (_s, res) => json(res, 200, { id: '209876543210002', name: 'Acme', extra: 'kept' });
    const result = await graphRequest({
      method: 'GET',
      path: '/209876543210002',
      query: { fields: 'id,name' },
      token: businessToken(token),
      audit: { step: 'read_waba' },
      schema: z.looseObject({ id: z.string(), name: z.string() }),
    });
    expect(result).toMatchObject({ id: '209876543210002', name: 'Acme', extra: 'kept' });
    const request = seen[0]!;
    expect(request.url.pathname).toBe('/v25.0/209876543210002');
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.url.searchParams.get('appsecret_proof')).toBe(createHmac('sha256', secret).update(token).digest('hex'));
    expect(request.url.searchParams.get('fields')).toBe('id,name');
    const row = await lastAudit();
    expect(row).toMatchObject({ method: 'GET', path: '/209876543210002', status: 200, errorCode: null, step: 'read_waba', fbtraceId: 'Atrace123' });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends no Authorization header and no proof for calls without a token', async () => {
    handler = (_s, res) => json(res, 200, { ok: true });
    await graphRequest({ method: 'GET', path: '/debug_token', token: noToken, schema: z.looseObject({}) });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.url.searchParams.has('appsecret_proof')).toBe(false);
  });

  it('sends JSON and form bodies with their content types, and list parameters as JSON arrays', async () => {
    handler = (_s, res) => json(res, 200, { success: true });
    await graphRequest({ method: 'POST', path: '/1/register', json: { pin: '123456' }, token: businessToken(token), schema: successSchema });
    await graphRequest({
      method: 'POST',
      path: '/1/assigned_users',
      form: { user: '42', tasks: ['MANAGE'] },
      token: businessToken(token),
      schema: successSchema,
    });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ pin: '123456' });
    expect(seen[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen[1]!.body).get('tasks')).toBe('["MANAGE"]');
  });

  it('rejects paths that are not plain Graph segments', async () => {
    await expect(graphRequest({ method: 'GET', path: '/../me', token: noToken, schema: z.unknown() })).rejects.toThrow(/Invalid Graph path/);
    await expect(graphRequest({ method: 'GET', path: '/1?x=1', token: noToken, schema: z.unknown() })).rejects.toThrow(/Invalid Graph path/);
    expect(seen).toHaveLength(0);
  });

  it("parses Meta's error envelope into a GraphError and audits code and fbtrace_id", async () => {
    handler = (_s, res) =>
      json(res, 400, metaError(133016, { error_data: { messaging_product: 'whatsapp', details: 'Too many register calls' }, error_subcode: 2388 }));
    const error = await failure(
      graphRequest({
        method: 'POST',
        path: '/109876543210001/register',
        json: {},
        token: businessToken(token),
        audit: { step: 'register' },
        schema: successSchema,
      }),
    );
    expect(error).toMatchObject({
      code: 133016,
      subcode: 2388,
      type: 'OAuthException',
      fbtraceId: 'AbCdEf123',
      httpStatus: 400,
      isTransient: false,
      kind: 'permanent',
      source: 'graph',
      details: 'Too many register calls',
      method: 'POST',
      path: '/109876543210001/register',
      tokenKind: 'business',
    });
    expect(error.hint).toMatch(/72 hours/);
    expect(await lastAudit()).toMatchObject({ status: 400, errorCode: '133016', fbtraceId: 'AbCdEf123', step: 'register' });
  });

  it('never lets a token, code, PIN or secret reach the error or the audit trail', async () => {
    const code = 'AQBsecretCode987654';
    handler = (s, res) =>
      json(
        res,
        400,
        metaError(100, {
          message: `bad ${s.url.searchParams.get('code')} ${token} ${secret} EAAGsomeOtherTokenLookingThing1234567890`,
          error_data: { details: `pin 654321 for ${token}` },
        }),
      );
    const error = await failure(
      graphRequest({
        method: 'GET',
        path: '/oauth/access_token',
        query: { client_id: '111', client_secret: secret, code },
        token: businessToken(token),
        secrets: [code, '654321'],
        schema: z.unknown(),
      }),
    );
    const text = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    for (const s of [code, token, secret, '654321', 'EAAGsomeOther']) expect(text).not.toContain(s);
    const row = await lastAudit();
    expect(row.path).toBe('/oauth/access_token');
    const audit = JSON.stringify(row);
    for (const s of [code, token, secret, 'appsecret_proof']) expect(audit).not.toContain(s);
  });

  it('treats a 5xx without an envelope as transient', async () => {
    handler = (_s, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    const error = await failure(graphRequest({ method: 'GET', path: '/1', token: businessToken(token), schema: z.unknown() }));
    expect(error).toMatchObject({ source: 'http', httpStatus: 502, kind: 'transient', code: undefined });
    expect(await lastAudit()).toMatchObject({ status: 502, errorCode: 'http_502' });
  });

  it('times out slow calls as transient and audits them', async () => {
    handler = () => {
      // never answers
    };
    const started = Date.now();
    const error = await failure(graphRequest({ method: 'GET', path: '/1', token: businessToken(token), audit: { step: 'slow' }, schema: z.unknown() }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ source: 'timeout', kind: 'transient', isTransient: true });
    expect(await lastAudit()).toMatchObject({ status: null, errorCode: 'timeout', step: 'slow' });
  });

  it('reports a refused connection as a transient network error', async () => {
    const off = overrideGraphSettings({ graphUrl: 'http://127.0.0.1:1' });
    try {
      const error = await failure(graphRequest({ method: 'GET', path: '/1', token: businessToken(token), schema: z.unknown() }));
      expect(error).toMatchObject({ source: 'network', kind: 'transient' });
    } finally {
      off();
    }
  });

  it('fails on a response that does not match the schema without echoing the body', async () => {
    handler = (_s, res) => json(res, 200, { access_token: 12345, token_type: 'EAAGleakyTokenValue999999999999999999' });
    const error = await failure(graphRequest({ method: 'GET', path: '/oauth/access_token', token: noToken, schema: z.object({ access_token: z.string() }) }));
    expect(error).toMatchObject({ source: 'invalid_response', kind: 'permanent', httpStatus: 200 });
    expect(error.message).toContain('access_token');
    expect(error.message).not.toContain('12345');
    expect(error.message).not.toContain('EAAGleaky');
  });

  it('treats {"success": false} as a failure', async () => {
    handler = (_s, res) => json(res, 200, { success: false });
    const error = await failure(graphRequest({ method: 'POST', path: '/1/subscribed_apps', token: businessToken(token), schema: successSchema }));
    expect(error.source).toBe('invalid_response');
  });

  it('links the audit row to the onboarding session and step', async () => {
    handler = (_s, res) => json(res, 200, { success: true });
    const [session] = await db()
      .insert(onboardingSessions)
      .values({ browserKeyHash: 'h', flow: 'default', partnerType: 'solution_partner', expiresAt: new Date(Date.now() + 60_000) })
      .returning();
    await graphRequest({
      method: 'POST',
      path: '/1/subscribed_apps',
      token: businessToken(token),
      audit: { sessionId: session!.id, step: 'subscribe' },
      schema: successSchema,
    });
    expect(await lastAudit()).toMatchObject({ sessionId: session!.id, step: 'subscribe', path: '/1/subscribed_apps' });
  });

  it('keeps the audit row (without the link) when the session does not exist, and the call still succeeds', async () => {
    handler = (_s, res) => json(res, 200, { success: true });
    await expect(
      graphRequest({
        method: 'POST',
        path: '/2/subscribed_apps',
        token: businessToken(token),
        audit: { sessionId: '00000000-0000-4000-8000-000000000000', step: 'orphan' },
        schema: successSchema,
      }),
    ).resolves.toEqual({ success: true });
    expect(await lastAudit()).toMatchObject({ sessionId: null, step: 'orphan', path: '/2/subscribed_apps' });
  });

  it('never records a token passed by mistake as an id', async () => {
    handler = (_s, res) => json(res, 400, metaError(100));
    await failure(graphRequest({ method: 'GET', path: `/${token}`, token: businessToken(token), schema: z.unknown() }));
    expect((await lastAudit()).path).toBe('/[redacted]');
  });
});

describe('graphList', () => {
  it('follows cursors with after= until there is no next page, without following the next URL', async () => {
    handler = (s, res) => {
      const after = s.url.searchParams.get('after');
      if (!after) json(res, 200, { data: [{ id: '1' }, { id: '2' }], paging: { cursors: { after: 'c1' }, next: 'http://evil.example/next?access_token=x' } });
      else if (after === 'c1') json(res, 200, { data: [{ id: '3' }], paging: { cursors: { after: 'c2' }, next: 'http://evil.example/next2' } });
      else json(res, 200, { data: [{ id: '4' }], paging: { cursors: { after: 'c3' } } });
    };
    const items = await graphList({ path: '/1/phone_numbers', query: { fields: 'id' }, token: businessToken(token), item: z.looseObject({ id: z.string() }) });
    expect(items.map((i) => i.id)).toEqual(['1', '2', '3', '4']);
    expect(seen.map((s) => s.url.searchParams.get('after'))).toEqual([null, 'c1', 'c2']);
    expect(seen.every((s) => s.url.searchParams.get('fields') === 'id')).toBe(true);
  });
});

type ErrorInput = Pick<ConstructorParameters<typeof GraphError>[0], 'code' | 'httpStatus' | 'source' | 'isTransient'>;

describe('how a Graph error is classified', () => {
  const cases: [string, ErrorInput, string][] = [
    ...[1, 2, 4, 17, 32, 613, 80007, 80008, 130429, 131000, 131016, 133004].map(
      (code) => [`code ${code}`, { code, httpStatus: 400, source: 'graph' as const }, 'transient'] as [string, ErrorInput, string],
    ),
    ['code 190', { code: 190, httpStatus: 400, source: 'graph' }, 'auth'],
    ['code 0', { code: 0, httpStatus: 400, source: 'graph' }, 'auth'],
    ['code 133016 (even if flagged transient)', { code: 133016, httpStatus: 400, source: 'graph', isTransient: true }, 'permanent'],
    ['code 133005', { code: 133005, httpStatus: 400, source: 'graph' }, 'permanent'],
    ['code 100', { code: 100, httpStatus: 400, source: 'graph' }, 'permanent'],
    ['code 200', { code: 200, httpStatus: 403, source: 'graph' }, 'permanent'],
    ['unknown code on a 500', { code: 999, httpStatus: 500, source: 'graph' }, 'transient'],
    ['is_transient: true', { code: 999, httpStatus: 400, source: 'graph', isTransient: true }, 'transient'],
    ['bare 503', { httpStatus: 503, source: 'http' }, 'transient'],
    ['bare 404', { httpStatus: 404, source: 'http' }, 'permanent'],
    ['timeout', { source: 'timeout' }, 'transient'],
    ['network', { source: 'network' }, 'transient'],
    ['invalid response', { httpStatus: 200, source: 'invalid_response' }, 'permanent'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(new GraphError({ message: 'x', method: 'GET', path: '/x', tokenKind: 'none', ...input }).kind).toBe(expected);
  });
});
