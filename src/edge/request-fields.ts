import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RevokedSet } from '../config/index.ts';
import { fieldsFor, noClientAuthFields, type TlsClientAuthValues } from '../pki/index.ts';
import type { FieldSource } from '../rules/index.ts';
import type { ConnectionAuth } from './client-auth.ts';

/** What the fields of one request are computed from. */
export interface RequestContext {
  method: string;
  /** Path and query as received. */
  url: string;
  /** The Host (HTTP/1.1) or :authority (HTTP/2) host name, lowercased, without port. */
  hostname: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  /** Header names and values as sent, in order (node's rawHeaders). */
  rawHeaders: readonly string[];
  socket: TLSSocket;
  auth: ConnectionAuth;
  revoked: RevokedSet;
  rayId: string;
  /** Arrival time, epoch ms. */
  time: number;
}

type Compute = (ctx: RequestContext, fields: RequestFields) => unknown;

const first = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v[0] : v;

/**
 * The rule fields of one request, computed on first use and cached: a rule that reads only
 * `http.host` never splits the query string or formats a certificate DN. Missing values
 * (an absent header) are `undefined`, which makes every comparison on them false, as on
 * Cloudflare.
 */
export class RequestFields implements FieldSource {
  readonly ctx: RequestContext;
  #cache = new Map<string, unknown>();
  #tls: TlsClientAuthValues | undefined;
  #url: URL | undefined;

  constructor(ctx: RequestContext) {
    this.ctx = ctx;
  }

  get(name: string): unknown {
    if (this.#cache.has(name)) return this.#cache.get(name);
    const compute = COMPUTE[name];
    let value: unknown;
    if (compute) value = compute(this.ctx, this);
    else if (name.startsWith('cf.tls_client_auth.')) {
      value = this.clientAuth[name as keyof TlsClientAuthValues];
    }
    this.#cache.set(name, value);
    return value;
  }

  /** Every `cf.tls_client_auth.*` value; revocation is looked up now, not per connection. */
  get clientAuth(): TlsClientAuthValues {
    if (!this.#tls) {
      const { auth, revoked } = this.ctx;
      const cert = auth.certificate;
      const isRevoked =
        auth.verified && cert !== undefined && auth.caId !== undefined
          ? revoked.has(auth.caId, cert.serial)
          : false;
      this.#tls =
        auth.reason === 'not_requested'
          ? noClientAuthFields()
          : fieldsFor(cert, {
              presented: auth.presented,
              verified: auth.verified,
              revoked: isRevoked,
            });
    }
    return this.#tls;
  }

  get parsedUrl(): URL {
    return (this.#url ??= new URL(this.ctx.url, `https://${this.ctx.hostname || 'invalid'}`));
  }
}

function args(url: URL, decode: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  const pairs = decode
    ? [...url.searchParams]
    : url.search
        .slice(1)
        .split('&')
        .filter(Boolean)
        .map((p) => [p.split('=')[0] ?? '', p.slice(p.indexOf('=') + 1 || p.length)]);
  for (const [k, v] of pairs) (out[k!] ??= []).push(v ?? '');
  return out;
}

function headerMap(ctx: RequestContext): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (let i = 0; i + 1 < ctx.rawHeaders.length; i += 2) {
    const name = ctx.rawHeaders[i]!.toLowerCase();
    if (name.startsWith(':')) continue;
    (out[name] ??= []).push(ctx.rawHeaders[i + 1]!);
  }
  return out;
}

function cookies(header: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = safeDecode(part.slice(0, eq).trim());
    (out[name] ??= []).push(safeDecode(part.slice(eq + 1).trim()));
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const COMPUTE: Readonly<Record<string, Compute>> = {
  'http.host': (c) => c.hostname,
  'http.request.method': (c) => c.method.toUpperCase(),
  'http.request.version': (c) => `HTTP/${c.httpVersion}`,
  'http.request.uri': (_c, f) => f.parsedUrl.pathname + f.parsedUrl.search,
  'http.request.uri.path': (_c, f) => f.parsedUrl.pathname,
  'http.request.uri.path.extension': (_c, f) => {
    const last = f.parsedUrl.pathname.split('/').pop() ?? '';
    const dot = last.lastIndexOf('.');
    return dot >= 0 ? last.slice(dot + 1).toLowerCase() : '';
  },
  'http.request.uri.query': (_c, f) => f.parsedUrl.search.slice(1),
  'http.request.uri.args': (_c, f) => args(f.parsedUrl, true),
  'http.request.uri.args.names': (_c, f) => [...f.parsedUrl.searchParams.keys()],
  'http.request.uri.args.values': (_c, f) => [...f.parsedUrl.searchParams.values()],
  'http.request.full_uri': (_c, f) => f.parsedUrl.href,
  'raw.http.request.uri': (c) => c.url,
  'raw.http.request.uri.path': (c) => c.url.split('?')[0],
  'raw.http.request.uri.query': (c) => c.url.split('?').slice(1).join('?'),
  'raw.http.request.full_uri': (c) => `https://${c.hostname}${c.url}`,
  'raw.http.request.uri.args': (_c, f) => args(f.parsedUrl, false),
  'raw.http.request.uri.args.names': (_c, f) => Object.keys(args(f.parsedUrl, false)),
  'raw.http.request.uri.args.values': (_c, f) => Object.values(args(f.parsedUrl, false)).flat(),
  'http.request.headers': (c) => headerMap(c),
  'http.request.headers.names': (c) =>
    c.rawHeaders.filter((_, i) => i % 2 === 0 && !c.rawHeaders[i]!.startsWith(':')),
  'http.request.headers.values': (c) =>
    c.rawHeaders.filter((_, i) => i % 2 === 1 && !c.rawHeaders[i - 1]!.startsWith(':')),
  'http.request.headers.truncated': () => false,
  'http.request.cookies': (c) => cookies(first(c.headers.cookie)),
  'http.request.accepted_languages': (c) =>
    (first(c.headers['accept-language']) ?? '')
      .split(',')
      .map((l) => l.split(';')[0]!.trim())
      .filter(Boolean),
  'http.cookie': (c) => first(c.headers.cookie),
  'http.referer': (c) => first(c.headers.referer),
  'http.user_agent': (c) => first(c.headers['user-agent']),
  'http.x_forwarded_for': (c) => first(c.headers['x-forwarded-for']),
  'http.request.timestamp.sec': (c) => Math.floor(c.time / 1000),
  'http.request.timestamp.msec': (c) => c.time % 1000,
  'ip.src': (c) => c.socket.remoteAddress,
  ssl: () => true,
  'cf.tls_version': (c) => c.socket.getProtocol() ?? '',
  'cf.tls_cipher': (c) => c.socket.getCipher()?.standardName ?? '',
  'cf.edge.server_ip': (c) => c.socket.localAddress,
  'cf.edge.server_port': (c) => c.socket.localPort,
  'cf.ray_id': (c) => c.rayId,
};
