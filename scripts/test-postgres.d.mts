/** A PostgreSQL server of the tests' own, in a temporary directory. */
export interface TemporaryPostgres {
  version: string;
  port: number;
  dir: string;
  /** `postgres://postgres@127.0.0.1:<port>/test` */
  url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

export const DEFAULT_TEST_DATABASE_URL: string;
export function providePostgres(): Promise<{ url: string; stop: () => void }>;
export function startTemporaryPostgres(): Promise<TemporaryPostgres>;
