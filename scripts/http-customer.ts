// A customer's browser reduced to HTTP, for benchmarks: a cookie jar, the public signup page's server
// actions called by name (their ids come from the production build's manifest), and the status JSON
// the status page polls. Each call names the portal instance it goes to, so that one customer's
// requests can be spread over several instances as a load balancer without sticky sessions would.
import { readFileSync } from 'node:fs';

type Manifest = { node: Record<string, { filename?: string; exportedName?: string }> };

/** Server action ids by export name for one actions module of the build in `.next`. */
export function actionIds(filename: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as Manifest;
  const ids: Record<string, string> = {};
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (entry.filename === filename && entry.exportedName) ids[entry.exportedName] = id;
  }
  return ids;
}

/** The value a server action returned, from its React Server Components response. */
function actionResult(body: string): unknown {
  const rows = new Map<string, unknown>();
  for (const line of body.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    try {
      rows.set(line.slice(0, colon), JSON.parse(line.slice(colon + 1)));
    } catch {
      // a row that is not JSON (none of the actions here return one)
    }
  }
  const head = rows.get('0') as { a?: unknown } | undefined;
  const value = typeof head?.a === 'string' && head.a.startsWith('$@') ? rows.get(head.a.slice(2)) : head?.a;
  return value === '$undefined' ? undefined : value;
}

export class HttpCustomer {
  private readonly cookies = new Map<string, string>();

  /** `address` is the customer's own address, sent as a proxy would (the portals run with TRUST_PROXY). */
  constructor(private readonly address: string) {}

  private headers(base: string): Record<string, string> {
    return {
      origin: base,
      'x-forwarded-for': this.address,
      ...(this.cookies.size > 0 && { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }),
    };
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  /** Calls a server action posted from `page` on the instance at `base`. */
  async action<T>(base: string, page: string, actionId: string, args: unknown[]): Promise<T> {
    const response = await fetch(`${base}${page}`, {
      method: 'POST',
      headers: { ...this.headers(base), 'next-action': actionId, accept: 'text/x-component', 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(args),
    }).catch((error: unknown) => {
      throw new Error(`server action on ${base}${page}: ${(error as Error).message}`, { cause: error });
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`server action on ${base}${page} answered ${response.status}: ${body.slice(0, 200)}`);
    this.keep(response);
    return actionResult(body) as T;
  }

  async getJson<T>(base: string, path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${base}${path}`, { headers: this.headers(base) }).catch((error: unknown) => {
      throw new Error(`GET ${base}${path}: ${(error as Error).message}`, { cause: error });
    });
    this.keep(response);
    return { status: response.status, body: (await response.json()) as T };
  }
}
