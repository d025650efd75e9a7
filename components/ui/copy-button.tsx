'use client';

import { useState } from 'react';

/** Copies a link's address; says so, or asks to copy by hand when the browser refuses. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 2_000);
  }
  return (
    <button
      type="button"
      onClick={copy}
      aria-label={`Copy the address of ${label}`}
      className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
    >
      <span aria-live="polite">{copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy it' : 'Copy'}</span>
    </button>
  );
}
