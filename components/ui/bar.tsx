// A horizontal bar for a share of a whole. A progress element rather than a styled width: the
// Content-Security-Policy allows no inline styles.
export function Bar({ value, max, tone = 'brand', label }: { value: number; max: number; tone?: 'brand' | 'red'; label?: string }) {
  const fill =
    tone === 'red'
      ? '[&::-moz-progress-bar]:bg-red-500 [&::-webkit-progress-value]:bg-red-500'
      : '[&::-moz-progress-bar]:bg-brand-600 [&::-webkit-progress-value]:bg-brand-600';
  return (
    <progress
      value={value}
      max={Math.max(max, 1)}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      className={`h-3 w-full appearance-none overflow-hidden rounded [&::-webkit-progress-bar]:bg-slate-100 ${fill}`}
    />
  );
}
