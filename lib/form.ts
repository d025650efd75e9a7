import type { z } from 'zod';

/** The one result shape of every form action; `values` refills the form (never with secrets). */
export type FormState = {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  ok?: string;
  values?: Record<string, string>;
};

const secretFields = new Set(['password', 'pin', 'token', 'code']);

/** The submitted text fields, minus secrets and Next's internal fields, to refill a form after an error. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    const secret = secretFields.has(key) || /password/i.test(key);
    if (typeof value === 'string' && !secret && !key.startsWith('$')) values[key] = value;
  }
  return values;
}

export function fieldErrorsOf(error: z.ZodError, formData?: FormData): FormState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    // Nested schemas (prefill.businessEmail, ids.0) report on the form's flat field.
    const key = String(issue.path.findLast((part) => typeof part === 'string') ?? 'form');
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return {
    // A single problem (often a hidden field: the id of a row) is said as it is.
    error: error.issues.length === 1 ? error.issues[0]!.message : 'Please correct the highlighted fields.',
    fieldErrors,
    values: formData ? formValues(formData) : undefined,
  };
}
