import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, unknown>;
export type UploadedFile = { field: string; name: string; type: string; size: number };
export type ParsedBody = { params: Params; files: UploadedFile[]; raw: Buffer };

const MAX_BODY = 30 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function addParam(params: Params, rawKey: string, value: unknown) {
  const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
  const existing = params[key];
  if (existing === undefined) params[key] = rawKey.endsWith('[]') ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else params[key] = [existing, value];
}

export function searchParamsToObject(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [k, v] of search) addParam(params, k, v);
  return params;
}

/** JSON, form-encoded and multipart bodies, as Graph accepts all three. */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readBody(req);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const files: UploadedFile[] = [];
  if (raw.length === 0) return { params: {}, files, raw };
  if (type.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return { params: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Params) : {}, files, raw };
  }
  if (type.includes('multipart/form-data')) {
    const form = await new Request('http://sandbox.local/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(raw),
    }).formData();
    const params: Params = {};
    for (const [k, v] of form.entries()) {
      if (typeof v === 'string') addParam(params, k, v);
      else files.push({ field: k.replace(/\[\]$/, ''), name: v.name, type: v.type, size: v.size });
    }
    return { params, files, raw };
  }
  return { params: searchParamsToObject(new URLSearchParams(raw.toString('utf8'))), files, raw };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(body);
}

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, DELETE, PATCH, PUT, OPTIONS',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
