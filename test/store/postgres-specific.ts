import type pg from 'pg';
import type { PostgresStoreOptions, Store } from '../../src/store/index.ts';

export interface PostgresTestKit {
  url: string;
  admin: pg.Pool;
  open(schema: string, extra?: Partial<PostgresStoreOptions>): Promise<Store>;
  freshSchema(): string;
}

/** Behaviour that only the PostgreSQL store has. */
export function postgresContract(_kit: PostgresTestKit): void {}
