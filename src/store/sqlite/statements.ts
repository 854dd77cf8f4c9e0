import type Database from 'better-sqlite3';
import { conflict, StoreError, StoreErrorCode } from '../errors.ts';
import type { DataContext } from '../sql/statements.ts';

/** What a SQLite data handle needs from the transaction that owns it. */
export interface TxContext extends DataContext {
  db: Database.Database;
}

/** Turns a SQLite constraint failure into a store error that names the record. */
export function translate(what: string, err: unknown): unknown {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return conflict(`${what}: already exists`);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new StoreError(StoreErrorCode.Conflict, `${what}: refers to a missing record`);
  }
  return err;
}
