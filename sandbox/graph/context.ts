import type { Params, UploadedFile } from '../http';
import type { Sandbox } from '../state';
import type { FieldSelection } from './fields';

export type GraphMethod = 'GET' | 'POST' | 'DELETE';

export type GraphContext = {
  sb: Sandbox;
  method: GraphMethod;
  version: string;
  /** Path after the version, e.g. "/1234/phone_numbers". */
  path: string;
  segments: string[];
  params: Params;
  files: UploadedFile[];
  headers: Record<string, string | string[] | undefined>;
  /** Origin the caller used to reach the sandbox, for paging links. */
  origin: string;
  query: URLSearchParams;
  /** The caller's access token as sent (header or parameter), for paging links. */
  token?: string;
  /** Expands an edge of the node being read (`phone_numbers{id}.limit(2)`); returns notAnEdge otherwise. */
  expand?: (selection: FieldSelection) => unknown;
};

export function stringParam(ctx: GraphContext, name: string): string | undefined {
  const value = ctx.params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'string') return value[0];
  return JSON.stringify(value);
}

/** Graph list params arrive as JSON arrays, JSON strings, Meta's own "['MANAGE']" form, or CSV. */
export function listParam(ctx: GraphContext, name: string): string[] | undefined {
  const value = ctx.params[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? parseListString(v) : [String(v)]));
  if (typeof value === 'string') return parseListString(value);
  return [String(value)];
}

function parseListString(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed.replace(/'/g, '"'));
      if (Array.isArray(parsed)) return parsed.map((v) => String(v));
    } catch {
      // fall through to CSV
    }
  }
  return trimmed === ''
    ? []
    : trimmed
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
}

export function objectParam(ctx: GraphContext, name: string): Record<string, unknown> | undefined {
  const value = ctx.params[name];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
