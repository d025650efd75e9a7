import { phonesOfWaba, type Sandbox } from '../state';
import { graphError, type GraphError } from './errors';

// Graph's usage headers and, when the realistic profile is on, the limits behind them
// (Meta: Graph API Rate Limits; Meta: WhatsApp Business Management API rate limits).

export type RateLimitSettings = {
  /** "off": headers only, nothing refused; "realistic": quotas enforced with Meta's errors. */
  profile: 'off' | 'realistic';
  /** Business Use Case calls per hour per WABA without a registered number (Meta: 200). */
  wabaCallsPerHour: number;
  /** ...and per WABA with at least one registered number (Meta: 5,000 for an active WABA). */
  activeWabaCallsPerHour: number;
  /** Platform calls per hour for the app (Meta: 200 × users; one fixed figure here). */
  appCallsPerHour: number;
  /** Calls per minute to one endpoint with one token before Meta's 613. */
  endpointCallsPerMinute: number;
};

export const defaultRateLimits: RateLimitSettings = {
  profile: 'off',
  wabaCallsPerHour: 200,
  activeWabaCallsPerHour: 5000,
  appCallsPerHour: 20_000,
  endpointCallsPerMinute: 600,
};

const HOUR = 3600_000;
const MINUTE = 60_000;

type Counters = { app: Map<string, number[]>; buc: Map<string, number[]>; endpoint: Map<string, number[]> };

const runtime = new WeakMap<Sandbox, Counters>();

function counters(sb: Sandbox): Counters {
  let c = runtime.get(sb);
  if (!c) {
    c = { app: new Map(), buc: new Map(), endpoint: new Map() };
    runtime.set(sb, c);
  }
  return c;
}

export function resetUsage(sb: Sandbox): void {
  runtime.delete(sb);
}

function hit(map: Map<string, number[]>, key: string, now: number, windowMs: number, count: boolean): number[] {
  const list = (map.get(key) ?? []).filter((t) => now - t < windowMs);
  if (count) list.push(now);
  map.set(key, list);
  return list;
}

export type UsageTarget = {
  appId: string | undefined;
  /** The WABA or business portfolio the call is about (Business Use Case object). */
  bucId: string | undefined;
  bucType: 'whatsapp_business_management' | 'whatsapp_business_messaging';
  endpointKey: string;
};

function wabaLimit(sb: Sandbox, id: string): number {
  const limits = sb.config.rateLimits;
  const waba = sb.state.wabas[id];
  if (!waba) return limits.activeWabaCallsPerHour;
  return phonesOfWaba(sb, id).some((p) => p.registeredAt !== undefined) ? limits.activeWabaCallsPerHour : limits.wabaCallsPerHour;
}

const percent = (used: number, limit: number) => Math.min(100, Math.round((used / Math.max(1, limit)) * 100));

/** Counts one call; returns the usage headers and, under the realistic profile, the error Meta would answer. */
export function countCall(sb: Sandbox, target: UsageTarget): { headers: Record<string, string>; error?: GraphError } {
  const c = counters(sb);
  const now = sb.clock.now();
  const limits = sb.config.rateLimits;
  const enforce = limits.profile === 'realistic';
  const appKey = target.appId ?? 'anonymous';
  const appCalls = hit(c.app, appKey, now, HOUR, true);
  const limited = target.bucType === 'whatsapp_business_management' && target.bucId !== undefined;
  const bucCalls = target.bucId ? hit(c.buc, `${target.bucId}:${target.bucType}`, now, HOUR, true) : [];
  const endpointCalls = hit(c.endpoint, `${appKey}:${target.endpointKey}`, now, MINUTE, true);
  const bucLimit = target.bucId && sb.state.wabas[target.bucId] ? wabaLimit(sb, target.bucId) : limits.activeWabaCallsPerHour;
  const appPct = percent(appCalls.length, limits.appCallsPerHour);
  const bucPct = limited ? percent(bucCalls.length, bucLimit) : 0;
  const regain = (list: number[], windowMs: number) => Math.max(0, Math.ceil(((list[0] ?? now) + windowMs - now) / MINUTE));
  const headers: Record<string, string> = {
    'x-app-usage': JSON.stringify({ call_count: appPct, total_cputime: Math.floor(appPct / 2), total_time: Math.floor(appPct / 2) }),
  };
  if (target.bucId) {
    headers['x-business-use-case-usage'] = JSON.stringify({
      [target.bucId]: [
        {
          type: target.bucType,
          call_count: bucPct,
          total_cputime: Math.floor(bucPct / 2),
          total_time: Math.floor(bucPct / 2),
          estimated_time_to_regain_access: bucPct >= 100 ? regain(bucCalls, HOUR) : 0,
        },
      ],
    });
  }
  if (!enforce) return { headers };
  if (limited && bucCalls.length > bucLimit) {
    return {
      headers,
      error: graphError(
        {
          message: '(#80007) There have been too many calls to this WhatsApp Business Account. Wait a bit and try again.',
          type: 'OAuthException',
          code: 80007,
          is_transient: true,
        },
        400,
      ),
    };
  }
  if (appCalls.length > limits.appCallsPerHour) {
    return { headers, error: graphError({ message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, is_transient: true }, 403) };
  }
  if (endpointCalls.length > limits.endpointCallsPerMinute) {
    return {
      headers,
      error: graphError({ message: '(#613) Calls to this api have exceeded the rate limit.', type: 'OAuthException', code: 613, is_transient: true }, 400),
    };
  }
  return { headers };
}
