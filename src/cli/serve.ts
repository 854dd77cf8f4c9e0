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
import { EventBuffer } from '../events/event-buffer.ts';
import { startRetention } from '../events/retention.ts';
import { SqliteStore, StoreError } from '../store/index.ts';
import { DataDirError, lockDataDir } from './data-dir.ts';
import { createDemo, demoExists, demoLines } from './demo.ts';
import { loadMasterKey } from './master-key.ts';
import { DATABASE_FILE, serveEdgeWorker, startEdge } from './serve-edge.ts';
import { createLogger } from './logger.ts';
import { listenError, ListenError, probeListen } from './ports.ts';
import {
  formatListen,
  readSettings,
  SettingsError,
  type ServeFlags,
  type ServeSettings,
} from './settings.ts';

/** `portcullis serve`: every role in one process on embedded SQLite. */
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
    .addOption(new Option('--role <role>', 'which parts to run (env PORTCULLIS_ROLE; default all)'))
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

/** Everything a running `serve` must close on the way out, in order. */
type Closer = () => Promise<unknown>;

/**
 * Validates the settings, takes the data directory, checks both ports, opens the store and
 * starts the edge and the API, in that order, so that a bad value stops the start before
 * anything is bound or written. Resolves with an exit code when the start fails; otherwise
 * runs until a signal.
 */
export async function serve(flags: ServeFlags, env: NodeJS.ProcessEnv, version: string) {
  let settings: ServeSettings;
  try {
    settings = readSettings(flags, env);
    checkRole(settings);
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
    await probeListen(settings.edgeListen, 'PORTCULLIS_EDGE_LISTEN');
    const masterKey = loadMasterKey(settings.dataDir, env);
    const store = SqliteStore.open({
      path: join(settings.dataDir, DATABASE_FILE),
      onListenerError: (err) => logger.error({ err }, 'change subscriber failed'),
    });
    closers.push(() => store.close());
    const boot = await bootstrap(store, settings.adminToken);
    if (boot.created && settings.demo) {
      await createDemo(store, boot.account.id, settings.dataDir, masterKey);
    }

    const echo = await startEchoOrigin();
    closers.push(() => new Promise((r) => echo.server.close(r)));
    const events = new EventBuffer({
      write: (batch) => store.insertEvents(batch),
      onError: (err, dropped) => logger.error({ err, dropped }, 'events dropped'),
    });
    closers.push(() => events.close());
    const stopRetention = startRetention({
      store,
      logger: logger.child({ component: 'events' }),
      days: settings.eventRetentionDays,
    });
    closers.push(async () => stopRetention());
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'portcullis_control_' });
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
    let publicUrl: string | undefined = undefined;
    const app = buildApiServer({
      store,
      logger: logger.child({ component: 'api' }),
      version,
      masterKey,
      publicBaseUrl: () => publicUrl,
      configApplied: (v) => edge.waitForVersion(v),
      metrics: async () => (await registry.metrics()) + ((await edge.metrics?.()) ?? ''),
    });
    closers.push(() => app.close());
    const apiUrl = await listen(app, settings);
    publicUrl = apiUrl;

    printBanner(version, settings, apiUrl, edge.port, boot);
    logger.info(
      { version, api: apiUrl, edgePort: edge.port, dataDir: settings.dataDir, role: settings.role },
      'portcullis started',
    );
    handleSignals(logger, closeAll);
    return 0;
  } catch (err) {
    await closeAll();
    if (!isStartError(err)) throw err;
    console.error(`portcullis: ${err.message}`);
    return 1;
  }
}

function checkRole(settings: ServeSettings): void {
  // TODO: the PostgreSQL store and the split roles are not built yet; until then say so
  // plainly instead of starting something that would not do what the operator asked.
  if (settings.databaseUrl !== undefined) {
    throw new SettingsError(
      'PORTCULLIS_DATABASE_URL: PostgreSQL is not supported by this version yet; ' +
        'unset it to run on embedded SQLite',
    );
  }
  if (settings.role !== 'all') {
    throw new SettingsError(
      `PORTCULLIS_ROLE=${settings.role}: separate roles need PostgreSQL, which this version ` +
        'does not support yet; use --role all',
    );
  }
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
  edgePort: number,
  boot: Bootstrap,
): void {
  const edge = formatListen({ host: s.edgeListen.host, port: edgePort });
  const lines = [
    `Portcullis ${version} is running.`,
    `  API         ${apiUrl}${API_PREFIX}`,
    `  Dashboard   ${apiUrl}/`,
    `  Edge        https://${edge} (trust ${join(s.dataDir, EDGE_CA_CERT_FILE)})`,
    `  Data        ${s.dataDir} (SQLite)`,
  ];
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
  if (demoExists(s.dataDir)) {
    lines.push('', ...demoLines(s.dataDir, edgePort, s.edgeListen.host));
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
