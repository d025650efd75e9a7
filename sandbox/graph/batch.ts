import { searchParamsToObject, type Params } from '../http';
import type { Sandbox } from '../state';
import type { GraphContext } from './context';
import { graphError } from './errors';
import type { GraphCall, GraphReply } from './router';

// POST / with batch=[...] (Meta: Graph API, Batch Requests): up to 50 operations run in order,
// each answered as {code, headers, body} with the body as a JSON string; `name` + `depends_on` and
// `{result=name:$.jsonpath}` references chain operations.

const MAX_OPERATIONS = 50;

type Operation = {
  method?: unknown;
  relative_url?: unknown;
  body?: unknown;
  name?: unknown;
  depends_on?: unknown;
  omit_response_on_success?: unknown;
  headers?: unknown;
};

type Done = { ok: boolean; body: unknown };

const referencePattern = /\{result=([^:}]+):(\$[^}]*)\}/g;

function parseBatch(raw: unknown): Operation[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw graphError({ message: '(#100) The parameter batch must be a JSON-encoded array', type: 'OAuthException', code: 100 });
    }
  }
  if (!Array.isArray(value)) throw graphError({ message: '(#100) The parameter batch must be a JSON-encoded array', type: 'OAuthException', code: 100 });
  if (value.length === 0) throw graphError({ message: '(#100) The batch is empty', type: 'OAuthException', code: 100 });
  if (value.length > MAX_OPERATIONS) {
    throw graphError({ message: `(#100) Too many requests in batch message. Maximum batch size is ${MAX_OPERATIONS}`, type: 'OAuthException', code: 100 });
  }
  return value.map((op, i) => {
    if (!op || typeof op !== 'object') throw graphError({ message: `(#100) batch[${i}] must be an object`, type: 'OAuthException', code: 100 });
    return op as Operation;
  });
}

/** The small part of JSONPath Meta documents for batches: $.a.b, $.data.0.id, $.data.*.id. */
export function jsonPath(value: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+|\*)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      if (step === '*') next.push(...(Array.isArray(item) ? item : Object.values(item)));
      else {
        const child = Array.isArray(item) ? item[Number(step)] : (item as Record<string, unknown>)[step];
        if (child !== undefined) next.push(child);
      }
    }
    current = next;
  }
  if (current.length === 0) return undefined;
  return current.length === 1 ? current[0] : current;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function referencedNames(text: string): string[] {
  return [...text.matchAll(referencePattern)].map((m) => m[1] ?? '');
}

function substitute(text: string, done: Map<string, Done>): string | undefined {
  let missing = false;
  const out = text.replace(referencePattern, (_all, name: string, path: string) => {
    const value = jsonPath(done.get(name)?.body, path);
    if (value === undefined) missing = true;
    return value === undefined ? '' : render(value);
  });
  return missing ? undefined : out;
}

function bodyParams(body: unknown): Params {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body === 'object' && !Array.isArray(body)) return body as Params;
  return searchParamsToObject(new URLSearchParams(String(body)));
}

function operationHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const h of raw) {
      if (typeof h === 'string' && h.includes(':')) out[h.slice(0, h.indexOf(':')).trim().toLowerCase()] = h.slice(h.indexOf(':') + 1).trim();
      else if (h && typeof h === 'object' && 'name' in h && 'value' in h) out[String(h.name).toLowerCase()] = String(h.value);
    }
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

export async function runBatch(ctx: GraphContext, execute: (sb: Sandbox, call: GraphCall) => Promise<GraphReply>): Promise<unknown[]> {
  const operations = parseBatch(ctx.params.batch);
  const includeHeaders = String(ctx.params.include_headers ?? 'true') !== 'false';
  const done = new Map<string, Done>();
  const failedNames = new Set<string>();
  const laterReferences = operations.map(
    (_, i) =>
      new Set(
        operations
          .slice(i + 1)
          .flatMap((op) => referencedNames(`${String(op.relative_url ?? '')} ${typeof op.body === 'string' ? op.body : JSON.stringify(op.body ?? '')}`)),
      ),
  );
  const results: unknown[] = [];
  for (const [i, op] of operations.entries()) {
    const name = typeof op.name === 'string' ? op.name : undefined;
    const rawUrl = typeof op.relative_url === 'string' ? op.relative_url : undefined;
    const rawBody = typeof op.body === 'string' ? op.body : op.body === undefined ? undefined : JSON.stringify(op.body);
    const dependsOn = typeof op.depends_on === 'string' ? [op.depends_on] : [];
    const needs = [...dependsOn, ...referencedNames(`${rawUrl ?? ''} ${rawBody ?? ''}`)];
    // An operation whose parent failed (or never ran) gets no response, like Meta's null entries.
    if (needs.some((n) => failedNames.has(n) || !done.has(n))) {
      if (name) failedNames.add(name);
      results.push(null);
      continue;
    }
    if (rawUrl === undefined) {
      results.push({
        code: 400,
        ...(includeHeaders ? { headers: [] } : {}),
        body: JSON.stringify({ error: { message: `(#100) batch[${i}]: relative_url is required`, type: 'OAuthException', code: 100 } }),
      });
      if (name) failedNames.add(name);
      continue;
    }
    const url = substitute(rawUrl, done);
    const bodyText = rawBody === undefined ? undefined : substitute(rawBody, done);
    if (url === undefined || (rawBody !== undefined && bodyText === undefined)) {
      if (name) failedNames.add(name);
      results.push(null);
      continue;
    }
    const trimmed = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\/+/, '');
    const versionMatch = /^(v\d+\.\d+)(\/|$)/.exec(trimmed);
    const rest = versionMatch ? trimmed.slice(versionMatch[0].length) : trimmed;
    const [pathPart = '', queryPart = ''] = rest.split(/\?(.*)/s);
    const query = new URLSearchParams(queryPart);
    const params: Params = {
      ...searchParamsToObject(query),
      ...(typeof op.body === 'object' && op.body !== null ? bodyParams(op.body) : bodyParams(bodyText)),
    };
    // Operations inherit the batch's token unless they carry their own (Meta: Batch Requests).
    for (const key of ['access_token', 'appsecret_proof']) if (params[key] === undefined && ctx.params[key] !== undefined) params[key] = ctx.params[key];
    if (params.access_token === undefined && ctx.token) params.access_token = ctx.token;
    const method = typeof op.method === 'string' ? op.method.toUpperCase() : 'GET';
    const reply = await execute(ctx.sb, {
      method,
      version: versionMatch?.[1] ?? ctx.version,
      path: `/${pathPart}`,
      query,
      params,
      files: [],
      headers: { ...operationHeaders(op.headers), 'content-type': 'application/x-www-form-urlencoded' },
      origin: ctx.origin,
    });
    const ok = reply.status === 200;
    if (name) {
      done.set(name, { ok, body: reply.body });
      if (!ok) failedNames.add(name);
    }
    const omit = ok && name !== undefined && laterReferences[i]?.has(name) && op.omit_response_on_success !== false;
    results.push(
      omit
        ? null
        : {
            code: reply.status,
            ...(includeHeaders
              ? {
                  headers: [
                    { name: 'Content-Type', value: 'text/javascript; charset=UTF-8' },
                    ...Object.entries(reply.headers)
                      .filter(([k]) => k === 'facebook-api-version' || k === 'x-fb-trace-id' || k === 'www-authenticate')
                      .map(([k, v]) => ({ name: k, value: v })),
                  ],
                }
              : {}),
            body: JSON.stringify(reply.body),
          },
    );
  }
  return results;
}
