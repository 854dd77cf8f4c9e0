import { notFound } from '../errors.ts';
import type { ChangedItem } from '../types.ts';
import type { Row, RowMappers } from './rows.ts';

/** A result now (SQLite answers synchronously) or later (PostgreSQL). */
export type Awaitable<T> = T | Promise<T>;

/** What a data handle needs from the transaction that owns it, whatever the backend. */
export interface DataContext {
  /** Records a configuration change, to bump the version once at commit. */
  record(item: ChangedItem): void;
  /** Throws when the transaction has already ended. */
  assertOpen(): void;
}

/** The few pieces of SQL and row reading that differ between SQLite and PostgreSQL. */
export interface SqlDialect {
  /** Row mappings for the way the driver returns booleans and JSON. */
  rows: RowMappers;
  /** The operator for a case-insensitive `LIKE`: SQLite's `LIKE` already ignores ASCII case. */
  likeCaseless: string;
  /** A query for the configuration version, as `n`. */
  configVersion: string;
}

/**
 * Base of the data handles of both SQL backends. Statements use `?` placeholders, which the
 * PostgreSQL handle numbers as `$1`, `$2`, …; no statement contains a literal `?`. Each backend
 * runs them through its driver and turns constraint failures into store errors that name the
 * record; SQLite answers at once, and awaiting its plain values costs no round trip.
 */
export abstract class Statements {
  protected readonly ctx: DataContext;
  protected readonly rows: RowMappers;
  protected readonly dialect: SqlDialect;

  constructor(ctx: DataContext, dialect: SqlDialect) {
    this.ctx = ctx;
    this.dialect = dialect;
    this.rows = dialect.rows;
  }

  protected abstract all(sql: string, ...params: unknown[]): Awaitable<Row[]>;

  protected abstract get(sql: string, ...params: unknown[]): Awaitable<Row | undefined>;

  /** Runs a write described by `what` and returns how many rows it changed. */
  protected abstract run(what: string, sql: string, ...params: unknown[]): Awaitable<number>;

  protected async count(sql: string, ...params: unknown[]): Promise<number> {
    return ((await this.get(sql, ...params))?.n as number | undefined) ?? 0;
  }

  protected must<T>(value: T | undefined, type: string, id: string): T {
    if (value === undefined) throw notFound(type, id);
    return value;
  }
}
