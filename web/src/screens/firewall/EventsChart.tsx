/**
 * Firewall events over time, one stacked bar per time bucket, coloured by action. Plain SVG:
 * the chart has a text summary and a table fallback for screen readers.
 */
import type { FirewallAnalytics } from '../../api/types.ts';
import { formatAxisTime, formatDateTime } from '../../ui/format.ts';

export const ACTION_COLOURS: Record<string, string> = {
  block: '#d93025',
  allow: '#1e8e3e',
  log: '#1a73e8',
  skip: '#9aa0a6',
};

const WIDTH = 880;
const HEIGHT = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 26 };

/**
 * Gridlines for a count axis: a step of 1, 2 or 5 × 10^n, never below 1 since events are whole,
 * chosen so that at most five steps reach the highest bar. An empty chart gets 0 and 1.
 */
export function countTicks(highest: number): number[] {
  if (highest <= 0) return [0, 1];
  const rough = highest / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const nice = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const step = Math.max(1, nice);
  const top = Math.ceil(highest / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [5, 10, 15, 30]
  .map((m) => m * MINUTE)
  .concat([1, 2, 3, 6, 12].map((h) => h * HOUR));

/**
 * Time ticks on round local times, at most six, labelled with the day as soon as the range
 * spans more than a day or crosses midnight, so that no two labels read the same.
 */
export function timeTicks(since: number, until: number): { at: number; label: string }[] {
  const span = until - since;
  const step = TIME_STEPS.find((s) => span / s <= 6);
  const ticks: number[] = [];
  if (step) {
    // Align to the local clock, not UTC: "18:00" should fall on the hour wherever the browser is.
    const offset = new Date(since).getTimezoneOffset() * MINUTE;
    for (let t = Math.ceil((since - offset) / step) * step + offset; t <= until; t += step)
      ticks.push(t);
  } else {
    const first = new Date(since);
    first.setHours(0, 0, 0, 0);
    const days = Math.ceil(span / DAY / 7);
    for (const d = first; d.getTime() <= until; d.setDate(d.getDate() + days))
      if (d.getTime() >= since) ticks.push(d.getTime());
  }
  const crossesMidnight = new Date(since).toDateString() !== new Date(until).toDateString();
  const show = !step ? 'day' : span > DAY || crossesMidnight ? 'day-time' : 'time';
  return ticks.map((at) => ({ at, label: formatAxisTime(at, show) }));
}

/** Centred under its tick, unless that would run past an edge of the chart. */
function anchor(at: number, label: string): 'start' | 'middle' | 'end' {
  // About 6 pixels a character at the axis' 11px.
  const half = label.length * 3.2;
  if (at - half < 0) return 'start';
  if (at + half > WIDTH) return 'end';
  return 'middle';
}

/** "1 event", "2 events". */
export function eventCount(n: number): string {
  return `${n} ${n === 1 ? 'event' : 'events'}`;
}

export function EventsChart(props: { data: FirewallAnalytics }) {
  const { data } = props;
  const since = Date.parse(data.since);
  const until = Date.parse(data.until);
  const span = Math.max(until - since, 1);
  const bucketMs = data.bucket_seconds * 1000;
  const actions = [...new Set(data.timeseries.flatMap((b) => Object.keys(b.counts)))].sort();
  const totals = data.timeseries.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0));
  const ticks = countTicks(Math.max(0, ...totals));
  const max = ticks[ticks.length - 1] ?? 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - since) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const barW = Math.max(2, (bucketMs / span) * plotW - 2);
  const times = timeTicks(since, until);

  const summary =
    data.total === 0
      ? 'No firewall events in this time range.'
      : `${eventCount(data.total)}: ${actions
          .map((a) => `${a} ${data.timeseries.reduce((n, b) => n + (b.counts[a] ?? 0), 0)}`)
          .join(', ')}.`;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="chart-svg">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="chart-axis">
              {t}
            </text>
          </g>
        ))}
        {times.map((t) => (
          <g key={t.at}>
            <line
              x1={x(t.at)}
              x2={x(t.at)}
              y1={HEIGHT - PAD.bottom}
              y2={HEIGHT - PAD.bottom + 4}
              className="chart-grid"
            />
            <text
              x={x(t.at)}
              y={HEIGHT - 6}
              textAnchor={anchor(x(t.at), t.label)}
              className="chart-axis"
            >
              {t.label}
            </text>
          </g>
        ))}
        {data.total === 0 ? (
          <text
            x={PAD.left + plotW / 2}
            y={PAD.top + plotH / 2}
            textAnchor="middle"
            className="chart-empty"
          >
            No events in this range
          </text>
        ) : null}
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
                    <title>{`${formatDateTime(t)}: ${n} ${a}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
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
