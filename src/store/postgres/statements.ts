import type { QueryResult, QueryResultRow } from 'pg';
import { conflict, StoreError, StoreErrorCode } from '../errors.ts';
import type { DataContext } from '../sql/statements.ts';

/** A pooled client inside a transaction, or the pool itself for reads outside one. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** What a PostgreSQL data handle needs from the transaction that owns it. */
export interface TxContext extends DataContext {
  client: Queryable;
}

/** SQL written with `?` placeholders, numbered the way PostgreSQL wants them; cached. */
const numbered = new Map<string, string>();

export function toNumbered(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
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
