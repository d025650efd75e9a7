/** A timestamp shown in UTC (staff work across time zones; the event log filters in UTC too). */
export function When({ at }: { at: Date | null | undefined }) {
  if (!at) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={at.toISOString()} title={at.toISOString()}>
      {at.toISOString().slice(0, 19).replace('T', ' ')} UTC
    </time>
  );
}

/** "5 min", "3 h", "2 d": how long something has been waiting. */
export function age(at: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}
