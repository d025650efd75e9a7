import type { GraphContext } from './context';
import { stringParam } from './context';
import { invalidParameter, nonexistingField } from './errors';
import { isSdkListedField } from './node-fields';

/** One entry of Graph's `fields` syntax: `name.modifier(args){sub,fields}`. */
export type FieldSelection = { name: string; sub?: FieldSelection[]; modifiers: Record<string, string> };

/** Returned by an edge expander when the name is not an edge of the node. */
export const notAnEdge: unique symbol = Symbol('not an edge');

/**
 * Parses Graph's `fields` syntax: nested `owner_app{id,name}`, modifiers such as `.limit(2)` or
 * `.start(1651698000).dimensions(["PHONE","COUNTRY"])` (arguments may hold commas and brackets).
 */
export function parseFields(input: string): FieldSelection[] {
  let i = 0;
  const readArgs = (): string => {
    let depth = 0;
    let quote = '';
    let out = '';
    while (i < input.length) {
      const c = input[i++] ?? '';
      if (quote) {
        if (c === quote) quote = '';
        out += c;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === ')') {
        if (depth === 0) return out;
        depth--;
      }
      out += c;
    }
    throw invalidParameter(`Syntax error in fields: unbalanced parentheses in "${input}"`, '(#100) Syntax error "Expected ")"."');
  };
  const parseList = (nested: boolean): FieldSelection[] => {
    const list: FieldSelection[] = [];
    let current: FieldSelection | undefined;
    let name = '';
    const flush = () => {
      const trimmed = name.trim();
      if (trimmed && !current) current = { name: trimmed, modifiers: {} };
      if (current) list.push(current);
      current = undefined;
      name = '';
    };
    const ensure = () => {
      if (!current) {
        current = { name: name.trim(), modifiers: {} };
        name = '';
      }
      return current;
    };
    while (i < input.length) {
      const c = input[i++] ?? '';
      if (c === '{') {
        ensure().sub = parseList(true);
      } else if (c === '}') {
        if (!nested) throw invalidParameter(`Syntax error in fields: unexpected "}" in "${input}"`, '(#100) Syntax error "Unexpected "}"."');
        flush();
        return list;
      } else if (c === ',') {
        flush();
      } else if (c === '.') {
        const field = ensure();
        let modifier = '';
        while (i < input.length && input[i] !== '(') modifier += input[i++];
        i++;
        field.modifiers[modifier.trim()] = readArgs().trim();
      } else if (!current) {
        name += c;
      } else if (c.trim() !== '') {
        throw invalidParameter(`Syntax error in fields near "${c}" in "${input}"`, '(#100) Syntax error in fields');
      }
    }
    flush();
    return list;
  };
  return parseList(false).filter((f) => f.name !== '');
}

/** The inverse of parseFields, for handing a nested selection to an edge. */
export function formatFields(list: FieldSelection[]): string {
  return list
    .map(
      (f) =>
        `${f.name}${Object.entries(f.modifiers)
          .map(([k, v]) => `.${k}(${v})`)
          .join('')}${f.sub ? `{${formatFields(f.sub)}}` : ''}`,
    )
    .join(',');
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

export type FieldGetters = Record<string, (selection: FieldSelection) => unknown>;

/**
 * Projects a node onto the requested fields (or its default fields). `available` maps every
 * field the sandbox models to a lazy getter; edges of the node (`phone_numbers{...}.limit(2)`)
 * are expanded through ctx.expand; fields Meta lists for the node type but the sandbox does not
 * model are left out, as Meta leaves out empty fields; other names fail like Graph does.
 */
export function selectFields(ctx: GraphContext, nodeType: string, available: FieldGetters, defaults: string[]): Record<string, unknown> {
  const requested: FieldSelection[] = requestedFields(ctx) ?? defaults.map((name) => ({ name, modifiers: {} }));
  const out: Record<string, unknown> = {};
  for (const f of requested) {
    const getter = available[f.name];
    if (getter) {
      const value = getter(f);
      if (value !== undefined) out[f.name] = applySub(value, f.sub);
      continue;
    }
    const expanded = ctx.expand ? ctx.expand(f) : notAnEdge;
    if (expanded !== notAnEdge) {
      if (expanded !== undefined) out[f.name] = expanded;
      continue;
    }
    if (!isSdkListedField(nodeType, f.name)) throw nonexistingField(f.name, nodeType);
  }
  if (out.id === undefined && available.id) out.id = available.id({ name: 'id', modifiers: {} });
  return out;
}

/** selectFields for list items: edges inside list items are not expanded. */
export function selectItemFields(ctx: GraphContext, nodeType: string, available: FieldGetters, defaults: string[]): Record<string, unknown> {
  const { expand: _expand, ...rest } = ctx;
  return selectFields(rest, nodeType, available, defaults);
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
    query.delete('after');
    query.delete('before');
    // Meta's paging links carry the caller's access_token, so they work when followed verbatim
    // (Meta: Graph API, Using the Graph API > Paginated results).
    if (!query.has('access_token') && ctx.token) query.set('access_token', ctx.token);
    const proof = stringParam(ctx, 'appsecret_proof');
    if (!query.has('appsecret_proof') && proof) query.set('appsecret_proof', proof);
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

/** Projects each item with selectItemFields and pages the result: the shape of every list edge. */
export function pageOf<T>(
  ctx: GraphContext,
  nodeType: string,
  items: T[],
  getters: (item: T) => FieldGetters,
  defaults: string[],
  defaultLimit = 25,
  maxLimit = 100,
) {
  return page(
    ctx,
    items.map((item) => selectItemFields(ctx, nodeType, getters(item), defaults)),
    defaultLimit,
    maxLimit,
  );
}
