import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AggregatorRegistry, collectDefaultMetrics, register, Registry } from 'prom-client';
import { EdgeCluster, workerChannel } from '../edge/cluster.ts';
import { ECHO_ORIGIN_URL, startEchoOrigin } from '../edge/echo-origin.ts';
import { reportApplied } from '../edge/edge-reporter.ts';
import { EdgeServer, type EdgeServerOptions } from '../edge/edge-server.ts';
import { EDGE_CA_CERT_FILE, EdgeCertificates } from '../edge/server-certificates.ts';
import { EventBuffer } from '../events/event-buffer.ts';
import { isStoreUnavailable, openInBackground, type Store } from '../store/index.ts';
import { createLogger } from './logger.ts';
import { loadMasterKey } from './master-key.ts';
import { describeStore, openStore } from './open-store.ts';
import { listenError } from './ports.ts';
import { formatListen, type ServeSettings } from './settings.ts';

/** Passes the echo origin's address to edge workers; not a setting for operators. */
const ECHO_URL_ENV = 'PORTCULLIS_INTERNAL_ECHO_URL';

/** Where an edge on PostgreSQL keeps the configuration it serves, in its data directory. */
export const LOCAL_COPY_FILE = 'edge-configuration.json';

/** The file holding an edge's stable id, in its data directory. */
export const EDGE_ID_FILE = 'edge-id';

/** Everything a running `serve` must close on the way out, in order. */
export type Closer = () => Promise<unknown>;

/** What `serve` needs of a running edge, whether one process or a cluster of workers. */
export interface RunningEdge {
  readonly port: number;
  /** The configuration version every part of the edge serves. */
  readonly appliedVersion: number;
  /** Whether every part of the edge reaches the store. */
  readonly storeReachable: boolean;
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
      {
        ...edgeOptions(s.settings, s.store, logger, certificates, s.events, s.echoUrl),
        registry: s.registry,
      },
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
  settings: ServeSettings,
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
    pollIntervalMs: settings.pollIntervalMs,
    // On PostgreSQL the store may be on another machine: keep what is served on local disk,
    // so that the edge can start while the database is down.
    localCopy:
      settings.databaseUrl === undefined ? undefined : join(settings.dataDir, LOCAL_COPY_FILE),
  };
}

/**
 * The store of an edge. When PostgreSQL cannot be reached, it is opened in the background
 * instead, so that the edge starts from its local copy while the database is down and catches
 * up when it returns. Any other failure (a newer schema) stops the start.
 */
async function edgeStore(settings: ServeSettings, logger: Logger): Promise<Store> {
  try {
    return await openStore(settings, logger);
  } catch (err) {
    if (!isStoreUnavailable(err)) throw err;
    logger.warn({ err }, 'database unreachable, trying again in the background');
    return openInBackground(() => openStore(settings, logger), {
      retryMs: settings.pollIntervalMs,
      failedWith: err,
    });
  }
}

/**
 * The buffer an edge's firewall events wait in before the store takes them in batches. While
 * the store cannot be reached, batches wait for it, up to the buffer's capacity.
 */
export function eventBuffer(store: Store, logger: Logger): EventBuffer {
  return new EventBuffer({
    write: (batch) => store.insertEvents(batch),
    onError: (err, dropped) => logger.error({ err, dropped }, 'events dropped'),
    keepOnError: isStoreUnavailable,
  });
}

/**
 * Starts telling the control plane which version `edge` serves, under this data directory's
 * edge id; returns what stops it.
 */
export function reportEdge(
  settings: ServeSettings,
  store: Store,
  edge: RunningEdge,
  logger: Logger,
): Closer {
  const stop = reportApplied({
    id: edgeIdOf(settings.dataDir),
    heartbeatMs: heartbeatMs(settings),
    name: settings.edgeName ?? `${hostname()}:${edge.port}`,
    role: settings.role,
    store,
    state: () => ({ appliedVersion: edge.appliedVersion, storeReachable: edge.storeReachable }),
    logger: logger.child({ component: 'edge' }),
  });
  return async () => stop();
}

/**
 * How often an edge reports when nothing changes: often enough that a live edge never looks
 * silent to a control plane with the same `PORTCULLIS_EDGE_TIMEOUT_SECONDS`, at most every 5 s.
 */
function heartbeatMs(settings: ServeSettings): number {
  return Math.min(5_000, Math.floor((settings.edgeTimeoutSeconds * 1000) / 3));
}

/** This edge's stable id, created on first start; the control plane counts edges by it. */
export function edgeIdOf(dataDir: string): string {
  const path = join(dataDir, EDGE_ID_FILE);
  try {
    const id = readFileSync(path, 'utf8').trim();
    if (id !== '') return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  writeFileSync(path, `${id}\n`, { mode: 0o644 });
  return id;
}

export interface EdgeRoleStart {
  settings: ServeSettings;
  env: NodeJS.ProcessEnv;
  version: string;
  logger: Logger;
  closers: Closer[];
}

/**
 * `--role edge`: the data plane alone, on PostgreSQL. It needs the control plane's master key
 * to open uploaded server certificate keys. It reports the version it serves, and answers
 * `/healthz` and `/metrics` on the API address.
 */
export async function startEdgeRole(r: EdgeRoleStart): Promise<void> {
  const { settings, logger, closers } = r;
  const masterKey = loadMasterKey(settings.dataDir, r.env, { create: false });
  const store = await edgeStore(settings, logger);
  closers.push(() => store.close());
  const echo = await startEchoOrigin();
  closers.push(() => new Promise((done) => echo.server.close(done)));
  const events = eventBuffer(store, logger);
  closers.push(() => events.close());
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_edge_process_' });
  const edge = await startEdge({
    settings,
    store,
    logger,
    masterKey,
    events,
    echoUrl: echo.url,
    registry,
  });
  closers.push(() => edge.close());
  const id = edgeIdOf(settings.dataDir);
  closers.push(reportEdge(settings, store, edge, logger));
  const status = await startStatusServer(settings, {
    health: () => ({
      status: 'ok',
      version: r.version,
      role: 'edge',
      configVersion: edge.appliedVersion,
      storeReachable: edge.storeReachable,
    }),
    metrics: async () => (await registry.metrics()) + ((await edge.metrics?.()) ?? ''),
  });
  closers.push(() => new Promise((done) => status.server.close(done)));

  const listen = formatListen({ host: settings.edgeListen.host, port: edge.port });
  console.log(
    [
      `Portcullis ${r.version} is running as edge ${id}.`,
      `  Edge        https://${listen} (trust ${join(settings.dataDir, EDGE_CA_CERT_FILE)})`,
      `  Status      ${status.url}/healthz and ${status.url}/metrics`,
      `  Data        ${describeStore(settings)}`,
      `  Serving     configuration version ${edge.appliedVersion}` +
        (edge.storeReachable ? '' : ` from ${join(settings.dataDir, LOCAL_COPY_FILE)}`),
    ].join('\n'),
  );
  logger.info(
    {
      version: r.version,
      edge: id,
      edgePort: edge.port,
      status: status.url,
      store: describeStore(settings),
      configVersion: edge.appliedVersion,
      storeReachable: edge.storeReachable,
      role: 'edge',
    },
    'portcullis started',
  );
}

/** `/healthz` and `/metrics` of an edge that runs without the API. */
async function startStatusServer(
  settings: ServeSettings,
  answers: { health: () => object; metrics: () => Promise<string> },
) {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (path !== '/healthz' && path !== '/metrics')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answers.health()));
      return;
    }
    answers.metrics().then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(listenError(err, settings.apiListen, 'PORTCULLIS_API_LISTEN')),
    );
    server.listen({ host: settings.apiListen.host, port: settings.apiListen.port }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.apiListen.port;
  return { server, url: `http://${formatListen({ host: settings.apiListen.host, port })}` };
}

/**
 * An edge worker of the cluster: its own store connection (SQLite in WAL mode takes readers
 * and writers from several processes), its own event buffer, changes from the primary, and
 * reports of every version it applies and of whether it reaches the store. Signals are the
 * primary's business: it tells each worker to shut down after it stops accepting.
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
    const store = await edgeStore(settings, logger);
    const certificates = await EdgeCertificates.load(settings.dataDir, masterKey);
    const events = eventBuffer(store, logger);
    const echoUrl = env[ECHO_URL_ENV] ?? '';
    const options = edgeOptions(settings, store, logger, certificates, events, echoUrl);
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
    let reachable = edge.storeReachable;
    workerChannel.send({ kind: 'store', reachable });
    setInterval(() => {
      if (edge.storeReachable === reachable) return;
      reachable = edge.storeReachable;
      workerChannel.send({ kind: 'store', reachable });
    }, 200).unref();
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
