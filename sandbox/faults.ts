import { z } from 'zod';
import type { Fault, Sandbox } from './state';

// Fault and latency injection for Graph calls: Meta errors (any code), 5xx, timeouts and latency,
// per endpoint pattern, by rate or for the next N calls. Draws come from the seeded PRNG.

export const faultInputSchema = z.object({
  method: z.enum(['GET', 'POST', 'DELETE']).optional(),
  path: z.string().min(1),
  kind: z.enum(['error', 'http5xx', 'timeout', 'latency']).default('error'),
  error: z
    .object({
      code: z.number().int(),
      subcode: z.number().int().optional(),
      message: z.string().optional(),
      type: z.string().optional(),
      httpStatus: z.number().int().min(400).max(599).optional(),
      isTransient: z.boolean().optional(),
    })
    .optional(),
  httpStatus: z.number().int().min(500).max(599).optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  rate: z.number().min(0).max(1).default(1),
  next: z.number().int().min(1).optional(),
});

export function addFault(sb: Sandbox, input: z.infer<typeof faultInputSchema>): Fault {
  if (input.kind === 'error' && !input.error) throw new Error('kind "error" needs error.code');
  const fault: Fault = {
    id: `f${1 + Math.max(0, ...sb.state.faults.map((f) => Number(f.id.slice(1)) || 0))}`,
    method: input.method,
    path: input.path.startsWith('/') ? input.path : `/${input.path}`,
    kind: input.kind,
    ...(input.error ? { error: input.error } : {}),
    ...(input.httpStatus ? { httpStatus: input.httpStatus } : {}),
    ...(input.latencyMs !== undefined ? { latencyMs: input.latencyMs } : {}),
    rate: input.rate,
    remaining: input.next ?? null,
    hits: 0,
  };
  sb.state.faults.push(fault);
  return fault;
}

/** "/v25.0/1234/register" → "/{id}/register". */
export function normalisePath(path: string): string {
  return path.replace(/\/\d{5,}(?=\/|$)/g, '/{id}');
}

function globToRegex(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? `\\${c}` : `\\${c}`));
  return new RegExp(
    `^${escaped
      .replace(/\\\*\\\*|\*\*/g, '§§')
      .replace(/\*/g, '[^/]*')
      .replace(/§§/g, '.*')}$`,
  );
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method && fault.method !== method) return false;
  const re = globToRegex(fault.path);
  return re.test(normalisePath(path)) || re.test(path);
}

/** Latency faults add up; the first matching error/5xx/timeout fault that fires wins. */
export function drawFaults(sb: Sandbox, method: string, path: string): { latencyMs: number; fault: Fault | undefined } {
  let latencyMs = 0;
  let fired: Fault | undefined;
  for (const fault of sb.state.faults) {
    if (fault.remaining === 0 || !matches(fault, method, path)) continue;
    if (fault.kind !== 'latency' && fired) continue;
    if (fault.rate < 1 && sb.rng.faults.next() >= fault.rate) continue;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    if (fault.kind === 'latency') latencyMs += fault.latencyMs ?? 1000;
    else fired = fault;
  }
  return { latencyMs, fault: fired };
}

/** The baseline latency of a Graph call: "realistic" is ~80-300 ms with an occasional slow call. */
export function baseLatency(sb: Sandbox): number {
  const latency = sb.config.latency;
  if (latency === 'none') return 0;
  if (typeof latency === 'number') return latency;
  const r = sb.rng.latency.next();
  if (r < 0.04) return 700 + Math.floor(sb.rng.latency.next() * 1300);
  return 80 + Math.floor(sb.rng.latency.next() * 220);
}
