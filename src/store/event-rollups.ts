import type { AnalyticsQuery } from './store.ts';
import type { FirewallEvent } from './types.ts';

// The arithmetic of the event rollups, shared by every backend so that their analytics agree
// to the event.

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Rollup tables of the ranked columns, coarsest first. */
export const LEVELS = [
  { table: 'event_rollups_daily', column: 'day', unit: DAY },
  { table: 'event_rollups', column: 'hour', unit: HOUR },
] as const;
export type Level = (typeof LEVELS)[number];

/** The event columns the Overview ranks, by the name of their rollup dimension. */
export const DIMENSIONS = {
  rule: 'rule_id',
  host: 'host',
  reason: 'reason',
  cert: 'cert_fingerprint',
  action: 'action',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/**
 * Buckets last whole minutes and start on the minute of `since`: the per-minute rollup can
 * only be divided at minute boundaries, and this keeps every count exact.
 */
export function bucketing(q: AnalyticsQuery): { anchor: number; step: number } {
  return {
    anchor: Math.floor(q.since / MINUTE) * MINUTE,
    step: Math.max(MINUTE, Math.ceil(q.bucketMs / MINUTE) * MINUTE),
  };
}

/** The value of each ranked column of an event. */
export function dimensionValues(e: FirewallEvent): [Dimension, string | null][] {
  return [
    ['rule', e.ruleId],
    ['host', e.host],
    ['reason', e.reason],
    ['cert', e.certFingerprint],
    ['action', e.action],
  ];
}

/**
 * The parts of [since, until) outside the whole units [first, last) (in units of `unit`):
 * at most one piece before and one after; the whole range when it holds no whole unit.
 */
export function edges(
  since: number,
  until: number,
  first: number,
  last: number,
  unit: number,
): readonly (readonly [number, number])[] {
  if (first >= last) return [[since, until]] as const;
  const parts: [number, number][] = [];
  if (since < first * unit) parts.push([since, first * unit]);
  if (last * unit < until) parts.push([last * unit, until]);
  return parts;
}

export function encodeCursor(e: FirewallEvent): string {
  return Buffer.from(`${e.time}:${e.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { time: number; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const t = Number(time);
  return Number.isSafeInteger(t) && id ? { time: t, id } : undefined;
}

/** Rolls a batch up: per level, counts keyed by zone, unit, dimension and value; per minute. */
export function rollUp(events: FirewallEvent[]): {
  levels: Map<string, number>[];
  minutes: Map<string, number>;
} {
  const levels = LEVELS.map(() => new Map<string, number>());
  const minutes = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const e of events) {
    LEVELS.forEach((level, i) => {
      const unit = Math.floor(e.time / level.unit);
      for (const [dim, value] of dimensionValues(e)) {
        if (value !== null) add(levels[i]!, `${e.zoneId}\0${unit}\0${dim}\0${value}`);
      }
    });
    add(minutes, `${e.zoneId}\0${Math.floor(e.time / MINUTE)}\0${e.action}`);
  }
  return { levels, minutes };
}

/** Sorts a count map into the top `n` entries, most frequent first, ties by value. */
export function topEntries(counts: Map<string, number> | undefined, n: number) {
  return [...(counts ?? new Map<string, number>())]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, n);
}
