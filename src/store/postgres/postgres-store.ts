import pg from 'pg';
import { DATA_METHODS } from '../data-methods.ts';
import { StoreError, StoreErrorCode } from '../errors.ts';
import type { Migration } from '../migration.ts';
import type { Store, StoreData, Transaction } from '../store.ts';
import type { ChangedItem, ConfigChange } from '../types.ts';
import { checkSchema, clientConfig, connect, unavailable } from './connection.ts';
import { expectSchema, migrate, schemaVersion } from './migrate.ts';
import { postgresMigrations } from './migrations.ts';
import { CHANNEL, KEPT_CHANGES, PostgresFeed } from './postgres-feed.ts';
import { PostgresData } from './postgres-data.ts';
import { translate, type TxContext } from './statements.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`, as node-postgres reads it. */
  connectionString: string;
  /**
   * The schema to keep Portcullis's tables in, created when missing; the database's default
   * search path when absent. Lowercase letters, digits and underscores.
   */
  schema?: string;
  /** Connections in the pool, besides the one that listens for changes. Default 10. */
  poolSize?: number;
  /**
   * The name the store's connections show in `pg_stat_activity`; the connection that listens
   * for changes adds ` listen`. Default `portcullis`.
   */
  applicationName?: string;
  /** How long to wait for a connection before failing with `Unavailable`, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** How often subscribers' stores look for changes that no notification announced, ms. */
  pollIntervalMs?: number;
  /** Called when a change-feed subscriber throws, and when following changes fails. */
  onListenerError?: (err: unknown) => void;
  /** Migrations to apply; the shipped schema unless a test supplies its own. */
  migrations?: readonly Migration[];
  /**
   * Whether to bring the schema up to date. Edges pass false: they use the schema the control
   * plane keeps, and a schema older than their code counts as not reachable yet, so that an
   * edge upgraded first keeps serving its local copy until the control plane migrates.
   * Default true.
   */
  migrate?: boolean;
}

/** Methods that only read: they run on the pool, outside any transaction and its queue. */
const READS = new Set<string>(
  DATA_METHODS.filter(
    (m) => /^(get|list|query)/.test(m) || m === 'configVersion' || m === 'eventAnalytics',
  ),
);

/** Writes that never touch configuration, and so need not wait for its lock. */
const UNLOCKED = new Set<string>([
  'appendAudit',
  'insertEvents',
  'deleteEventsBefore',
  'reportEdge',
  'deleteEdge',
]);

/**
 * The shared store: PostgreSQL, for control planes and edges on several machines. Writes of a
 * configuration take the row lock of `config_version` at the start of their transaction, so
 * that writers in every process run one at a time, as SQLite's single writer does: rule
 * positions, sequence numbers and the version are computed as if alone. Within a process,
 * transactions also queue, so that `transaction` runs them one after the other.
 */
export class PostgresStore {
  readonly #pool: pg.Pool;
  readonly #feed: PostgresFeed;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(pool: pg.Pool, feed: PostgresFeed) {
    this.#pool = pool;
    this.#feed = feed;
  }

  /**
   * Connects, creates the schema if needed and applies pending migrations. Rejects with
   * `PORTCULLIS_ERR_STORE_UNAVAILABLE` when the server cannot be reached and with
   * `PORTCULLIS_ERR_STORE_SCHEMA_NEWER` when a newer Portcullis has migrated the schema.
   *
   * @example
   * const store = await PostgresStore.open({ connectionString: 'postgres://db/portcullis' });
   */
  static async open(options: PostgresStoreOptions): Promise<Store> {
    checkSchema(options.schema);
    const pool = new pg.Pool({
      ...clientConfig(options),
      max: options.poolSize ?? 10,
    });
    // An idle pooled connection that the server closes is dropped by the pool; the next
    // query opens a new one, so the error needs no handling beyond being caught here.
    pool.on('error', () => undefined);
    try {
      const migrations = options.migrations ?? postgresMigrations;
      if (options.migrate === false) await expectSchema(pool, options.schema, migrations);
      else await migrate(pool, options.schema, migrations);
      const { rows } = await pool.query<{ schema: string; version: number }>(
        'SELECT current_schema() AS schema, version FROM config_version',
      );
      const { schema, version } = rows[0]!;
      const store = new PostgresStore(pool, new PostgresFeed(pool, options, schema, version));
      return store.#facade();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err instanceof StoreError ? err : unavailable('opening the database', err);
    }
  }

  #facade(): Store {
    const methods = Object.fromEntries(
      DATA_METHODS.map((name) => [
        name,
        (...args: unknown[]) => {
          const call = (tx: StoreData) =>
            (tx[name] as (...a: unknown[]) => Promise<unknown>)(...args);
          if (READS.has(name)) return this.#read(call);
          return this.#enqueue(call, !UNLOCKED.has(name));
        },
      ]),
    ) as unknown as StoreData;
    return {
      ...methods,
      transaction: (fn) => this.#enqueue(fn, true),
      subscribe: (listener) => this.#feed.subscribe(listener),
      schemaVersion: () => this.#read(() => schemaVersion(this.#pool)),
      close: () => this.close(),
    };
  }

  async #read<T>(fn: (tx: StoreData) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError(StoreErrorCode.Unavailable, 'the store is closed');
    const ctx: TxContext = {
      client: this.#pool,
      record: () => {
        throw new Error('a read recorded a configuration change');
      },
      assertOpen: () => {},
    };
    try {
      return await fn(new PostgresData(ctx));
    } catch (err) {
      throw translate('reading', err);
    }
  }

  #enqueue<T>(fn: (tx: Transaction) => Promise<T>, lock: boolean): Promise<T> {
    const run = this.#queue.then(() => this.#runTransaction(fn, lock));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #runTransaction<T>(fn: (tx: Transaction) => Promise<T>, lock: boolean): Promise<T> {
    if (this.#closed) throw new StoreError(StoreErrorCode.Unavailable, 'the store is closed');
    const client = await connect(this.#pool, 'starting a transaction');
    const items: ChangedItem[] = [];
    let open = true;
    const ctx: TxContext = {
      client,
      record: (item) => items.push(item),
      assertOpen: () => {
        if (!open) throw new Error('store handle used after its transaction ended');
      },
    };
    let result: T;
    let change: ConfigChange | undefined;
    let broken: unknown;
    try {
      await client.query('BEGIN');
      if (lock) await client.query('SELECT version FROM config_version FOR UPDATE');
      result = await fn(new PostgresData(ctx));
      if (items.length > 0) change = { version: await this.#bump(client, items), items };
      await client.query('COMMIT');
    } catch (err) {
      broken = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw translate('running a transaction', err);
    } finally {
      open = false;
      // A connection that failed mid-transaction is not handed to the next caller.
      client.release(broken !== undefined && isBroken(broken));
    }
    if (change) this.#feed.committed(change);
    return result;
  }

  /**
   * Bumps the version (the row is already locked by this transaction), logs the change for
   * listeners that miss the notification, prunes the log and notifies: all in the
   * transaction, so PostgreSQL delivers the notification only if the change commits.
   */
  async #bump(client: pg.PoolClient, items: ChangedItem[]): Promise<number> {
    const { rows } = await client.query<{ version: number }>(
      `WITH bumped AS (UPDATE config_version SET version = version + 1 RETURNING version),
       logged AS (INSERT INTO config_changes (version, items) SELECT version, $1 FROM bumped),
       pruned AS (DELETE FROM config_changes WHERE version <= (SELECT version FROM bumped) - $2)
       SELECT version FROM bumped`,
      [JSON.stringify(items), KEPT_CHANGES],
    );
    const version = rows[0]!.version;
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, this.#feed.notice(version, items)]);
    return version;
  }

  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    await this.#feed.close();
    await this.#pool.end();
  }
}

/** Whether an error left the connection unusable, so that the pool should discard it. */
function isBroken(err: unknown): boolean {
  return (translate('', err) as { code?: string }).code === StoreErrorCode.Unavailable;
}
