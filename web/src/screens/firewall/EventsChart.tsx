/**
 * Firewall events over time, one stacked bar per time bucket, coloured by action. Plain SVG:
 * the chart has a text summary and a table fallback for screen readers.
 */
import type { FirewallAnalytics } from '../../api/types.ts';

export const ACTION_COLOURS: Record<string, string> = {
  block: '#d93025',
  allow: '#1e8e3e',
  log: '#1a73e8',
  skip: '#9aa0a6',
};

const WIDTH = 880;
const HEIGHT = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 26 };

function niceMax(value: number): number {
  if (value <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return value;
}

function timeLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 2 * 86_400_000)
    return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function EventsChart(props: { data: FirewallAnalytics }) {
  const { data } = props;
  const since = Date.parse(data.since);
  const until = Date.parse(data.until);
  const span = Math.max(until - since, 1);
  const bucketMs = data.bucket_seconds * 1000;
  const actions = [...new Set(data.timeseries.flatMap((b) => Object.keys(b.counts)))].sort();
  const totals = data.timeseries.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - since) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const barW = Math.max(2, (bucketMs / span) * plotW - 2);
  const ticks = [0, max / 2, max];
  const timeTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => since + f * span);

  const summary =
    data.total === 0
      ? 'No firewall events in this time range.'
      : `${data.total} firewall events: ${actions
          .map((a) => `${a} ${data.timeseries.reduce((n, b) => n + (b.counts[a] ?? 0), 0)}`)
          .join(', ')}.`;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="chart-svg">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="chart-axis">
              {Math.round(t)}
            </text>
          </g>
        ))}
        {timeTicks.map((t, i) => (
          <text
            key={t}
            x={x(t)}
            y={HEIGHT - 6}
            textAnchor={i === 0 ? 'start' : i === timeTicks.length - 1 ? 'end' : 'middle'}
            className="chart-axis"
          >
            {timeLabel(t, span)}
          </text>
        ))}
        {data.timeseries.map((bucket) => {
          const t = Date.parse(bucket.time);
          let base = 0;
          return (
            <g key={bucket.time}>
              {actions.map((a) => {
                const n = bucket.counts[a] ?? 0;
                if (n === 0) return null;
                const top = y(base + n);
                const height = y(base) - top;
                base += n;
                return (
                  <rect
                    key={a}
                    x={Math.min(x(t), WIDTH - PAD.right - barW)}
                    y={top}
                    width={barW}
                    height={Math.max(height, 1)}
                    fill={ACTION_COLOURS[a] ?? '#777'}
                  >
                    <title>{`${new Date(t).toLocaleString()}: ${n} ${a}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {actions.length === 0 ? <span className="muted">{summary}</span> : null}
        {actions.map((a) => (
          <span key={a} className="legend-item">
            <span className="legend-swatch" style={{ background: ACTION_COLOURS[a] ?? '#777' }} />
            {a}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
