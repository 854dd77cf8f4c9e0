import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { ConfigChange, Store } from '../store/index.ts';

/** Messages from the primary to an edge worker. */
type ToWorker = { kind: 'config-change'; change: ConfigChange } | { kind: 'shutdown' };

/** Messages from an edge worker to the primary. */
type ToPrimary =
  | { kind: 'listening'; port: number }
  | { kind: 'applied'; version: number }
  | { kind: 'store'; reachable: boolean }
  | { kind: 'failed'; message: string };

export interface EdgeClusterOptions {
  workers: number;
  store: Store;
  logger: Logger;
  /** Extra environment for the workers. */
  env: Record<string, string>;
  /** How long a worker has to start listening. Default 30 s. */
  startTimeoutMs?: number;
}

/**
 * The primary's side of a multi-core edge: it forks one edge worker per core, forwards every
 * committed configuration change to each of them, and knows which version all of them serve,
 * so that a revocation is reported done only when every worker enforces it. Workers share the
 * listening port (node's cluster hands out connections); a worker that dies is replaced.
 */
export class EdgeCluster {
  readonly #options: EdgeClusterOptions;
  readonly #applied = new Map<number, number>();
  readonly #unreachable = new Set<number>();
  readonly #waiters = new Set<() => void>();
  readonly #aggregator = new AggregatorRegistry();
  #port = 0;
  #closing = false;
  #unsubscribe: (() => void) | undefined;

  private constructor(options: EdgeClusterOptions) {
    this.#options = options;
  }

  static async start(options: EdgeClusterOptions): Promise<EdgeCluster> {
    const edge = new EdgeCluster(options);
    edge.#unsubscribe = options.store.subscribe((change) =>
      edge.#broadcast({ kind: 'config-change', change }),
    );
    cluster.on('exit', (worker, code, signal) => edge.#onExit(worker, code, signal));
    try {
      await Promise.all(Array.from({ length: options.workers }, () => edge.#fork()));
    } catch (err) {
      await edge.close();
      throw err;
    }
    return edge;
  }

  get port(): number {
    return this.#port;
  }

  /** The version every live worker serves. */
  get appliedVersion(): number {
    const versions = [...this.#applied.values()];
    return versions.length === 0 ? 0 : Math.min(...versions);
  }

  /** Whether every worker reaches the store. */
  get storeReachable(): boolean {
    return this.#unreachable.size === 0;
  }

  async waitForVersion(version: number): Promise<void> {
    while (this.appliedVersion < version) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }

  /** Every worker's metrics, summed where Prometheus would sum them (counters, gauges). */
  metrics(): Promise<string> {
    return this.#aggregator.clusterMetrics();
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#unsubscribe?.();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const timer = setTimeout(() => w.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.send({ kind: 'shutdown' } satisfies ToWorker);
          }),
      ),
    );
  }

  #fork(): Promise<void> {
    const worker = cluster.fork(this.#options.env);
    this.#applied.set(worker.id, 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`edge worker ${worker.id} did not start in time`)),
        this.#options.startTimeoutMs ?? 30_000,
      );
      worker.on('message', (message: ToPrimary) => {
        if (message.kind === 'listening') {
          this.#port = message.port;
          clearTimeout(timer);
          resolve();
        } else if (message.kind === 'failed') {
          clearTimeout(timer);
          reject(new Error(message.message));
        } else if (message.kind === 'store') {
          if (message.reachable) this.#unreachable.delete(worker.id);
          else this.#unreachable.add(worker.id);
        } else if (message.kind === 'applied') {
          this.#applied.set(worker.id, message.version);
          for (const wake of [...this.#waiters]) wake();
        }
      });
    });
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    this.#applied.delete(worker.id);
    this.#unreachable.delete(worker.id);
    for (const wake of [...this.#waiters]) wake();
    if (this.#closing) return;
    this.#options.logger.error(
      { worker: worker.id, code, signal },
      'edge worker died, starting another',
    );
    this.#fork().catch((err: unknown) =>
      this.#options.logger.error({ err }, 'edge worker could not be replaced'),
    );
  }

  #broadcast(message: ToWorker): void {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.isConnected()) worker.send(message);
    }
  }
}

/** The worker's side: configuration changes from the primary, and reports back to it. */
export const workerChannel = {
  /** Subscribes to the changes the primary forwards. */
  changes(listener: (change: ConfigChange) => void): () => void {
    const onMessage = (message: ToWorker) => {
      if (message.kind === 'config-change') listener(message.change);
    };
    process.on('message', onMessage);
    return () => process.off('message', onMessage);
  },
  onShutdown(handler: () => void): void {
    process.on('message', (message: ToWorker) => {
      if (message.kind === 'shutdown') handler();
    });
  },
  send(message: ToPrimary): void {
    process.send?.(message);
  },
};
