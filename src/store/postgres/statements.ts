import type { QueryResult, QueryResultRow } from 'pg';
import { conflict, notFound, StoreError, StoreErrorCode } from '../errors.ts';
import type { ChangedItem } from '../types.ts';

/** A pooled client inside a transaction, or the pool itself for reads outside one. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** What a data handle needs from the transaction that owns it. */
export interface TxContext {
  client: Queryable;
  /** Records a configuration change, to bump the version once at commit. */
  record(item: ChangedItem): void;
  /** Throws when the transaction has already ended. */
  assertOpen(): void;
}

type Row = Record<string, unknown>;

/** SQL written with `?` placeholders, numbered the way PostgreSQL wants them; cached. */
const numbered = new Map<string, string>();

function toNumbered(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

/**
 * Base of the PostgreSQL data handles: queries through the transaction's client and the
 * translation of PostgreSQL errors into store errors. Statements use `?` placeholders, like
 * the SQLite handles, so that the two read alike; no statement contains a literal `?`.
 */
export class Statements {
  protected readonly ctx: TxContext;

  constructor(ctx: TxContext) {
    this.ctx = ctx;
  }

  protected async query(what: string, sql: string, params: unknown[]): Promise<QueryResult<Row>> {
    this.ctx.assertOpen();
    try {
      return await this.ctx.client.query<Row>(toNumbered(sql), params);
    } catch (err) {
      throw translate(what, err);
    }
  }

  protected async all(sql: string, ...params: unknown[]): Promise<Row[]> {
    return (await this.query('reading', sql, params)).rows;
  }

  protected async get(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await this.query('reading', sql, params)).rows[0];
  }

  /** Runs a write, turning constraint failures into store errors that name the record. */
  protected async run(what: string, sql: string, ...params: unknown[]): Promise<number> {
    return (await this.query(what, sql, params)).rowCount ?? 0;
  }

  protected async count(sql: string, ...params: unknown[]): Promise<number> {
    return ((await this.get(sql, ...params))?.n as number | undefined) ?? 0;
  }

  protected must<T>(value: T | undefined, type: string, id: string): T {
    if (value === undefined) throw notFound(type, id);
    return value;
  }
}

/** SQLSTATE classes and Node socket errors that mean the server cannot be reached or used. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/** Turns a PostgreSQL or connection error into a store error; leaves others alone. */
export function translate(what: string, err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string }).code ?? '';
  // SQLSTATE 23505 unique_violation, 23503 foreign_key_violation (PostgreSQL appendix A).
  if (code === '23505') return conflict(`${what}: already exists`);
  if (code === '23503') {
    return new StoreError(StoreErrorCode.Conflict, `${what}: refers to a missing record`);
  }
  if (isUnavailable(err)) {
    const message = (err as Error).message || code;
    return new StoreError(StoreErrorCode.Unavailable, `${what}: database unavailable: ${message}`, {
      cause: err,
    });
  }
  return err;
}

/**
 * Whether an error means the database is out of reach: a socket error, a connection that
 * ended, or SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect
 * now) or 53300 (too many connections).
 */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code === '53300') return true;
  if (code === '57P01' || code === '57P02' || code === '57P03') return true;
  const message = (err as { message?: string }).message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|connection error/i.test(
    message,
  );
}
