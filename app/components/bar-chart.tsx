import { useId } from "react";

export interface Bar {
  /** Unique among the bars; the label when absent. */
  id?: string;
  label: string;
  value: number;
  /** A Tailwind fill class (e.g. `fill-amber-500`); the brand colour when absent. */
  fillClass?: string;
}

/** Row height in px: the label column and the SVG rows line up on it. */
const ROW = 28;
const BAR = 16;
/** The longest bar takes this share of the width, leaving room for its value. */
const MAX_SHARE = 85;

/**
 * A horizontal bar chart: bars drawn in SVG, scaled to the largest value, each with its value
 * written beside it; labels in a column on the left. Text keeps its size at any width (only the
 * bars stretch), and screen readers get the chart's title and every "label: value" as its
 * description. A zero keeps its row without a bar.
 */
export function BarChart({
  title,
  bars,
  format = (n) => String(n),
  empty,
}: {
  title: string;
  bars: readonly Bar[];
  format?: (value: number) => string;
  /** Shown instead of the chart when every value is zero. */
  empty: string;
}) {
  const id = useId();
  const max = Math.max(0, ...bars.map((b) => b.value));
  const summary = bars.map((b) => `${b.label}: ${format(b.value)}`).join("; ");
  return (
    <figure className="min-w-0">
      <figcaption id={`${id}-title`} className="mb-2 text-sm text-slate-600">
        {title}
      </figcaption>
      {max === 0 ? (
        <p className="rounded-md bg-slate-50 px-3 py-6 text-center text-sm text-slate-500">{empty}</p>
      ) : (
        <div className="grid grid-cols-[minmax(0,max-content)_1fr] gap-x-3">
          {/* The SVG carries the same labels in its description. */}
          <ul aria-hidden className="min-w-0 text-right text-xs text-slate-700">
            {bars.map((bar) => (
              <li
                key={bar.id ?? bar.label}
                title={bar.label}
                className="max-w-44 truncate"
                style={{ height: ROW, lineHeight: `${ROW}px` }}
              >
                {bar.label}
              </li>
            ))}
          </ul>
          <svg
            width="100%"
            height={bars.length * ROW}
            role="img"
            aria-labelledby={`${id}-title ${id}-desc`}
            className="block min-w-0 overflow-visible text-slate-700"
          >
            <desc id={`${id}-desc`}>{summary}</desc>
            {bars.map((bar, i) => {
              const share = (bar.value / max) * MAX_SHARE;
              const y = i * ROW + (ROW - BAR) / 2;
              return (
                <g key={bar.id ?? bar.label}>
                  <title>{`${bar.label}: ${format(bar.value)}`}</title>
                  {bar.value > 0 ? (
                    <rect
                      x={0}
                      y={y}
                      width={`${Math.max(share, 0.5)}%`}
                      height={BAR}
                      rx={3}
                      className={bar.fillClass ?? "fill-brand-500"}
                    />
                  ) : null}
                  <text
                    x={`${bar.value > 0 ? Math.max(share, 0.5) + 1 : 0}%`}
                    y={i * ROW + ROW / 2}
                    dominantBaseline="central"
                    fontSize={12}
                    className="fill-current font-medium tabular-nums"
                  >
                    {format(bar.value)}
                  </text>
                </g>
              );
            })}
          </svg>
        </div>
      )}
    </figure>
  );
}
