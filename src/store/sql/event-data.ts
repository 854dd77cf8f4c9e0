import { StoreError, StoreErrorCode } from '../errors.ts';
import type { AnalyticsQuery, EventAnalytics, EventPage, EventQuery } from '../store.ts';
import type { FirewallEvent } from '../types.ts';
import { ListData } from './list-data.ts';
import type { Row } from './rows.ts';
import type { Awaitable } from './statements.ts';
import {
  bucketing,
  decodeCursor,
  dimensionValues,
  edges,
  encodeCursor,
  LEVELS,
  MINUTE,
  topEntries,
  type Dimension,
  type Level,
} from '../event-rollups.ts';

type Counts = Map<string, number>;

/**
 * Firewall events, and the rollups that keep the Overview fast: counts per day and per hour
 * for each ranked column and per minute for actions, updated in the transaction that stores a
 * batch. Analytics read whole days, hours and minutes from the rollups and only the partial
 * ones at the edges of the range from the events, so the answer is exact and its cost grows
 * with the length of the range in days and hours, not with the number of events.
 */
export abstract class EventData extends ListData {
  /** Stores a batch of events and adds them to the rollups; each dialect batches its own way. */
  abstract insertEvents(events: FirewallEvent[]): Promise<void>;

  async queryEvents(q: EventQuery): Promise<EventPage> {
    const where = ['zone_id = ?'];
    const params: unknown[] = [q.zoneId];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    eq('action', q.action);
    eq('host', q.host);
    eq('rule_id', q.ruleId);
    eq('reason', q.reason);
    eq('cert_fingerprint', q.certFingerprint);
    eq('client_ip', q.clientIp);
    if (q.since !== undefined) {
      where.push('time >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('time < ?');
      params.push(q.until);
    }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !after) {
      throw new StoreError(StoreErrorCode.Invalid, `cursor ${q.cursor} is not valid`);
    }
    if (after) {
      where.push('(time < ? OR (time = ? AND id < ?))');
      params.push(after.time, after.time, after.id);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 50, 1000));
    const rows = await this.all(
      `SELECT * FROM firewall_events WHERE ${where.join(' AND ')}
       ORDER BY time DESC, id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    const items = rows.slice(0, limit).map(this.rows.toFirewallEvent);
    const last = items.at(-1);
    return rows.length > limit && last ? { items, cursor: encodeCursor(last) } : { items };
  }

  async eventAnalytics(q: AnalyticsQuery): Promise<EventAnalytics> {
    const series = await this.#series(q);
    const ranked = await this.#ranked(q);
    const top = (dim: Dimension) => topEntries(ranked.get(dim), q.top);
    let total = 0;
    for (const { counts } of series) for (const n of Object.values(counts)) total += n;
    return {
      series,
      bucketMs: bucketing(q).step,
      total,
      topRules: top('rule'),
      topHosts: top('host'),
      topReasons: top('reason'),
      topCertificates: top('cert'),
      topActions: top('action'),
    };
  }

  async deleteEventsBefore(time: number): Promise<number> {
    // Rollups go by whole hours and minutes: one that straddles `time` keeps counting the
    // expired events of its first part until it is itself wholly expired.
    for (const level of LEVELS) {
      await this.run(
        'event rollups',
        `DELETE FROM ${level.table} WHERE ${level.column} < ?`,
        Math.floor(time / level.unit),
      );
    }
    await this.run(
      'event rollups',
      'DELETE FROM event_minutes WHERE minute < ?',
      Math.floor(time / MINUTE),
    );
    return this.run('firewall events', 'DELETE FROM firewall_events WHERE time < ?', time);
  }

  /**
   * The counts of one rollup level over its whole units `[first, last)`, summed per dimension
   * and value: rows of `dim`, `value` and `n`, in one grouped query.
   */
  protected rollupSums(
    level: Level,
    zoneId: string,
    first: number,
    last: number,
  ): Awaitable<Row[]> {
    return this.all(
      `SELECT dim, value, SUM(n) AS n FROM ${level.table} WHERE zone_id = ?
       AND ${level.column} >= ? AND ${level.column} < ? GROUP BY dim, value`,
      zoneId,
      first,
      last,
    );
  }

  /** Events per bucket and action: whole minutes from the rollup, the edges from events. */
  async #series(q: AnalyticsQuery): Promise<EventAnalytics['series']> {
    const buckets = new Map<number, Record<string, number>>();
    const { anchor, step } = bucketing(q);
    const add = (time: number, action: string, n: number) => {
      const start = anchor + Math.floor((time - anchor) / step) * step;
      const counts = buckets.get(start) ?? {};
      counts[action] = (counts[action] ?? 0) + n;
      buckets.set(start, counts);
    };
    const [first, last] = [Math.ceil(q.since / MINUTE), Math.floor(q.until / MINUTE)];
    if (first < last) {
      for (const r of await this.all(
        `SELECT minute, action, n FROM event_minutes
         WHERE zone_id = ? AND minute >= ? AND minute < ?`,
        q.zoneId,
        first,
        last,
      )) {
        add((r.minute as number) * MINUTE, r.action as string, r.n as number);
      }
    }
    for (const [from, to] of edges(q.since, q.until, first, last, MINUTE)) {
      for (const r of await this.all(
        `SELECT time, action FROM firewall_events WHERE zone_id = ? AND time >= ? AND time < ?`,
        q.zoneId,
        from,
        to,
      )) {
        add(r.time as number, r.action as string, 1);
      }
    }
    return [...buckets].sort((a, b) => a[0] - b[0]).map(([time, counts]) => ({ time, counts }));
  }

  /**
   * Counts per value of each ranked column: whole days from the daily rollup, whole hours of
   * what is left from the hourly one, and only the partial hours at the edges from events.
   */
  async #ranked(q: AnalyticsQuery): Promise<Map<Dimension, Counts>> {
    const out = new Map<Dimension, Counts>();
    const add = (dim: Dimension, value: string, n: number) => {
      const counts = out.get(dim) ?? new Map<string, number>();
      counts.set(value, (counts.get(value) ?? 0) + n);
      out.set(dim, counts);
    };
    let left: (readonly [number, number])[] = [[q.since, q.until]];
    for (const level of LEVELS) {
      const rest: (readonly [number, number])[] = [];
      for (const [from, to] of left) {
        const [first, last] = [Math.ceil(from / level.unit), Math.floor(to / level.unit)];
        if (first < last) {
          for (const r of await this.rollupSums(level, q.zoneId, first, last)) {
            add(r.dim as Dimension, r.value as string, r.n as number);
          }
        }
        rest.push(...edges(from, to, first, last, level.unit));
      }
      left = rest;
    }
    for (const [from, to] of left) {
      for (const r of await this.all(
        `SELECT * FROM firewall_events WHERE zone_id = ? AND time >= ? AND time < ?`,
        q.zoneId,
        from,
        to,
      )) {
        for (const [dim, value] of dimensionValues(this.rows.toFirewallEvent(r))) {
          if (value !== null) add(dim, value, 1);
        }
      }
    }
    return out;
  }
}
