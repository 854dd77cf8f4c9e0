import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Pool, errors as undiciErrors } from 'undici';
import type { Readable } from 'node:stream';
import type { EdgeResponse } from './responses.ts';

/** Timeouts and pool sizes of origin connections; each is a setting with a default. */
export interface ForwarderOptions {
  /** Time to open a connection to the origin. Default 5 s. */
  connectTimeoutMs?: number;
  /** Time for the origin to send its response headers. Default 30 s. */
  headersTimeoutMs?: number;
  /** Time the origin may pause while sending the body. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Keep-alive connections per origin. Default 128. */
  connectionsPerOrigin?: number;
  /**
   * Origins served somewhere else than their URL says, by `host:port` of the URL: the demo's
   * built-in echo origin has a fixed name but listens on a port chosen at start.
   */
  overrides?: ReadonlyMap<string, string>;
}

/** How forwarding failed, for the edge's 502 or 504 answer and the event. */
export class OriginError extends Error {
  readonly status: 502 | 504;
  readonly reason: 'origin_unreachable' | 'origin_timeout' | 'origin_error';
  constructor(status: 502 | 504, reason: OriginError['reason'], message: string) {
    super(message);
    this.name = 'OriginError';
    this.status = status;
    this.reason = reason;
  }
}

// RFC 9110 §7.6.1: connection-specific fields end at each hop. HTTP/2 forbids them outright
// (RFC 9113 §8.2.2), so they must not be copied from an HTTP/1.1 origin to an HTTP/2 client.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
]);

export interface ForwardRequest {
  origin: URL;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Headers to send, already stripped of what the client may not set. */
  headers: Record<string, string | string[]>;
  /** The request body stream, or null when there is none. */
  body: Readable | null;
}

/**
 * Forwards requests to origins over pooled keep-alive connections (undici), one pool per
 * origin, and streams the answer back.
 */
export class Forwarder {
  readonly #pools = new Map<string, Pool>();
  readonly #options: Required<Omit<ForwarderOptions, 'overrides'>>;
  readonly #overrides: ReadonlyMap<string, string>;

  constructor(options: ForwarderOptions = {}) {
    this.#options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
      bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
      connectionsPerOrigin: options.connectionsPerOrigin ?? 128,
    };
    this.#overrides = options.overrides ?? new Map();
  }

  /** Sends the request to its origin and streams the response into `res`. */
  async forward(req: ForwardRequest, res: EdgeResponse): Promise<number> {
    const pool = this.#pool(req.origin);
    const base = req.origin.pathname.replace(/\/$/, '');
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await pool.request({
        method: req.method as 'GET',
        path: base + req.url,
        headers: req.headers,
        body: req.body,
      });
    } catch (err) {
      throw toOriginError(err);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.writeHead(response.statusCode);
    try {
      for await (const chunk of response.body) {
        if (!(res as ServerResponse).write(chunk as Buffer)) await drained(res);
      }
      res.end();
    } catch (err) {
      // The status is sent; all that is left is to cut the response short.
      res.destroy(err as Error);
    }
    return response.statusCode;
  }

  /** Where requests for `origin` really go: its own address, or its override. */
  targetOf(origin: URL): URL {
    const port = origin.port || (origin.protocol === 'https:' ? '443' : '80');
    const override = this.#overrides.get(`${origin.hostname}:${port}`);
    return override ? new URL(override) : origin;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }

  #pool(origin: URL): Pool {
    const key = origin.origin;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new Pool(this.targetOf(origin).origin, {
        connections: this.#options.connectionsPerOrigin,
        connectTimeout: this.#options.connectTimeoutMs,
        headersTimeout: this.#options.headersTimeoutMs,
        bodyTimeout: this.#options.bodyTimeoutMs,
        keepAliveTimeout: 30_000,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }
}

/** The headers of a request as they go to the origin: no hop-by-hop or HTTP/2 pseudo fields. */
export function originHeaders(
  headers: IncomingHttpHeaders,
  drop: (lowercaseName: string) => boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connectionTokens = String(headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim());
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (HOP_BY_HOP.has(name) || connectionTokens.includes(name) || drop(name)) continue;
    out[name] = value;
  }
  return out;
}

function drained(res: EdgeResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function toOriginError(err: unknown): OriginError {
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError
  ) {
    return new OriginError(504, 'origin_timeout', 'the origin did not answer in time');
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new OriginError(504, 'origin_timeout', 'connecting to the origin timed out');
  }
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
    return new OriginError(502, 'origin_unreachable', `the origin is unreachable (${code})`);
  }
  return new OriginError(502, 'origin_error', `forwarding failed: ${(err as Error).message}`);
}
