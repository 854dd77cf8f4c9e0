import { createHash } from 'node:crypto';
import { createSecureServer, type Http2SecureServer, type Http2ServerRequest } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { HostSnapshot } from '../config/index.ts';
import { readConnectionAuth, type ConnectionAuth } from './client-auth.ts';

/** What the edge keeps on each TLS connection, read by every request on it. */
export interface ConnectionState {
  /** The host the ClientHello's SNI named, or undefined for none or an unknown name. */
  hostname: string | undefined;
  auth: ConnectionAuth;
}

/** Where a connection's state lives on its TLS socket. */
export const CONNECTION = Symbol('portcullis.connection');

type Handler = Parameters<typeof createSecureServer>[1];

export interface HostServerOptions {
  handler: NonNullable<Handler>;
  /** HTTP/1.1 `Upgrade` requests (WebSockets), which never reach `handler`. */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Time a client has to finish the TLS handshake. */
  handshakeTimeoutMs: number;
  onTlsError: (err: Error, socket: TLSSocket) => void;
  /** Called for every completed handshake with its client authentication outcome. */
  onHandshake: (state: ConnectionState, mtls: boolean) => void;
}

/**
 * One TLS server per host, built from the host's TLS material and kept while it does not
 * change. Separate servers mean separate session caches and ticket keys: a session made on
 * one host cannot be resumed on another, so resumption never carries a client identity (or
 * its absence) across hosts. None of these servers listens; the edge's listener hands each
 * connection to the right one after reading the SNI.
 */
export class HostServers {
  readonly #servers = new Map<string, Http2SecureServer>();
  readonly #options: HostServerOptions;

  constructor(options: HostServerOptions) {
    this.#options = options;
  }

  /** The server for `host`, created on first use and shared while its TLS is unchanged. */
  serverFor(host: HostSnapshot, lookup: (hostname: string) => HostSnapshot | undefined) {
    const key = tlsKey(host);
    let server = this.#servers.get(key);
    if (!server) {
      server = this.#create(host, lookup);
      this.#servers.set(key, server);
    }
    return server;
  }

  /** Drops servers no current host uses; their open connections carry on until closed. */
  retain(hosts: Iterable<HostSnapshot>): void {
    const keep = new Set([...hosts].map(tlsKey));
    for (const key of this.#servers.keys()) if (!keep.has(key)) this.#servers.delete(key);
  }

  #create(host: HostSnapshot, lookup: (hostname: string) => HostSnapshot | undefined) {
    const { tls } = host;
    const server = createSecureServer(
      {
        cert: tls.certificatePem,
        key: tls.privateKeyPem,
        ...(host.mtlsEnabled
          ? { requestCert: true, ...(tls.clientCa ? { ca: tls.clientCa.pem } : {}) }
          : {}),
        // A missing or invalid certificate must reach the rules, as on Cloudflare: the
        // handshake succeeds and the verdict is read from the socket.
        rejectUnauthorized: false,
        allowHTTP1: true,
        handshakeTimeout: this.#options.handshakeTimeoutMs,
        minVersion: 'TLSv1.2',
      },
      this.#options.handler,
    );
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      // The host is looked up again: the snapshot may have changed during the handshake.
      const current = lookup(host.hostname);
      const state: ConnectionState = {
        hostname: current?.hostname,
        auth: readConnectionAuth(socket, current ?? host),
      };
      (socket as unknown as Record<symbol, ConnectionState>)[CONNECTION] = state;
      this.#options.onHandshake(state, host.mtlsEnabled);
    });
    server.on('tlsClientError', this.#options.onTlsError);
    server.on('upgrade', this.#options.upgrade);
    server.on('sessionError', () => {});
    return server;
  }
}

function tlsKey(host: HostSnapshot): string {
  const { tls } = host;
  return createHash('sha256')
    .update(host.hostname)
    .update('\0')
    .update(tls.certificatePem)
    .update('\0')
    .update(host.mtlsEnabled ? (tls.clientCa?.pem ?? 'no-ca') : 'no-mtls')
    .digest('hex');
}

/** The connection state of a request, over HTTP/1.1 or HTTP/2. */
export function connectionOf(req: IncomingMessage | Http2ServerRequest): {
  socket: TLSSocket;
  state: ConnectionState | undefined;
} {
  const socket = ('stream' in req ? req.stream.session?.socket : req.socket) as TLSSocket;
  const state = (socket as unknown as Record<symbol, ConnectionState | undefined>)[CONNECTION];
  return { socket, state };
}
