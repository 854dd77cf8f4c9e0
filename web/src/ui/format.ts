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

/** A time of day to the second, e.g. "18:35:48"; "—" when there is none. */
export function formatClock(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = parse(value);
  if (!date) return String(value);
  return date.toLocaleTimeString(undefined, { ...CLOCK, second: '2-digit' });
}

/**
 * How long ago a moment was, in the largest unit that fits: "3 s ago", "12 min ago",
 * "5 h ago", "2 d ago"; "just now" under a second, which also covers a browser clock a little
 * behind the server's. "—" when there is none.
 */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  const date = iso ? parse(iso) : null;
  if (!date) return iso || '—';
  const seconds = Math.floor((now - date.getTime()) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
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
