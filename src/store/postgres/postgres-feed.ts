import pg from 'pg';
import { ChangeFeed } from '../change-feed.ts';
import type { ChangedItem, ConfigChange } from '../types.ts';
import { clientConfig, type ConnectionOptions } from './connection.ts';

/** The channel every store notifies on; payloads name their schema. */
export const CHANNEL = 'portcullis_config';

/** How many changes `config_changes` keeps for listeners that fell behind. */
export const KEPT_CHANGES = 10_000;

/** How many changes one catch-up query reads at most. */
const CATCH_UP_BATCH = 500;

/** Longest wait between attempts to reconnect the listening connection, ms. */
const MAX_RECONNECT_DELAY_MS = 10_000;

/** What a notification carries: the version, and its items unless they did not fit. */
interface Notice {
  schema: string;
  version: number;
  items: ChangedItem[] | null;
}

export interface FeedOptions extends ConnectionOptions {
  /** How often to look for changes that no notification announced, ms. Default 1000. */
  pollIntervalMs?: number;
  /** Called when a subscriber throws, and when following the database fails. */
  onListenerError?: (err: unknown) => void;
}

/**
 * Follows configuration changes committed by any process on the database and publishes each
 * version to this store's subscribers exactly once, in order. Three paths lead here: the
 * store's own commits (published at once), notifications on {@link CHANNEL} through a
 * dedicated LISTEN connection, and a poll of `config_changes` every `pollIntervalMs`. A
 * notification can be lost (PostgreSQL drops them for a listener that is disconnected), so
 * the poll bounds the delay of a missed one; whichever path comes first publishes a version
 * and the others find it already done.
 */
export class PostgresFeed {
  readonly #feed: ChangeFeed;
  readonly #pool: pg.Pool;
  readonly #options: FeedOptions;
  readonly #schema: string;
  readonly #onError: (err: unknown) => void;
  /** The last version published; every later one is published in turn. */
  #last: number;
  #subscribers = 0;
  #listener: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #reconnectDelay = 0;
  /** Counts starts and stops of following, so that a stale connection attempt gives up. */
  #generation = 0;
  #catchingUp: Promise<void> | undefined;
  #again = false;
  #failing = false;
  #closed = false;

  constructor(pool: pg.Pool, options: FeedOptions, schema: string, version: number) {
    this.#pool = pool;
    this.#options = options;
    this.#schema = schema;
    this.#last = version;
    this.#onError = options.onListenerError ?? (() => {});
    this.#feed = new ChangeFeed(this.#onError);
  }

  /** Adds a subscriber; the first one starts following the database, the last one stops. */
  subscribe(listener: (change: ConfigChange) => void): () => void {
    const off = this.#feed.subscribe(listener);
    if (++this.#subscribers === 1) this.#follow();
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      off();
      if (--this.#subscribers === 0) this.#unfollow();
    };
  }

  /** A change this store committed: published now unless an earlier one is still unheard. */
  committed(change: ConfigChange): void {
    // Without subscribers there is nobody to catch up for: skip what others committed.
    if (this.#subscribers === 0) this.#last = Math.max(this.#last, change.version - 1);
    this.#offer(change.version, change.items);
  }

  /** The text to notify with: the items ride along when the whole fits in a notification. */
  notice(version: number, items: ChangedItem[]): string {
    // PostgreSQL refuses a payload of 8000 bytes or more; leave room for the envelope.
    const full = JSON.stringify({ schema: this.#schema, version, items } satisfies Notice);
    if (Buffer.byteLength(full) < 7900) return full;
    return JSON.stringify({ schema: this.#schema, version, items: null } satisfies Notice);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unfollow();
    await this.#catchingUp;
  }

  #offer(version: number, items: ChangedItem[] | null): void {
    if (version <= this.#last) return;
    if (version === this.#last + 1 && items) {
      this.#last = version;
      this.#feed.publish({ version, items });
      return;
    }
    // An earlier version has not been heard yet, or the items must be read: fetch in order.
    if (this.#subscribers > 0) void this.#catchUp();
  }

  #follow(): void {
    this.#timer = setInterval(() => void this.#catchUp(), this.#options.pollIntervalMs ?? 1000);
    this.#timer.unref();
    void this.#listen();
    void this.#catchUp();
  }

  #unfollow(): void {
    this.#generation++;
    clearInterval(this.#timer);
    clearTimeout(this.#reconnect);
    this.#timer = this.#reconnect = undefined;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.end().catch(() => undefined);
  }

  async #listen(): Promise<void> {
    const generation = this.#generation;
    const current = () => generation === this.#generation && !this.#closed;
    const client = new pg.Client(clientConfig(this.#options, ' listen'));
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.#listener === client) this.#listener = undefined;
      client.end().catch(() => undefined);
      if (err) this.#report(err);
      if (current()) this.#scheduleListen();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => this.#notified(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (!current()) {
      lost = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.#listener = client;
    this.#reconnectDelay = 0;
    // Notifications sent while no connection listened are gone: read what they announced.
    void this.#catchUp();
  }

  #scheduleListen(): void {
    if (this.#subscribers === 0 || this.#closed || this.#reconnect) return;
    this.#reconnectDelay = Math.min(
      MAX_RECONNECT_DELAY_MS,
      Math.max(100, this.#reconnectDelay * 2),
    );
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      void this.#listen();
    }, this.#reconnectDelay);
    this.#reconnect.unref();
  }

  #notified(payload: string | undefined): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload ?? '') as Notice;
    } catch {
      return;
    }
    // Stores in other schemas of the same database share the channel.
    if (notice.schema !== this.#schema || !Number.isSafeInteger(notice.version)) return;
    this.#offer(notice.version, notice.items);
  }

  /** Publishes every committed version after the last published one; one run at a time. */
  #catchUp(): Promise<void> {
    if (this.#catchingUp) {
      this.#again = true;
      return this.#catchingUp;
    }
    const run = async () => {
      do {
        this.#again = false;
        const { rows } = await this.#pool.query<{ version: number; items: ChangedItem[] }>(
          'SELECT version, items FROM config_changes WHERE version > $1 ORDER BY version LIMIT $2',
          [this.#last, CATCH_UP_BATCH],
        );
        for (const row of rows) {
          if (this.#closed || this.#subscribers === 0) return;
          // A version missing before this one was pruned (more than KEPT_CHANGES behind);
          // it cannot be told any more, so the feed moves on to what is known.
          if (row.version > this.#last + 1) this.#last = row.version - 1;
          this.#offer(row.version, row.items);
        }
        if (rows.length === CATCH_UP_BATCH) this.#again = true;
      } while (this.#again && !this.#closed && this.#subscribers > 0);
    };
    this.#catchingUp = run()
      .then(() => {
        if (this.#failing) this.#failing = false;
      })
      .catch((err: unknown) => this.#report(err))
      .finally(() => {
        this.#catchingUp = undefined;
      });
    return this.#catchingUp;
  }

  /** Reports a failure to follow the database once, until following works again. */
  #report(err: unknown): void {
    if (this.#failing || this.#closed) return;
    this.#failing = true;
    this.#onError(err);
  }
}
