import type { z } from 'zod';

/** The one result shape of every form action. */
export type FormState = { error?: string; fieldErrors?: Record<string, string[]>; ok?: string };

export function fieldErrorsOf(error: z.ZodError): FormState {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { error: 'Please correct the highlighted fields.', fieldErrors };
}
