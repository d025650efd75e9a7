import { scaleBand, scaleLinear } from 'd3-scale';

// A stacked bar chart as plain server-rendered SVG: positions are attributes and colours are
// classes, so nothing needs inline styles or scripts under the Content-Security-Policy. d3-scale
// computes the bands and the "nice" axis ticks. Each bar has a <title> for its exact values.

export type ChartBucket = { label: string; values: Record<string, number> };
export type ChartSeries = { key: string; label: string };

// Full class names, so Tailwind finds them in this file.
const fills = ['fill-brand-600', 'fill-sky-500', 'fill-amber-500', 'fill-violet-500', 'fill-rose-500', 'fill-slate-400'];
const swatches = ['bg-brand-600', 'bg-sky-500', 'bg-amber-500', 'bg-violet-500', 'bg-rose-500', 'bg-slate-400'];

const width = 760;
const height = 260;
const margin = { top: 12, right: 12, bottom: 28, left: 44 };

export function StackedBarChart({
  title,
  buckets,
  series,
  unit,
  testId,
}: {
  title: string;
  buckets: ChartBucket[];
  series: ChartSeries[];
  unit: string;
  testId?: string;
}) {
  const totals = buckets.map((b) => series.reduce((n, s) => n + (b.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const x = scaleBand<number>()
    .domain(buckets.map((_, i) => i))
    .range([margin.left, width - margin.right])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const ticks = y.ticks(4).filter((t) => Number.isInteger(t));
  // At most ~12 labels along the axis, whatever the number of buckets.
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 12));
  return (
    <figure data-testid={testId} className="rounded-xl border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title}: ${totals.reduce((a, b) => a + b, 0)} ${unit} in total`}
        className="h-auto w-full"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={margin.left} x2={width - margin.right} y1={y(t)} y2={y(t)} className="stroke-slate-200" />
            <text x={margin.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="fill-slate-500 text-[10px]">
              {t}
            </text>
          </g>
        ))}
        {buckets.map((bucket, i) => {
          let base = 0;
          const left = x(i) ?? 0;
          return (
            <g key={`${bucket.label}-${i}`} data-testid="chart-bar" data-total={totals[i]}>
              <title>{`${bucket.label}: ${series.map((s) => `${s.label} ${bucket.values[s.key] ?? 0}`).join(', ')}`}</title>
              {series.map((s, si) => {
                const value = bucket.values[s.key] ?? 0;
                if (value === 0) return null;
                const top = y(base + value);
                const bottom = y(base);
                base += value;
                return <rect key={s.key} x={left} y={top} width={x.bandwidth()} height={Math.max(0, bottom - top)} className={fills[si % fills.length]} />;
              })}
              {i % labelEvery === 0 ? (
                <text x={left + x.bandwidth() / 2} y={height - margin.bottom + 14} textAnchor="middle" className="fill-slate-500 text-[10px]">
                  {bucket.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} className="stroke-slate-400" />
      </svg>
      {series.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
          {series.map((s, si) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-sm ${swatches[si % swatches.length]}`} />
              {s.label}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
