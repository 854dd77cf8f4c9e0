import pg from 'pg';
import { StoreError, StoreErrorCode } from '../errors.ts';
import { translate } from './statements.ts';

/** The options that shape every connection a store opens, pooled or listening. */
export interface ConnectionOptions {
  connectionString: string;
  schema?: string;
  connectTimeoutMs?: number;
  applicationName?: string;
}

/** A schema name that needs no quoting anywhere: in `search_path`, in DDL, in messages. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// int8 (OID 20) and numeric (OID 1700) come back from node-postgres as strings, to keep
// precision beyond 2^53; versions, counts and epoch milliseconds stay far below it, and the
// records expect numbers as SQLite returns them.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Checks the schema name; a name that would need quoting is refused as invalid. */
export function checkSchema(schema: string | undefined): void {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      StoreErrorCode.Invalid,
      `schema ${JSON.stringify(schema)}: use lowercase letters, digits and underscores`,
    );
  }
}

/** The configuration of a client or pool: search path, type parsers, connect timeout. */
export function clientConfig(options: ConnectionOptions, suffix = ''): pg.ClientConfig {
  return {
    connectionString: options.connectionString,
    // The schema is set for the whole session at startup, so that no statement can run
    // before it, as a `SET` after connecting would allow.
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    application_name: `${options.applicationName ?? 'portcullis'}${suffix}`,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types,
  };
}

/**
 * Checks out a pooled client, reporting an unreachable server as `Unavailable`. The pool
 * stops listening for a client's errors while it is checked out, and a connection that the
 * server closes between two queries (PostgreSQL shutting down) emits one with nobody to hear
 * it, which would end the process. The client listens for itself until it is released; the
 * next query on it fails, and the caller reports that.
 */
export async function connect(pool: pg.Pool, what: string): Promise<pg.PoolClient> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw unavailable(what, err);
  }
  const ignore = () => undefined;
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (destroy?: boolean | Error) => {
    client.off('error', ignore);
    return release(destroy);
  };
  return client;
}

/** A store error for a failure to reach the database, whatever the underlying error says. */
export function unavailable(what: string, err: unknown): StoreError {
  const translated = translate(what, err);
  if (translated instanceof StoreError) return translated;
  const message = (err as Error).message || String(err);
  return new StoreError(StoreErrorCode.Unavailable, `${what}: ${message}`, { cause: err });
}
