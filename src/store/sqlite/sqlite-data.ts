import type Database from 'better-sqlite3';
import { LEVELS, DIMENSIONS, rollUp, type Dimension, type Level } from '../event-rollups.ts';
import { rowMappers, type Row } from '../sql/rows.ts';
import { SqlData } from '../sql/sql-data.ts';
import type { SqlDialect } from '../sql/statements.ts';
import type { FirewallEvent } from '../types.ts';
import { translate, type TxContext } from './statements.ts';

const SQLITE: SqlDialect = {
  // better-sqlite3 returns booleans as the 0/1 they are stored as, and JSON as its text.
  rows: rowMappers({
    bool: (v) => v === 1,
    json: <T>(v: unknown) => JSON.parse(v as string) as T,
  }),
  likeCaseless: 'LIKE',
  configVersion: "SELECT value AS n FROM meta WHERE key = 'config_version'",
};

/**
 * Every store operation on SQLite, run inside the transaction its context belongs to.
 * better-sqlite3 answers synchronously, so statements are prepared once per connection and
 * their results handed back as plain values.
 */
export class SqliteData extends SqlData {
  readonly #db: Database.Database;
  readonly #cache: Map<string, Database.Statement>;

  constructor(ctx: TxContext, cache: Map<string, Database.Statement>) {
    super(ctx, SQLITE);
    this.#db = ctx.db;
    this.#cache = cache;
  }

  async insertEvents(events: FirewallEvent[]): Promise<void> {
    // A statement per row costs no round trip here, and its plan is cached.
    const { levels: rollups, minutes } = rollUp(events);
    for (const e of events) {
      this.run(
        'firewall event',
        `INSERT INTO firewall_events (id, time, zone_id, host, rule_id, action, reason, client_ip,
           method, path, cert_fingerprint, cert_serial, ray_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        e.id,
        e.time,
        e.zoneId,
        e.host,
        e.ruleId,
        e.action,
        e.reason,
        e.clientIp,
        e.method,
        e.path,
        e.certFingerprint,
        e.certSerial,
        e.rayId,
      );
    }
    LEVELS.forEach((level, i) => {
      for (const [key, n] of rollups[i]!) {
        const [zoneId, unit, dim, value] = key.split('\0');
        this.run(
          'event rollup',
          `INSERT INTO ${level.table} (zone_id, ${level.column}, dim, value, n)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (zone_id, dim, ${level.column}, value) DO UPDATE SET n = n + excluded.n`,
          zoneId,
          Number(unit),
          dim,
          value,
          n,
        );
      }
    });
    for (const [key, n] of minutes) {
      const [zoneId, minute, action] = key.split('\0');
      this.run(
        'event rollup',
        `INSERT INTO event_minutes (zone_id, minute, action, n) VALUES (?, ?, ?, ?)
         ON CONFLICT (zone_id, minute, action) DO UPDATE SET n = n + excluded.n`,
        zoneId,
        Number(minute),
        action,
        n,
      );
    }
  }

  /**
   * One query per dimension: with `dim` fixed, the rollup's key (zone, dim, unit, value)
   * bounds the range of units, where a query over every dimension would scan the zone's rows.
   */
  protected override rollupSums(level: Level, zoneId: string, first: number, last: number): Row[] {
    const rows: Row[] = [];
    for (const dim of Object.keys(DIMENSIONS) as Dimension[]) {
      rows.push(
        ...this.all(
          `SELECT dim, value, SUM(n) AS n FROM ${level.table} WHERE zone_id = ? AND dim = ?
           AND ${level.column} >= ? AND ${level.column} < ? GROUP BY value`,
          zoneId,
          dim,
          first,
          last,
        ),
      );
    }
    return rows;
  }

  #stmt(sql: string): Database.Statement {
    this.ctx.assertOpen();
    let s = this.#cache.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }

  protected all(sql: string, ...params: unknown[]): Row[] {
    return this.#stmt(sql).all(...params) as Row[];
  }

  protected get(sql: string, ...params: unknown[]): Row | undefined {
    return this.#stmt(sql).get(...params) as Row | undefined;
  }

  protected run(what: string, sql: string, ...params: unknown[]): number {
    try {
      return this.#stmt(sql).run(...params).changes;
    } catch (err) {
      throw translate(what, err);
    }
  }
}
