/**
 * How dates and long identifiers read across the dashboard: one format for days and one for
 * moments, in the browser's locale and time zone, with a 24-hour clock so that a time never
 * needs an AM/PM to be read right.
 */

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

function parse(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A day, e.g. "Dec 3, 2026"; "—" when there is none. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return parse(iso)?.toLocaleDateString(undefined, DAY) ?? iso;
}

/** A moment to the second, e.g. "Dec 3, 2026, 18:35:48"; "—" when there is none. */
export function formatDateTime(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = parse(iso);
  if (!date) return String(iso);
  return date.toLocaleString(undefined, { ...DAY, ...CLOCK, second: '2-digit' });
}

/**
 * A point on a time axis: "18:00" when the axis stays within one day, "Dec 3 18:00" when it
 * spans more, and "Dec 3" when its ticks are whole days apart.
 */
export function formatAxisTime(ms: number, show: 'time' | 'day-time' | 'day'): string {
  const date = new Date(ms);
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (show === 'day') return day;
  const clock = date.toLocaleTimeString(undefined, CLOCK);
  return show === 'time' ? clock : `${day} ${clock}`;
}

/** The first and last characters of a fingerprint or id, for a table cell with the whole in a title. */
export function shorten(text: string, keep = 8): string {
  if (text.length <= keep * 2 + 1) return text;
  return `${text.slice(0, keep)}…${text.slice(-keep)}`;
}
