const tones: Record<string, string> = {
  connected: 'bg-brand-50 text-brand-700',
  processed: 'bg-brand-50 text-brand-700',
  delivered: 'bg-brand-50 text-brand-700',
  APPROVED: 'bg-brand-50 text-brand-700',
  disconnected: 'bg-amber-50 text-amber-800',
  unhandled: 'bg-amber-50 text-amber-800',
  received: 'bg-sky-50 text-sky-800',
  retrying: 'bg-amber-50 text-amber-800',
  ignored: 'bg-slate-100 text-slate-600',
  deleted: 'bg-red-50 text-red-800',
  failed: 'bg-red-50 text-red-800',
  dead: 'bg-red-50 text-red-800',
  REJECTED: 'bg-red-50 text-red-800',
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="text-slate-400">—</span>;
  return (
    <span data-status={status} className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${tones[status] ?? 'bg-slate-100 text-slate-700'}`}>
      {status}
    </span>
  );
}
