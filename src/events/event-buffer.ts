import type { FirewallEvent } from '../store/index.ts';

export interface EventBufferOptions {
  /** Where batches go; for the store, `(batch) => store.insertEvents(batch)`. */
  write: (batch: FirewallEvent[]) => Promise<void>;
  /** Events kept in memory at most; past it, new events are dropped and counted. Default 10,000. */
  capacity?: number;
  /** A batch is written when it reaches this size. Default 500. */
  batchSize?: number;
  /** ...or when this much time has passed since the last write. Default 1 s. */
  flushIntervalMs?: number;
  /** Called when a batch fails to be written (the batch is dropped and counted). */
  onError?: (err: unknown, dropped: number) => void;
  /**
   * Whether a failed batch should wait for the next write instead of being dropped: storage
   * that is away for a while (an unreachable database) rather than refusing the events.
   * Kept batches still count against the capacity. Default: never.
   */
  keepOnError?: (err: unknown) => boolean;
}

/**
 * Collects firewall events on the hot path and writes them in batches off it: `push` never
 * waits on storage. When storage falls behind and the buffer is full, new events are dropped
 * and counted in `dropped`, which is itself reported, so losing events is never silent.
 */
export class EventBuffer {
  #events: FirewallEvent[] = [];
  #dropped = 0;
  #writing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #options: Required<Omit<EventBufferOptions, 'onError' | 'keepOnError'>> &
    Pick<EventBufferOptions, 'onError' | 'keepOnError'>;

  constructor(options: EventBufferOptions) {
    this.#options = {
      capacity: 10_000,
      batchSize: 500,
      flushIntervalMs: 1_000,
      ...options,
    };
    this.#timer = setInterval(() => void this.flush(), this.#options.flushIntervalMs);
    this.#timer.unref();
  }

  /** How many events were dropped since the start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.#events.length;
  }

  push(event: FirewallEvent): void {
    if (this.#events.length >= this.#options.capacity) {
      this.#dropped++;
      return;
    }
    this.#events.push(event);
    if (this.#events.length >= this.#options.batchSize && !this.#writing) void this.flush();
  }

  /** Writes what is buffered; resolves when it is stored (or dropped after an error). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#events.length === 0) return;
    const batch = this.#events;
    this.#events = [];
    this.#writing = this.#options.write(batch).catch((err: unknown) => {
      if (this.#options.keepOnError?.(err)) {
        // Back in front of what arrived meanwhile, oldest first; past the capacity, the
        // newest go, as they would have at push.
        const kept = batch.concat(this.#events);
        const excess = Math.max(0, kept.length - this.#options.capacity);
        this.#events = kept.slice(0, kept.length - excess);
        this.#dropped += excess;
        if (excess > 0) this.#options.onError?.(err, excess);
        return;
      }
      this.#dropped += batch.length;
      this.#options.onError?.(err, batch.length);
    });
    try {
      await this.#writing;
    } finally {
      this.#writing = undefined;
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
