import cluster from 'node:cluster';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AggregatorRegistry, collectDefaultMetrics, register, type Registry } from 'prom-client';
import { EdgeCluster, workerChannel } from '../edge/cluster.ts';
import { ECHO_ORIGIN_URL } from '../edge/echo-origin.ts';
import { EdgeServer, type EdgeServerOptions } from '../edge/edge-server.ts';
import { EdgeCertificates } from '../edge/server-certificates.ts';
import { EventBuffer } from '../events/event-buffer.ts';
import { SqliteStore, type Store } from '../store/index.ts';
import { createLogger } from './logger.ts';
import { loadMasterKey } from './master-key.ts';
import { listenError } from './ports.ts';
import type { ServeSettings } from './settings.ts';

/** File name of the embedded database inside the data directory. */
export const DATABASE_FILE = 'portcullis.db';

/** Passes the echo origin's address to edge workers; not a setting for operators. */
const ECHO_URL_ENV = 'PORTCULLIS_INTERNAL_ECHO_URL';

/** What `serve` needs of a running edge, whether one process or a cluster of workers. */
export interface RunningEdge {
  readonly port: number;
  /** Metrics kept outside this process's registry (a cluster's workers), as Prometheus text. */
  metrics?(): Promise<string>;
  waitForVersion(version: number): Promise<void>;
  close(): Promise<void>;
}

export interface EdgeStart {
  settings: ServeSettings;
  store: Store;
  logger: Logger;
  masterKey: Uint8Array;
  events: EventBuffer;
  echoUrl: string;
  /** Where an in-process edge registers its metrics. */
  registry: Registry;
}

/**
 * Starts the edge: in this process for one worker, or as a cluster of edge workers that
 * share the port. The edge CA is created here, before any worker starts, so that every worker
 * loads the same one.
 */
export async function startEdge(s: EdgeStart): Promise<RunningEdge> {
  const certificates = await EdgeCertificates.load(s.settings.dataDir, s.masterKey);
  try {
    if (s.settings.edgeWorkers > 1) {
      return await EdgeCluster.start({
        workers: s.settings.edgeWorkers,
        store: s.store,
        logger: s.logger.child({ component: 'edge' }),
        env: { [ECHO_URL_ENV]: s.echoUrl },
      });
    }
    const logger = s.logger.child({ component: 'edge' });
    return await EdgeServer.start(
      { ...edgeOptions(s.store, logger, certificates, s.events, s.echoUrl), registry: s.registry },
      s.settings.edgeListen.host,
      s.settings.edgeListen.port,
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'listen' || /EADDRINUSE|EACCES/.test(e.message)) {
      throw listenError(err, s.settings.edgeListen, 'PORTCULLIS_EDGE_LISTEN');
    }
    throw err;
  }
}

function edgeOptions(
  store: Store,
  logger: Logger,
  certificates: EdgeCertificates,
  events: EventBuffer,
  echoUrl: string,
): EdgeServerOptions {
  const echo = new URL(ECHO_ORIGIN_URL);
  return {
    store,
    logger,
    certificates,
    events,
    forwarder: { overrides: new Map([[`${echo.hostname}:80`, echoUrl]]) },
  };
}

/**
 * An edge worker of the cluster: its own store connection (SQLite in WAL mode takes readers
 * and writers from several processes), its own event buffer, changes from the primary, and
 * reports of every version it applies. Signals are the primary's business: it tells each
 * worker to shut down after it stops accepting.
 */
export async function serveEdgeWorker(settings: ServeSettings, env: NodeJS.ProcessEnv) {
  const logger = createLogger(settings.logFormat, settings.logLevel).child({
    component: 'edge',
    worker: cluster.worker?.id,
  });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  try {
    const masterKey = loadMasterKey(settings.dataDir, env);
    const store = SqliteStore.open({ path: join(settings.dataDir, DATABASE_FILE) });
    const certificates = await EdgeCertificates.load(settings.dataDir, masterKey);
    const events = new EventBuffer({
      write: (batch) => store.insertEvents(batch),
      onError: (err, dropped) => logger.error({ err, dropped }, 'events dropped'),
    });
    const options = edgeOptions(store, logger, certificates, events, env[ECHO_URL_ENV] ?? '');
    // Workers use prom-client's global registry: that is the one the primary's aggregator
    // asks each worker for. Constructing an aggregator here is what installs the worker's
    // answering listener; prom-client does not do it on import.
    collectDefaultMetrics({ register });
    new AggregatorRegistry();
    const edge = await EdgeServer.start(
      { ...options, changes: workerChannel.changes, registry: register },
      settings.edgeListen.host,
      settings.edgeListen.port,
    );
    edge.onApplied((version) => workerChannel.send({ kind: 'applied', version }));
    workerChannel.send({ kind: 'applied', version: edge.appliedVersion });
    workerChannel.send({ kind: 'listening', port: edge.port });
    workerChannel.onShutdown(() => {
      void (async () => {
        await edge.close();
        await events.close();
        await store.close();
        process.exit(0);
      })();
    });
  } catch (err) {
    workerChannel.send({ kind: 'failed', message: (err as Error).message });
    process.exit(1);
  }
}
