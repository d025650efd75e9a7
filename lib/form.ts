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

/**
 * The form state for a failed parse. Problems with hidden fields (a row's id, by default any `id` or
 * `…Id`) are said in words, since the person cannot see or fix those fields.
 */
export function fieldErrorsOf(error: z.ZodError, formData?: FormData, hidden: (key: string) => boolean = isIdentifier): FormState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    // Nested schemas (prefill.businessEmail, ids.0) report on the form's flat field.
    const key = String(issue.path.findLast((part) => typeof part === 'string') ?? 'form');
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const onHidden = Object.keys(fieldErrors).every(hidden);
  return {
    error: onHidden ? error.issues.map((i) => i.message).join(' ') : 'Please correct the highlighted fields.',
    fieldErrors,
    values: formData ? formValues(formData) : undefined,
  };
}

function isIdentifier(key: string): boolean {
  return key === 'id' || key.endsWith('Id');
}
