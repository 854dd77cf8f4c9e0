import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { Logger } from 'pino';
import { PkiError } from '../pki/index.ts';
import { StoreError, StoreErrorCode, type Store } from '../store/index.ts';
import { authenticate, TokenUses } from './auth.ts';
import { dashboardRoutes } from './dashboard.ts';
import { failure } from './envelope.ts';
import { ApiError } from './errors.ts';
import { pkiApiError } from './pki-errors.ts';
import { publicCrlRoutes } from './routes/crl.ts';
import { apiRoutes } from './routes/index.ts';

export interface ApiServerOptions {
  store: Store;
  /** The Prometheus text of every metric this process (and its edge workers) keeps. */
  metrics?: () => Promise<string>;
  logger: Logger;
  version: string;
  /** Largest request body accepted, in bytes. Default 1 MiB: a CSR or CA chain fits easily. */
  bodyLimit?: number;
  /** The master key that seals CA private keys. */
  masterKey: Uint8Array;
  /** The public base URL once known; see `RouteContext.publicBaseUrl`. */
  publicBaseUrl?: () => string | undefined;
  /** Resolves when the edges serve a configuration version; immediately without edges. */
  configApplied?: (version: number) => Promise<void>;
  /** Seconds after which a silent edge stops counting; see `RouteContext`. Default 30. */
  edgeTimeoutSeconds?: number;
  /** The built dashboard served at `/`; default `web/dist` of this checkout. */
  dashboardDir?: string;
}

/** The prefix of every API route, as in Cloudflare's `https://api.cloudflare.com/client/v4`. */
export const API_PREFIX = '/client/v4';

/**
 * Builds the control-plane HTTP server: `/client/v4` behind token authentication, every
 * answer in Cloudflare's envelope. It does not listen; the caller decides where.
 */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  const { store, logger } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Requests are logged once, by the onResponse hook below, instead of twice by fastify.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Answer keep-alive clients promptly on shutdown instead of waiting out their idle timeout.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.decorateRequest('token', null);
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) request.log.error({ err }, 'request failed');
    if (apiError.status === 409) reply.header('x-should-retry', 'false');
    return reply.status(apiError.status).send(failure([apiError.toMessage()]));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const e = new ApiError('noRoute', `no route for ${request.method} ${path}`);
    return reply.status(e.status).send(failure([e.toMessage()]));
  });
  app.addHook('onResponse', async (request, reply) => {
    // Rejected requests are the ones an operator needs to see; the rest stay at debug level.
    const level = reply.statusCode >= 400 ? 'info' : 'debug';
    request.log[level](
      {
        method: request.method,
        path: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        token: request.token?.id,
      },
      'api request',
    );
  });

  app.get('/healthz', async () => ({ status: 'ok', version: options.version }));
  // Prometheus scrapes without a token: keep the API's address private, or put the scrape
  // behind your own proxy. Labels hold zone ids and hostnames, never certificate or client data.
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_request, reply) =>
      reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics()),
    );
  }
  app.register(publicCrlRoutes, { store, masterKey: options.masterKey });
  app.register(dashboardRoutes, { dir: options.dashboardDir, reserved: underPrefix });

  // Every route under the prefix needs a token, including routes that do not exist: nothing
  // about the API's shape is told to a caller without one. Public routes live outside it.
  const uses = new TokenUses(store);
  app.addHook('onRequest', async (request) => {
    if (underPrefix(request.url) || underPrefix(request.routeOptions.url ?? '')) {
      await authenticate(request, store, uses);
    }
  });
  app.register(apiRoutes, {
    prefix: API_PREFIX,
    store,
    masterKey: options.masterKey,
    publicBaseUrl: options.publicBaseUrl ?? (() => undefined),
    configApplied: options.configApplied ?? (async () => {}),
    edgeTimeoutSeconds: options.edgeTimeoutSeconds ?? 30,
  });

  return app;
}

function underPrefix(path: string): boolean {
  return (
    path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${API_PREFIX}?`)
  );
}

/** Maps anything thrown by a route, the store or fastify itself onto the error catalogue. */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PkiError) return pkiApiError(err);
  if (err instanceof StoreError) {
    switch (err.code) {
      case StoreErrorCode.NotFound:
        return new ApiError('notFound', err.message);
      case StoreErrorCode.Conflict:
        return new ApiError('conflict', err.message);
      case StoreErrorCode.Invalid:
        return new ApiError('invalidRequest', err.message);
      case StoreErrorCode.Unavailable:
        // Nothing was written: the caller may send the same request again.
        return new ApiError('storeUnavailable', 'the database cannot be reached; try again', {
          cause: err,
        });
      default:
        return new ApiError('internal', 'internal error', { cause: err });
    }
  }
  const f = err as FastifyError;
  if (f.validation) {
    const first = f.validation[0];
    const pointer = first?.instancePath ? first.instancePath : undefined;
    return new ApiError('invalidRequest', `invalid request: ${f.message}`, { pointer });
  }
  switch (f.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('malformedJson', `malformed JSON body: ${f.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupportedMediaType', 'send the body as application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('bodyTooLarge', `request body is larger than the limit`);
  }
  if (err instanceof SyntaxError && f.statusCode === 400) {
    return new ApiError('malformedJson', `malformed JSON body: ${err.message}`);
  }
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    return new ApiError('invalidRequest', f.message);
  }
  return new ApiError('internal', 'internal error', { cause: err });
}
