import { Command, Option } from 'commander';
import cluster from 'node:cluster';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { bootstrap, type Bootstrap } from '../api/bootstrap.ts';
import { API_PREFIX, buildApiServer } from '../api/server.ts';
import { startEchoOrigin } from '../edge/echo-origin.ts';
import { EDGE_CA_CERT_FILE } from '../edge/server-certificates.ts';
import { startRetention } from '../events/retention.ts';
import { StoreError } from '../store/index.ts';
import { EdgeAcknowledgements, forgetSilentEdges } from '../api/edge-fleet.ts';
import { DataDirError, lockDataDir } from './data-dir.ts';
import { createDemo, demoExists, demoLines } from './demo.ts';
import { loadMasterKey } from './master-key.ts';
import { describeStore, openStore } from './open-store.ts';
import {
  eventBuffer,
  reportEdge,
  serveEdgeWorker,
  startEdge,
  startEdgeRole,
  type Closer,
  type RunningEdge,
} from './serve-edge.ts';
import { createLogger } from './logger.ts';
import { listenError, ListenError, probeListen } from './ports.ts';
import {
  formatListen,
  readSettings,
  SettingsError,
  type ServeFlags,
  type ServeSettings,
} from './settings.ts';

/**
 * `portcullis serve`: every role in one process on embedded SQLite by default; with
 * PostgreSQL, `--role control` and `--role edge` on as many machines as needed.
 */
export function serveCommand(version: string): Command {
  return new Command('serve')
    .description('run Portcullis: the control-plane API and the edge')
    .option('--data-dir <path>', 'data directory (env PORTCULLIS_DATA_DIR; default ./data)')
    .option(
      '--api-listen <host:port>',
      'API and dashboard (env PORTCULLIS_API_LISTEN; default 127.0.0.1:8080)',
    )
    .option(
      '--edge-listen <host:port>',
      'HTTPS edge (env PORTCULLIS_EDGE_LISTEN; default 127.0.0.1:8443)',
    )
    .option('--admin-token <token>', 'install this admin token (env PORTCULLIS_ADMIN_TOKEN)')
    .option('--database-url <url>', 'PostgreSQL URL (env PORTCULLIS_DATABASE_URL)')
    .addOption(
      new Option('--role <role>', 'which parts to run: all, control or edge (env PORTCULLIS_ROLE)'),
    )
    .option(
      '--edge-workers <n>',
      'edge processes (env PORTCULLIS_EDGE_WORKERS; default: one per core)',
    )
    .option(
      '--event-retention-days <days>',
      'days firewall events are kept (env PORTCULLIS_EVENT_RETENTION_DAYS; default 7)',
    )
    .option('--log-format <format>', 'json or pretty (env PORTCULLIS_LOG_FORMAT; default json)')
    .option('--log-level <level>', 'fatal … trace (env PORTCULLIS_LOG_LEVEL; default info)')
    .option(
      '--poll-interval <ms>',
      'how often the configuration version is read (env PORTCULLIS_POLL_INTERVAL_MS; default 1000)',
    )
    .option(
      '--edge-timeout <seconds>',
      'seconds of silence before an edge stops counting (env PORTCULLIS_EDGE_TIMEOUT_SECONDS)',
    )
    .option('--edge-name <name>', 'how an edge names itself (env PORTCULLIS_EDGE_NAME)')
    .option('--no-demo', 'do not create the demo zone in a new data directory')
    .action(async (flags: ServeFlags) => {
      const code = await serve(flags, process.env, version);
      if (code !== 0) process.exit(code);
    });
}

/** A start that failed for a reason the operator can fix; printed as one line. */
type StartError = SettingsError | DataDirError | ListenError | StoreError;

function isStartError(err: unknown): err is StartError {
  return (
    err instanceof SettingsError ||
    err instanceof DataDirError ||
    err instanceof ListenError ||
    err instanceof StoreError
  );
}

/**
 * Validates the settings, takes the data directory, checks the ports, opens the store and
 * starts the parts of the role, in that order, so that a bad value stops the start before
 * anything is bound or written. Resolves with an exit code when the start fails; otherwise
 * runs until a signal.
 */
export async function serve(flags: ServeFlags, env: NodeJS.ProcessEnv, version: string) {
  let settings: ServeSettings;
  try {
    settings = readSettings(flags, env);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    console.error(`portcullis: ${err.message}`);
    return 2;
  }
  if (cluster.isWorker) {
    await serveEdgeWorker(settings, env);
    return 0;
  }
  const logger = createLogger(settings.logFormat, settings.logLevel);
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    const lock = lockDataDir(settings.dataDir);
    closers.push(async () => lock.release());
    await probeListen(settings.apiListen, 'PORTCULLIS_API_LISTEN');
    if (settings.role !== 'control') {
      await probeListen(settings.edgeListen, 'PORTCULLIS_EDGE_LISTEN');
    }
    if (settings.role === 'edge') {
      await startEdgeRole({ settings, env, version, logger, closers });
    } else {
      await startControl(settings, env, version, logger, closers);
    }
    handleSignals(logger, closeAll);
    return 0;
  } catch (err) {
    await closeAll();
    if (!isStartError(err)) throw err;
    console.error(`portcullis: ${err.message}`);
    return 1;
  }
}

/**
 * The control plane, and with `--role all` the edge in the same process. On SQLite the API
 * waits for the in-process edge; on PostgreSQL for every live edge's acknowledgement.
 */
async function startControl(
  settings: ServeSettings,
  env: NodeJS.ProcessEnv,
  version: string,
  logger: Logger,
  closers: Closer[],
): Promise<void> {
  const masterKey = loadMasterKey(settings.dataDir, env);
  const store = await openStore(settings, logger);
  closers.push(() => store.close());
  const boot = await bootstrap(store, settings.adminToken);
  if (boot.created && settings.demo) {
    await createDemo(store, boot.account.id, settings.dataDir, masterKey);
  }
  const stopRetention = startRetention({
    store,
    logger: logger.child({ component: 'events' }),
    days: settings.eventRetentionDays,
  });
  closers.push(async () => stopRetention());
  const forgetting = setInterval(() => {
    forgetSilentEdges(store).then(
      (n) => {
        if (n > 0) logger.info({ forgotten: n }, 'silent edges forgotten');
      },
      (err: unknown) => logger.warn({ err }, 'forgetting silent edges failed'),
    );
  }, 3_600_000);
  forgetting.unref();
  closers.push(async () => clearInterval(forgetting));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_control_' });

  let edge: RunningEdge | undefined;
  if (settings.role === 'all') {
    const echo = await startEchoOrigin();
    closers.push(() => new Promise((r) => echo.server.close(r)));
    const events = eventBuffer(store, logger);
    closers.push(() => events.close());
    const running = await startEdge({
      settings,
      store,
      logger,
      masterKey,
      events,
      echoUrl: echo.url,
      registry,
    });
    edge = running;
    closers.push(() => running.close());
    // Reported on SQLite too, so that `/edges` shows this edge beside any others.
    closers.push(reportEdge(settings, store, running, logger));
  }
  const local = settings.databaseUrl === undefined ? edge : undefined;
  const acknowledgements = new EdgeAcknowledgements(store, settings.edgeTimeoutSeconds);
  closers.push(async () => acknowledgements.close());
  let publicUrl: string | undefined = undefined;
  const app = buildApiServer({
    store,
    logger: logger.child({ component: 'api' }),
    version,
    masterKey,
    publicBaseUrl: () => publicUrl,
    configApplied: local ? (v) => local.waitForVersion(v) : (v) => acknowledgements.waitFor(v),
    edgeTimeoutSeconds: settings.edgeTimeoutSeconds,
    metrics: async () => (await registry.metrics()) + ((await edge?.metrics?.()) ?? ''),
  });
  closers.push(() => app.close());
  const apiUrl = await listen(app, settings);
  publicUrl = apiUrl;

  printBanner(version, settings, apiUrl, edge?.port, boot);
  logger.info(
    {
      version,
      api: apiUrl,
      edgePort: edge?.port,
      dataDir: settings.dataDir,
      store: describeStore(settings),
      role: settings.role,
    },
    'portcullis started',
  );
}

async function listen(app: FastifyInstance, settings: ServeSettings): Promise<string> {
  try {
    await app.listen({ host: settings.apiListen.host, port: settings.apiListen.port });
  } catch (err) {
    throw listenError(err, settings.apiListen, 'PORTCULLIS_API_LISTEN');
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.apiListen.port;
  return `http://${formatListen({ host: settings.apiListen.host, port })}`;
}

function printBanner(
  version: string,
  s: ServeSettings,
  apiUrl: string,
  edgePort: number | undefined,
  boot: Bootstrap,
): void {
  const lines = [
    `Portcullis ${version} is running${s.role === 'all' ? '' : ` as ${s.role}`}.`,
    `  API         ${apiUrl}${API_PREFIX}`,
    `  Dashboard   ${apiUrl}/`,
  ];
  if (edgePort !== undefined) {
    const edge = formatListen({ host: s.edgeListen.host, port: edgePort });
    lines.push(`  Edge        https://${edge} (trust ${join(s.dataDir, EDGE_CA_CERT_FILE)})`);
  }
  lines.push(`  Data        ${describeStore(s)}`);
  if (boot.adminSecret !== undefined) {
    lines.push(
      '',
      `  Admin token (shown once; keep it safe): ${boot.adminSecret}`,
      '',
      '  Check it:',
      `    curl -s -H "Authorization: Bearer ${boot.adminSecret}" \\`,
      `      ${apiUrl}${API_PREFIX}/user/tokens/verify`,
    );
  } else if (boot.adminToken === 'configured') {
    lines.push('', '  Admin token: the one given in PORTCULLIS_ADMIN_TOKEN');
  } else {
    lines.push(
      '',
      '  Admin token: printed when this data directory was created; ' +
        'set PORTCULLIS_ADMIN_TOKEN to replace it',
    );
  }
  if (demoExists(s.dataDir) && edgePort !== undefined) {
    lines.push('', ...demoLines(s.dataDir, edgePort, s.edgeListen.host));
  } else if (demoExists(s.dataDir)) {
    // The edges run elsewhere: the lines name an edge's address and its data directory.
    const edgeCa = '<edge data directory>/edge-ca.pem';
    lines.push('', ...demoLines(s.dataDir, s.edgeListen.port, s.edgeListen.host, edgeCa));
    lines.push('    (run them against any edge; --edge-listen of that edge gives the port)');
  }
  console.log(lines.join('\n'));
}

/** SIGTERM and SIGINT: stop accepting, finish in-flight requests, close the store, exit 0. */
function handleSignals(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
