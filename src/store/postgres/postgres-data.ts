import type { QueryResult } from 'pg';
import { LEVELS, rollUp } from '../event-rollups.ts';
import { rowMappers, type Row } from '../sql/rows.ts';
import { SqlData } from '../sql/sql-data.ts';
import type { SqlDialect } from '../sql/statements.ts';
import type { FirewallEvent } from '../types.ts';
import { toNumbered, translate, type TxContext } from './statements.ts';

const POSTGRES: SqlDialect = {
  // node-postgres returns `boolean` as booleans and parses `json` columns itself.
  rows: rowMappers({ bool: (v) => v === true, json: <T>(v: unknown) => v as T }),
  likeCaseless: 'ILIKE',
  configVersion: 'SELECT version AS n FROM config_version',
};

/**
 * Every store operation on PostgreSQL, run inside the transaction its context belongs to, or
 * on the pool for reads outside one. Every failure, reads included, goes through `translate`,
 * so that a lost connection surfaces as `Unavailable`.
 */
export class PostgresData extends SqlData {
  readonly #ctx: TxContext;

  constructor(ctx: TxContext) {
    super(ctx, POSTGRES);
    this.#ctx = ctx;
  }

  async insertEvents(events: FirewallEvent[]): Promise<void> {
    if (events.length === 0) return;
    const column = <K extends keyof FirewallEvent>(key: K) => events.map((e) => e[key]);
    // One statement per table whatever the batch size: arrays unnested into rows, which
    // stays clear of the 65,535 bind parameters a multi-row VALUES list would run into.
    await this.run(
      'firewall event',
      `INSERT INTO firewall_events (id, time, zone_id, host, rule_id, action, reason, client_ip,
         method, path, cert_fingerprint, cert_serial, ray_id)
       SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
         ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])`,
      column('id'),
      column('time'),
      column('zoneId'),
      column('host'),
      column('ruleId'),
      column('action'),
      column('reason'),
      column('clientIp'),
      column('method'),
      column('path'),
      column('certFingerprint'),
      column('certSerial'),
      column('rayId'),
    );
    const { levels, minutes } = rollUp(events);
    for (const [i, level] of LEVELS.entries()) {
      const rows = [...levels[i]!].map(([key, n]) => [...key.split('\0'), n]);
      await this.run(
        'event rollup',
        `INSERT INTO ${level.table} AS r (zone_id, ${level.column}, dim, value, n)
         SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[])
         ON CONFLICT (zone_id, dim, ${level.column}, value) DO UPDATE SET n = r.n + excluded.n`,
        ...[0, 1, 2, 3, 4].map((c) => rows.map((r) => r[c])),
      );
    }
    const rows = [...minutes].map(([key, n]) => [...key.split('\0'), n]);
    await this.run(
      'event rollup',
      `INSERT INTO event_minutes AS r (zone_id, minute, action, n)
       SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[])
       ON CONFLICT (zone_id, minute, action) DO UPDATE SET n = r.n + excluded.n`,
      ...[0, 1, 2, 3].map((c) => rows.map((r) => r[c])),
    );
  }

  protected async all(sql: string, ...params: unknown[]): Promise<Row[]> {
    return (await this.#query('reading', sql, params)).rows;
  }

  protected async get(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await this.#query('reading', sql, params)).rows[0];
  }

  protected async run(what: string, sql: string, ...params: unknown[]): Promise<number> {
    return (await this.#query(what, sql, params)).rowCount ?? 0;
  }

  async #query(what: string, sql: string, params: unknown[]): Promise<QueryResult<Row>> {
    this.ctx.assertOpen();
    try {
      return await this.#ctx.client.query<Row>(toNumbered(sql), params);
    } catch (err) {
      throw translate(what, err);
    }
  }
}
