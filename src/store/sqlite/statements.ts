import type Database from 'better-sqlite3';
import { conflict, notFound, StoreError, StoreErrorCode } from '../errors.ts';
import type { ChangedItem } from '../types.ts';

/** What a data handle needs from the transaction that owns it. */
export interface TxContext {
  db: Database.Database;
  /** Records a configuration change, to bump the version once at commit. */
  record(item: ChangedItem): void;
  /** Throws when the transaction has already ended. */
  assertOpen(): void;
}

/** Base of the SQLite data handles: cached statements and SQLite error translation. */
export class Statements {
  protected readonly ctx: TxContext;
  readonly #cache: Map<string, Database.Statement>;

  constructor(ctx: TxContext, cache: Map<string, Database.Statement>) {
    this.ctx = ctx;
    this.#cache = cache;
  }

  protected stmt(sql: string): Database.Statement {
    this.ctx.assertOpen();
    let s = this.#cache.get(sql);
    if (!s) {
      s = this.ctx.db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }

  protected all(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    return this.stmt(sql).all(...params) as Record<string, unknown>[];
  }

  protected get(sql: string, ...params: unknown[]): Record<string, unknown> | undefined {
    return this.stmt(sql).get(...params) as Record<string, unknown> | undefined;
  }

  /** Runs a write, turning constraint failures into store errors that name the record. */
  protected run(what: string, sql: string, ...params: unknown[]): Database.RunResult {
    try {
      return this.stmt(sql).run(...params);
    } catch (err) {
      throw translate(what, err);
    }
  }

  protected count(sql: string, ...params: unknown[]): number {
    return (this.get(sql, ...params)?.n as number | undefined) ?? 0;
  }

  protected must<T>(value: T | undefined, type: string, id: string): T {
    if (value === undefined) throw notFound(type, id);
    return value;
  }
}

function translate(what: string, err: unknown): unknown {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return conflict(`${what}: already exists`);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new StoreError(StoreErrorCode.Conflict, `${what}: refers to a missing record`);
  }
  return err;
}

export { limits } from '../records.ts';
