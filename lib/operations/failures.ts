import { rootCause } from '@/lib/db/client';
import { isGraphError } from '@/lib/meta/graph';
import { StepFailure, type Failure } from '@/lib/operations/types';

// How a failed attempt reads and whether it is tried again: Meta's transient errors retry with
// backoff; 133016 and other permanent errors never do; our own failures retry like an outage.

const rateLimitCodes = new Set(['4', '17', '613', '80007', '80008']);

/** Meta's rate-limit codes (app, user, WABA and business-use-case limits). */
export function isRateLimitCode(code: string | null | undefined): boolean {
  return code !== null && code !== undefined && rateLimitCodes.has(code);
}

export function describeFailure(label: string, error: unknown): Failure {
  const doing = label.charAt(0).toLowerCase() + label.slice(1);
  if (error instanceof StepFailure) {
    return { code: error.code, fbtraceId: error.fbtraceId ?? null, staff: error.message, customer: error.message, retry: false };
  }
  if (isGraphError(error)) {
    const staff = `${error.hint} Meta said: ${error.message}`;
    const fbtraceId = error.fbtraceId ?? null;
    if (error.kind === 'transient') {
      return {
        code: error.auditCode,
        fbtraceId,
        staff,
        customer: `Meta was unavailable for too long while we tried to ${doing}. Our team has been told and will continue it for you.`,
        retry: true,
        rateLimited: rateLimitCodes.has(error.auditCode),
      };
    }
    return { code: error.auditCode, fbtraceId, staff, customer: `${label} failed: ${error.hint}`, retry: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    fbtraceId: null,
    staff: rootCause(error) || message,
    customer: `Something went wrong on our side while we tried to ${doing}. Our team has been told and will continue it for you.`,
    retry: true,
  };
}

/** Plain advice for staff reading a failed step, from its error code. */
export function adviceFor(code: string | null): string | null {
  if (!code) return null;
  if (rateLimitCodes.has(code)) return 'Meta is rate limiting these calls; the runner waits longer between attempts.';
  switch (code) {
    case '133016':
      return 'The number used its 10 register/deregister requests of the last 72 hours. Wait until the window passes, then resume.';
    case '133005':
      return 'The number has two-step verification with another PIN: the customer turns it off in WhatsApp Manager, then resume.';
    case '190':
      return 'Meta no longer accepts the customer’s token: send them a re-authorization link.';
    case 'timeout':
    case 'network':
      return 'Meta did not answer in time. Resume to try again; every step checks Meta’s state before acting.';
    case 'internal':
      return 'Our own failure (database or configuration). Check the server log, then resume.';
    case 'not_configured':
      return 'A partner setting is missing from the configuration (see the message).';
    default:
      return null;
  }
}
