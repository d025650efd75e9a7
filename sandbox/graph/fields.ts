import type { GraphContext } from './context';
import { stringParam } from './context';
import { invalidParameter, nonexistingField } from './errors';

export type FieldSelection = { name: string; sub?: FieldSelection[] };

/** Parses Graph's `fields` syntax, including nested `owner_app{id,name}`. */
export function parseFields(input: string): FieldSelection[] {
  const out: FieldSelection[] = [];
  let i = 0;
  const parseList = (): FieldSelection[] => {
    const list: FieldSelection[] = [];
    let name = '';
    const push = (sub?: FieldSelection[]) => {
      const trimmed = name.trim().replace(/\.limit\(\d+\)$/, '');
      if (trimmed) list.push(sub ? { name: trimmed, sub } : { name: trimmed });
      name = '';
    };
    while (i < input.length) {
      const c = input[i++];
      if (c === '{') {
        const sub = parseList();
        push(sub);
        while (i < input.length && input[i] !== ',' && input[i] !== '}') i++;
      } else if (c === '}') {
        push();
        return list;
      } else if (c === ',') {
        push();
      } else {
        name += c;
      }
    }
    push();
    return list;
  };
  out.push(...parseList());
  return out;
}

export function requestedFields(ctx: GraphContext): FieldSelection[] | undefined {
  const raw = stringParam(ctx, 'fields');
  if (raw === undefined || raw.trim() === '') return undefined;
  return parseFields(raw);
}

function applySub(value: unknown, sub: FieldSelection[] | undefined): unknown {
  if (!sub || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applySub(v, sub));
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.data)) return { ...record, data: record.data.map((v) => applySub(v, sub)) };
  const picked: Record<string, unknown> = {};
  for (const f of sub) if (record[f.name] !== undefined) picked[f.name] = applySub(record[f.name], f.sub);
  if (record.id !== undefined && picked.id === undefined && sub.length > 0) picked.id = record.id;
  return picked;
}

/**
 * Projects a node onto the requested fields (or its default fields). `available` maps every
 * field the node type knows to a lazy getter; unknown names fail like Graph does.
 */
export function selectFields(
  ctx: GraphContext,
  nodeType: string,
  available: Record<string, () => unknown>,
  defaults: string[],
): Record<string, unknown> {
  const requested: FieldSelection[] = requestedFields(ctx) ?? defaults.map((name) => ({ name }));
  const out: Record<string, unknown> = {};
  for (const f of requested) {
    const getter = available[f.name];
    if (!getter) throw nonexistingField(f.name, nodeType);
    const value = getter();
    if (value !== undefined) out[f.name] = applySub(value, f.sub);
  }
  if (out.id === undefined && available.id) out.id = available.id();
  return out;
}

function encodeCursor(index: number): string {
  return Buffer.from(`sandbox:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^sandbox:(\d+)$/.exec(text);
  if (!match) throw invalidParameter(`Invalid cursor: ${cursor}`);
  return Number(match[1]);
}

/** Graph cursor paging over an already ordered list (limit default 25, max 100 unless said otherwise). */
export function paginate<T>(ctx: GraphContext, items: T[], defaultLimit = 25, maxLimit = 100) {
  const limitRaw = stringParam(ctx, 'limit');
  const limit = Math.min(Math.max(1, limitRaw ? Number.parseInt(limitRaw, 10) || defaultLimit : defaultLimit), maxLimit);
  const after = stringParam(ctx, 'after');
  const before = stringParam(ctx, 'before');
  let start = 0;
  let end = Math.min(items.length, limit);
  if (after) {
    start = decodeCursor(after) + 1;
    end = Math.min(items.length, start + limit);
  } else if (before) {
    end = Math.max(0, decodeCursor(before));
    start = Math.max(0, end - limit);
  }
  const data = items.slice(start, end);
  if (data.length === 0) return { data, paging: undefined as undefined | Record<string, unknown> };
  const paging: Record<string, unknown> = { cursors: { before: encodeCursor(start), after: encodeCursor(end - 1) } };
  const link = (key: 'after' | 'before', cursor: string) => {
    const query = new URLSearchParams(ctx.query);
    // Tokens stay out of paging links the sandbox hands out; callers send their token again.
    query.delete('access_token');
    query.delete('appsecret_proof');
    query.delete('after');
    query.delete('before');
    query.set('limit', String(limit));
    query.set(key, cursor);
    return `${ctx.origin}/${ctx.version}${ctx.path}?${query.toString()}`;
  };
  if (end < items.length) paging.next = link('after', encodeCursor(end - 1));
  if (start > 0) paging.previous = link('before', encodeCursor(start));
  return { data, paging };
}

export function page<T>(ctx: GraphContext, items: T[], defaultLimit = 25, maxLimit = 100) {
  const { data, paging } = paginate(ctx, items, defaultLimit, maxLimit);
  return paging ? { data, paging } : { data };
}
