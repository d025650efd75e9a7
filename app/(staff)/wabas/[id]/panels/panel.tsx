import type { ReactNode } from 'react';
import { When } from '@/components/staff/display';
import { maskPayload } from '@/lib/webhooks/event-log';

// The account page's building blocks: a titled panel, a labelled fact, and Meta's raw read behind a
// disclosure (masked).

export function Panel({ title, testId, id, readAt, children }: { title: string; testId?: string; id?: string; readAt?: Date | null; children: ReactNode }) {
  return (
    <section id={id} className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title} data-testid={testId}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-medium">{title}</h2>
        {readAt !== undefined ? (
          <span className="text-xs text-slate-500">
            {readAt ? (
              <>
                Read from Meta <When at={readAt} />
              </>
            ) : (
              'Not read from Meta yet: refresh'
            )}
          </span>
        ) : null}
      </div>
      {children}
    </section>
  );
}

export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children ?? <span className="text-slate-400">Not reported</span>}</dd>
    </div>
  );
}

export function RawDisclosure({ value, summary = 'What Meta returned (raw, masked)' }: { value: unknown; summary?: string }) {
  if (value === null || value === undefined) return null;
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer text-slate-600">{summary}</summary>
      <pre className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(maskPayload(value), null, 2)}</pre>
    </details>
  );
}

/** An action area that only operators and admins see. */
export function Actions({ children }: { children: ReactNode }) {
  return <div className="mt-4 flex flex-wrap items-start gap-6 border-t border-slate-100 pt-4">{children}</div>;
}
