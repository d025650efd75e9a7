import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../state';

// Meta's error envelope (Meta: Graph API, Handling errors). Handlers throw these; the router renders them.

export type GraphErrorBody = {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  error_data?: { messaging_product?: 'whatsapp'; details: string };
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
};

export type GraphError = Error & { graph: GraphErrorBody; httpStatus: number };

export function graphError(body: GraphErrorBody, httpStatus = 400): GraphError {
  return Object.assign(new Error(body.message), { graph: body, httpStatus });
}

export function isGraphError(error: unknown): error is GraphError {
  return error instanceof Error && 'graph' in error && 'httpStatus' in error;
}

/** A fresh trace id per response; not drawn from the seeded streams, so ids never repeat after a reset. */
export function fbtraceId(_sb: Sandbox): string {
  return `A${randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10)}`;
}

/** The error body; `traceId` is the request's x-fb-trace-id, which Meta repeats as fbtrace_id. */
export function envelope(sb: Sandbox, body: GraphErrorBody, traceId: string = fbtraceId(sb)) {
  return { error: { ...body, is_transient: body.is_transient ?? false, fbtrace_id: traceId } };
}

/** HTTP status Graph uses for a code (Meta: WhatsApp Cloud API error codes, for the phone codes). */
export function httpStatusFor(code: number): number {
  if (code === 1 || code === 133000 || code === 131045 || code === 131000) return 500;
  if (code === 2 || code === 133004) return 503;
  if (code === 10 || (code >= 200 && code <= 299) || code === 131031 || code === 3) return 403;
  return 400;
}

export function whatsappError(code: number, message: string, details: string, extra: Partial<GraphErrorBody> = {}): GraphError {
  // Meta's messages start with the code, e.g. "(#131047) Re-engagement message".
  const prefixed = message.startsWith('(#') ? message : `(#${code}) ${message}`;
  return graphError({ message: prefixed, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, ...extra }, httpStatusFor(code));
}

export function invalidParameter(details: string, message = '(#100) Invalid parameter'): GraphError {
  return whatsappError(100, message, details);
}

export function missingParameter(name: string): GraphError {
  return graphError({ message: `(#100) The parameter ${name} is required`, type: 'OAuthException', code: 100 });
}

export function objectNotFound(id: string, method: 'get' | 'post' | 'delete'): GraphError {
  return graphError({
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });
}

export function unknownPath(path: string): GraphError {
  return graphError({ message: `(#100) Unknown path components: ${path}`, type: 'OAuthException', code: 100 });
}

export function permissionError(details: string): GraphError {
  return graphError({ message: '(#200) Permissions error', type: 'OAuthException', code: 200, error_data: { details } }, 403);
}

export function nonexistingField(field: string, nodeType: string): GraphError {
  return graphError({ message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, type: 'OAuthException', code: 100 });
}
