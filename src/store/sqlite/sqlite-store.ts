import Database from 'better-sqlite3';
import { ChangeFeed } from '../change-feed.ts';
import { StoreError, StoreErrorCode } from '../errors.ts';
import { checkMigrations, type Migration } from '../migration.ts';
import { DATA_METHODS } from '../data-methods.ts';
import type { Store, StoreData, Transaction } from '../store.ts';
import type { ChangedItem, ConfigChange } from '../types.ts';
import { sqliteMigrations } from './migrations.ts';
import { SqliteData } from './sqlite-data.ts';
import type { TxContext } from './statements.ts';

export interface SqliteStoreOptions {
  /** Path of the database file, or `:memory:`. */
  path: string;
  /** Migrations to apply; the shipped schema unless a test supplies its own. */
  migrations?: readonly Migration[];
  /** How long to wait for another process's write lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Called when a change-feed subscriber throws, and when following other processes fails. */
  onListenerError?: (err: unknown) => void;
  /**
   * While the store has subscribers, how often it looks for changes committed by other
   * processes on the same file, in ms. Default 1000.
   */
  pollIntervalMs?: number;
}

/** How many changes `config_changes` keeps for stores in other processes that poll it. */
const KEPT_CHANGES = 10_000;

/**
 * The embedded store: one SQLite file in WAL mode. Node runs one statement at a time, but an
 * async transaction yields between statements, so transactions are serialized by a queue:
 * nothing else reads or writes the connection while one is open, and a caller never sees a
 * change that may still roll back.
 *
 * Subscribers hear this store's commits at once. Another process writing the same file is
 * heard by polling the version while there are subscribers: the changes it missed are read
 * from `config_changes`, so that every version is published once, in order.
 */
export class SqliteStore {
  readonly #db: Database.Database;
  readonly #feed: ChangeFeed;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #pollIntervalMs: number;
  readonly #onError: (err: unknown) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** The last version published; every later one is published in turn. */
  #last: number;
  #subscribers = 0;
  #poll: NodeJS.Timeout | undefined;

  private constructor(db: Database.Database, options: SqliteStoreOptions) {
    this.#db = db;
    this.#onError = options.onListenerError ?? (() => {});
    this.#feed = new ChangeFeed(this.#onError);
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#last = currentVersion(db);
  }

  /** Opens (creating if needed) the database and applies pending migrations. */
  static open(options: SqliteStoreOptions): Store {
    const db = openDatabase(options);
    try {
      migrate(db, options.migrations ?? sqliteMigrations);
    } catch (err) {
      db.close();
      throw err;
    }
    const store = new SqliteStore(db, options);
    return store.#facade();
  }

  #facade(): Store {
    const methods = Object.fromEntries(
      DATA_METHODS.map((name) => [
        name,
        (...args: unknown[]) =>
          this.transaction((tx) => (tx[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
      ]),
    ) as unknown as StoreData;
    return {
      ...methods,
      transaction: (fn) => this.transaction(fn),
      subscribe: (listener) => this.#subscribe(listener),
      schemaVersion: async () => schemaVersion(this.#db),
      close: () => this.close(),
    };
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => this.#runTransaction(fn));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError(StoreErrorCode.Unavailable, 'the store is closed');
    const items: ChangedItem[] = [];
    let open = true;
    const ctx: TxContext = {
      db: this.#db,
      record: (item) => items.push(item),
      assertOpen: () => {
        if (!open) throw new Error('store handle used after its transaction ended');
      },
    };
    this.#db.exec('BEGIN IMMEDIATE');
    let result: T;
    let change: ConfigChange | undefined;
    try {
      result = await fn(new SqliteData(ctx, this.#statements));
      if (items.length > 0) change = { version: bumpVersion(this.#db, items), items };
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      open = false;
    }
    if (change) this.#publish(change);
    return result;
  }

  #subscribe(listener: (change: ConfigChange) => void): () => void {
    const off = this.#feed.subscribe(listener);
    if (++this.#subscribers === 1) {
      this.#poll = setInterval(() => this.#enqueueCatchUp(), this.#pollIntervalMs);
      this.#poll.unref();
    }
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off();
      if (--this.#subscribers === 0) clearInterval(this.#poll);
    };
  }

  /** Publishes a change this store committed, after any that other processes made first. */
  #publish(change: ConfigChange): void {
    if (change.version === this.#last + 1) {
      this.#last = change.version;
      this.#feed.publish(change);
    } else if (this.#subscribers > 0) {
      try {
        this.#catchUp();
      } catch (err) {
        this.#onError(err);
      }
    } else {
      this.#last = Math.max(this.#last, change.version);
    }
  }

  /** Catches up through the queue, so that no transaction of this store is open meanwhile. */
  #enqueueCatchUp(): void {
    const run = this.#queue.then(() => {
      if (this.#closed || this.#subscribers === 0) return;
      try {
        this.#catchUp();
      } catch (err) {
        this.#onError(err);
      }
    });
    this.#queue = run;
  }

  /** Publishes, in order, every change committed after the last one published. */
  #catchUp(): void {
    if (currentVersion(this.#db) <= this.#last) return;
    const rows = this.#db
      .prepare('SELECT version, items FROM config_changes WHERE version > ? ORDER BY version')
      .all(this.#last) as { version: number; items: string }[];
    for (const row of rows) {
      // A version pruned from the log (more than KEPT_CHANGES behind) cannot be told any
      // more; the feed moves on to what is known.
      this.#last = row.version;
      this.#feed.publish({ version: row.version, items: JSON.parse(row.items) as ChangedItem[] });
    }
  }

  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#poll);
    this.#db.close();
  }
}

function openDatabase(options: SqliteStoreOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `opening database ${options.path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return db;
}

function schemaVersion(db: Database.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}

/** Applies pending migrations, each in its own transaction with its record. */
function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const known = checkMigrations(migrations);
  const current = schemaVersion(db);
  if (current > known) {
    throw new StoreError(
      StoreErrorCode.SchemaNewer,
      `database ${db.name} has schema version ${current}, newer than this Portcullis knows ` +
        `(${known}): run a newer Portcullis or use another data directory`,
    );
  }
  if (current === known) return;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_on TEXT NOT NULL)`);
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_on) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

function currentVersion(db: Database.Database): number {
  const row = db.prepare("SELECT value AS v FROM meta WHERE key = 'config_version'").get() as {
    v: number;
  };
  return row.v;
}

/** Bumps the version and logs what changed, for stores in other processes that poll. */
function bumpVersion(db: Database.Database, items: ChangedItem[]): number {
  const row = db
    .prepare("UPDATE meta SET value = value + 1 WHERE key = 'config_version' RETURNING value AS v")
    .get() as { v: number };
  db.prepare('INSERT INTO config_changes (version, items) VALUES (?, ?)').run(
    row.v,
    JSON.stringify(items),
  );
  db.prepare('DELETE FROM config_changes WHERE version <= ?').run(row.v - KEPT_CHANGES);
  return row.v;
}
