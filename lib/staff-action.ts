import { randomBytes } from 'node:crypto';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { Auditor } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { requireRole } from '@/lib/auth';
import type { StaffRole, StaffUser } from '@/lib/db/schema';
import { fieldErrorsOf, formValues, type FormState } from '@/lib/form';
import { log } from '@/lib/log';
import { isGraphError, type GraphError } from '@/lib/meta/graph';
import { UserError } from '@/lib/user-error';

// Every staff server action is built by `staffAction`: role check, zod parse of the input, the
// action, and its audit row, whatever happens. Only a UserError's message (or Meta's explained
// refusal) reaches the browser; anything else is logged and shown with a reference to quote.

/** What an action returns on success: the message to show, and what its audit row says. */
export type ActionResult = {
  ok: string;
  /** The audit action, when it depends on the input (enable / disable). */
  action?: string;
  target?: string | null;
  details?: Record<string, unknown>;
  /** Extra values for the island (never secrets, except a secret shown once on purpose). */
  data?: Record<string, unknown>;
};

export type StaffActionState = FormState & { data?: Record<string, unknown>; ref?: string };

export type ActionContext = { user: StaffUser; audit: Auditor };

type Definition<S extends z.ZodType> = {
  /** The audit action name, e.g. `link.create`. */
  action: string;
  role: StaffRole;
  schema: S;
  /** The audit target when the action failed before naming one (e.g. the id it was given). */
  targetOf?: (input: z.output<S>) => string | null | undefined;
  /** Fields the form sends in hidden inputs, besides `id` and `…Id` (their problems are said in words). */
  hidden?: readonly string[];
};

/** FormData as a plain object; a name given several times becomes an array. */
export function formObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith('$')) continue;
    const values = formData.getAll(key).filter((v): v is string => typeof v === 'string');
    out[key] = values.length > 1 ? values : values[0];
  }
  return out;
}

/** Meta's refusal, explained for staff with what they need to quote to Meta. */
export function describeGraphRefusal(error: GraphError): string {
  const reference = [`code ${error.auditCode}`, error.fbtraceId ? `fbtrace_id ${error.fbtraceId}` : null].filter(Boolean).join(', ');
  const said = error.userMessage ?? error.details ?? error.message;
  return `Meta refused: ${error.hint} (${reference}). Meta said: ${said}`;
}

export function staffAction<S extends z.ZodType>(
  definition: Definition<S>,
  run: (input: z.output<S>, context: ActionContext) => Promise<ActionResult>,
): (previous: StaffActionState, input: FormData | Record<string, unknown>) => Promise<StaffActionState> {
  return async (_previous, raw) => {
    const user = await requireRole(definition.role);
    const formData = raw instanceof FormData ? raw : undefined;
    const parsed = definition.schema.safeParse(formData ? formObject(formData) : raw);
    if (!parsed.success) {
      const hidden = definition.hidden ?? [];
      return fieldErrorsOf(parsed.error, formData, (key) => key === 'id' || key.endsWith('Id') || hidden.includes(key));
    }
    const audit = new Auditor(user.id, definition.action);
    const target = definition.targetOf?.(parsed.data) ?? null;
    let result: ActionResult;
    try {
      result = await run(parsed.data, { user, audit });
    } catch (error) {
      unstable_rethrow(error);
      const failure = describeFailure(error, definition.action);
      await safely(audit.record(db(), { target, details: { ok: false, error: failure.audited } }), definition.action);
      return definedOnly({ error: failure.shown, fieldErrors: failure.fieldErrors, ref: failure.ref, values: formData ? formValues(formData) : undefined });
    }
    if (!audit.recorded) {
      await safely(audit.record(db(), { action: result.action, target: result.target ?? target, details: { ...result.details, ok: true } }), definition.action);
    }
    return definedOnly({ ok: result.ok, data: result.data });
  };
}

function definedOnly(state: StaffActionState): StaffActionState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined));
}

/** An audit write that fails is logged; it never turns a done change into a reported failure. */
async function safely(write: Promise<void>, action: string): Promise<void> {
  await write.catch((error: unknown) => log.error({ err: error, action }, 'could not write the audit row of a staff action'));
}

function describeFailure(error: unknown, action: string): { shown: string; audited: string; fieldErrors?: Record<string, string[]>; ref?: string } {
  if (error instanceof UserError) return { shown: error.message, audited: error.message, fieldErrors: error.fieldErrors };
  if (isGraphError(error)) {
    const shown = describeGraphRefusal(error);
    return { shown, audited: shown };
  }
  const ref = randomBytes(4).toString('hex');
  log.error({ err: error, action, ref }, 'staff action failed');
  return { shown: `Something went wrong on our side. Quote reference ${ref} to your administrator.`, audited: `internal error (ref ${ref})`, ref };
}
