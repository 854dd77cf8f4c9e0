import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  buildConfiguration,
  buildFromData,
  loadLocalCopy,
  revokedSerialsOf,
  saveLocalCopy,
  RevokedSet,
  type BuiltConfiguration,
  type ConfigurationData,
  type EdgeSnapshot,
  type HostSnapshot,
} from '../config/index.ts';
import type { EventBuffer } from '../events/event-buffer.ts';
import { EdgeMetrics } from '../events/metrics.ts';
import { Registry } from 'prom-client';
import {
  isStoreUnavailable,
  StoreError,
  StoreErrorCode,
  type ConfigChange,
  type Store,
} from '../store/index.ts';
import { ClientHelloError, readClientHello } from './client-hello.ts';
import { Forwarder, type ForwarderOptions } from './forwarder.ts';
import { CONNECTION, HostServers, type ConnectionState } from './host-servers.ts';
import { RequestHandler } from './request-handler.ts';
import type { EdgeCertificates } from './server-certificates.ts';

export interface EdgeServerOptions {
  store: Store;
  logger: Logger;
  certificates: EdgeCertificates;
  events: EventBuffer;
  forwarder?: ForwarderOptions;
  /** Time a client has to send its ClientHello and finish the handshake. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Share of allowed requests recorded as events (blocks and logs always are). Default 0.01. */
  passSampleRate?: number;
  /**
   * Where configuration changes come from: the store's own feed in one process, the primary's
   * messages in a cluster worker. Default `store.subscribe`.
   */
  changes?: (listener: (change: ConfigChange) => void) => () => void;
  /**
   * How often the edge also reads the configuration version, so that a change whose
   * notification was lost is applied at most this late. Default 1 s; 0 turns it off.
   */
  pollIntervalMs?: number;
  /** Where the edge's metrics are registered. Default: a registry of its own. */
  registry?: Registry;
  /**
   * A file where the edge keeps a copy of the configuration it serves, and starts from when
   * the store cannot be reached. None by default.
   */
  localCopy?: string;
}

/** The name the edge's fallback certificate is issued for, used without SNI. */
const FALLBACK_HOSTNAME = 'portcullis.invalid';

/**
 * The data plane: one TCP listener whose connections are handed, by the SNI of their
 * ClientHello, to the TLS server of the host they name; then rules and forwarding per
 * request. It serves the last configuration it built and rebuilds off the hot path when the
 * store reports a change, swapping the new snapshot in whole.
 */
export class EdgeServer {
  readonly #options: EdgeServerOptions;
  readonly #log: Logger;
  readonly #revoked = new RevokedSet();
  readonly #hostServers: HostServers;
  readonly #forwarder: Forwarder;
  readonly #handler: RequestHandler;
  readonly #listener: Server;
  readonly #sockets = new Set<Socket>();
  readonly #appliedListeners = new Set<(version: number) => void>();
  #snapshot: EdgeSnapshot;
  #fallback!: HostSnapshot;
  #applied = 0;
  #appliedAt = 0;
  readonly #metrics: EdgeMetrics;
  #rebuilding: Promise<void> | undefined;
  readonly #pending: ConfigChange[] = [];
  #unsubscribe: (() => void) | undefined;
  #poller: NodeJS.Timeout | undefined;
  #data: ConfigurationData;
  #storeReachable = true;
  #saving: Promise<void> | undefined;
  #saveAgain = false;

  private constructor(options: EdgeServerOptions, built: BuiltConfiguration) {
    this.#options = options;
    this.#log = options.logger;
    this.#snapshot = built.snapshot;
    this.#data = built.data;
    this.#forwarder = new Forwarder(options.forwarder);
    this.#metrics = new EdgeMetrics(options.registry ?? new Registry(), () => ({
      configVersion: () => this.#applied,
      lastAppliedAt: () => this.#appliedAt,
      revokedSerials: () => this.#revoked.size,
      eventsDropped: () => options.events.dropped,
      eventsPending: () => options.events.pending,
      storeReachable: () => this.#storeReachable,
    }));
    this.#handler = new RequestHandler({
      snapshot: () => this.#snapshot,
      revoked: this.#revoked,
      forwarder: this.#forwarder,
      events: options.events,
      logger: options.logger,
      passSampleRate: options.passSampleRate ?? 0.01,
      metrics: this.#metrics,
    });
    this.#hostServers = new HostServers({
      handler: (req, res) => this.#handler.handle(req, res),
      upgrade: (req, socket, head) => this.#handler.upgrade(req, socket, head),
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      onTlsError: (err) => {
        this.#metrics.handshakes.inc({ result: 'tls_error' });
        this.#log.debug({ err: err.message }, 'tls handshake failed');
      },
      onHandshake: (state, mtls) => {
        this.#metrics.handshakes.inc({ result: 'ok' });
        if (mtls) this.#metrics.clientAuth.inc({ result: state.auth.reason });
      },
    });
    this.#listener = createServer((socket) => this.#accept(socket));
  }

  /**
   * Builds the first snapshot, then listens. When the store cannot be reached, an edge with a
   * local copy starts from it and catches up once the store answers.
   */
  static async start(options: EdgeServerOptions, host: string, port: number) {
    const { built, fromCopy } = await firstConfiguration(options);
    const edge = new EdgeServer(options, built);
    if (fromCopy) edge.#storeReachable = false;
    edge.#fallback = {
      hostname: FALLBACK_HOSTNAME,
      zoneId: '',
      origin: new URL('http://invalid'),
      mtlsEnabled: false,
      tls: { ...(await options.certificates.forHost(FALLBACK_HOSTNAME)), clientCa: undefined },
      identityHeaders: { rfc9440: false, xfcc: false, cfCert: false },
    };
    edge.#install(built, !fromCopy);
    const changes = options.changes ?? ((l) => options.store.subscribe(l));
    edge.#unsubscribe = changes((change) => edge.#onChange(change));
    edge.#startPolling(options.pollIntervalMs ?? 1_000);
    await new Promise<void>((resolve, reject) => {
      edge.#listener.once('error', reject);
      edge.#listener.listen({ host, port }, () => {
        edge.#listener.off('error', reject);
        resolve();
      });
    });
    return edge;
  }

  /** The bound port (useful when listening on port 0). */
  get port(): number {
    const address = this.#listener.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The configuration version this edge serves. */
  get appliedVersion(): number {
    return this.#applied;
  }

  get revokedCount(): number {
    return this.#revoked.size;
  }

  /** Whether the last contact with the store succeeded; false while serving from memory. */
  get storeReachable(): boolean {
    return this.#storeReachable;
  }

  /** Calls `listener` with each configuration version once this edge serves it. */
  onApplied(listener: (version: number) => void): () => void {
    this.#appliedListeners.add(listener);
    return () => this.#appliedListeners.delete(listener);
  }

  /** Waits until the edge serves `version` or a later one. */
  async waitForVersion(version: number): Promise<void> {
    while (this.#applied < version) {
      await new Promise<void>((resolve) => {
        const off = this.onApplied(() => {
          off();
          resolve();
        });
      });
    }
  }

  /** Stops accepting, lets requests in flight finish for up to `graceMs`, then closes. */
  async close(graceMs = 5_000): Promise<void> {
    this.#unsubscribe?.();
    clearInterval(this.#poller);
    const closed = new Promise<void>((resolve) => this.#listener.close(() => resolve()));
    const deadline = setTimeout(() => {
      for (const socket of this.#sockets) socket.destroy();
    }, graceMs);
    for (const socket of this.#sockets) {
      const state = (socket as unknown as Record<symbol, ConnectionState | undefined>)[CONNECTION];
      if (!state) socket.destroy();
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, graceMs))]);
    clearTimeout(deadline);
    for (const socket of this.#sockets) socket.destroy();
    await this.#rebuilding;
    await this.#saving;
    await this.#forwarder.close();
  }

  async #accept(socket: Socket): Promise<void> {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    let hello;
    try {
      hello = await readClientHello(socket, this.#options.handshakeTimeoutMs ?? 10_000);
    } catch (err) {
      const reason = err instanceof ClientHelloError ? err.reason : 'closed';
      this.#metrics.handshakes.inc({ result: reason });
      this.#log.debug({ reason, client: socket.remoteAddress }, 'connection closed before tls');
      socket.destroy();
      return;
    }
    const host = (hello.servername && this.#snapshot.hosts.get(hello.servername)) || this.#fallback;
    const server = this.#hostServers.serverFor(host, (name) => this.#snapshot.hosts.get(name));
    socket.unshift(hello.data);
    server.emit('connection', socket);
  }

  /** Reads the version now and then, and rebuilds when a change went unannounced. */
  #startPolling(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.#poller = setInterval(() => {
      if (this.#rebuilding) return;
      this.#options.store.configVersion().then(
        (version) => {
          this.#reached(undefined);
          if (version > this.#applied) this.#onChange({ version, items: [] });
        },
        (err: unknown) => this.#reached(err),
      );
    }, intervalMs);
    this.#poller.unref();
  }

  /**
   * Queues a change and makes sure one worker is applying the queue. Changes are applied in
   * order by that single worker, so a rebuild never races another or a revocation update.
   */
  #onChange(change: ConfigChange): void {
    this.#pending.push(change);
    this.#rebuilding ??= this.#work().finally(() => (this.#rebuilding = undefined));
  }

  async #work(): Promise<void> {
    while (this.#pending.length > 0) {
      const changes = this.#pending.splice(0);
      const last = changes[changes.length - 1]!.version;
      if (changes.every(onlyRevocation) && (await this.#refreshRevoked(changes, last))) continue;
      await this.#rebuild(summarize(changes));
    }
  }

  /**
   * A revocation or restore (and the CRL it regenerates) updates the revoked set in place:
   * no snapshot to rebuild, and only the serials of the certificates that changed, so that a
   * revocation stays as fast under a CA with a million revoked certificates. Only an uploaded
   * CA's update reloads its serials, since its CRL may have changed; a managed CA's update is
   * the CRL regenerated from the very statuses read here. Returns false when that fails, for
   * a full rebuild instead.
   */
  async #refreshRevoked(changes: ConfigChange[], version: number): Promise<boolean> {
    try {
      await this.#options.store.transaction(async (tx) => {
        for (const item of changes.flatMap((c) => c.items)) {
          if (item.type === 'certificate_authority') {
            if (!this.#revoked.tracks(item.id)) continue;
            const ca = await tx.getCertificateAuthority(item.id);
            if (ca?.kind === 'uploaded') {
              this.#revoked.replace(item.id, await revokedSerialsOf(tx, item.id));
            }
            continue;
          }
          const cert = await tx.getClientCertificate(item.id);
          if (!cert || !this.#revoked.tracks(cert.certificateAuthorityId)) continue;
          const revoked = cert.status === 'revoked' || cert.status === 'pending_revocation';
          this.#revoked.set(cert.certificateAuthorityId, cert.serialNumber, revoked);
        }
      });
      this.#data.version = Math.max(this.#data.version, version);
      this.#reached(undefined);
      this.#markApplied(version);
      this.#save();
      return true;
    } catch (err) {
      if (isStoreUnavailable(err)) return this.#reached(err);
      this.#log.error({ err }, 'revocation update failed, rebuilding instead');
      return false;
    }
  }

  async #rebuild(changed: Record<string, number>): Promise<void> {
    const started = performance.now();
    try {
      const built = await buildConfiguration(
        this.#options.store,
        this.#options.certificates,
        this.#snapshot,
      );
      this.#reached(undefined);
      this.#install(built, true);
      this.#log.info(
        { version: built.snapshot.version, changed, ms: Math.round(performance.now() - started) },
        'configuration applied',
      );
    } catch (err) {
      // The last good snapshot stays in service: an invalid configuration never reaches the
      // data plane, and an unreachable store is retried by the version poll.
      if (isStoreUnavailable(err)) return void this.#reached(err);
      this.#log.error({ err, changed }, 'configuration rejected, keeping the previous one');
    }
  }

  #install(built: BuiltConfiguration, save: boolean): void {
    this.#snapshot = built.snapshot;
    this.#data = built.data;
    for (const [caId, serials] of built.revoked) this.#revoked.replace(caId, serials);
    this.#revoked.retain(new Set(built.revoked.keys()));
    this.#hostServers.retain([...built.snapshot.hosts.values(), this.#fallback]);
    this.#markApplied(built.snapshot.version);
    if (save) this.#save();
  }

  /**
   * Records the outcome of a contact with the store, logging only the transitions: an
   * unreachable store is one warning, not one per poll. Returns false, for callers that
   * gave up on the contact.
   */
  #reached(err: unknown): false {
    const reachable = err === undefined;
    if (reachable !== this.#storeReachable) {
      this.#storeReachable = reachable;
      if (reachable) {
        this.#log.info({ version: this.#applied }, 'configuration store reachable again');
      } else {
        this.#log.warn(
          { err, version: this.#applied },
          'configuration store unreachable, serving the last good configuration',
        );
      }
    } else if (!reachable && !isStoreUnavailable(err)) {
      this.#log.warn({ err }, 'reading the configuration version failed');
    }
    return false;
  }

  /**
   * Writes the configuration in service to the local copy, one write at a time; changes that
   * arrive during a write are saved once it ends, so the file ends at the newest version.
   */
  #save(): void {
    const path = this.#options.localCopy;
    if (path === undefined) return;
    if (this.#saving) {
      this.#saveAgain = true;
      return;
    }
    this.#saving = (async () => {
      do {
        this.#saveAgain = false;
        try {
          // The revoked serials change in place; the copy takes them as they are now.
          for (const caId of Object.keys(this.#data.revoked)) {
            this.#data.revoked[caId] = this.#revoked.serialsOf(caId);
          }
          await saveLocalCopy(path, this.#data);
        } catch (err) {
          this.#log.error({ err, path }, 'saving the local copy of the configuration failed');
        }
      } while (this.#saveAgain);
    })().finally(() => (this.#saving = undefined));
  }

  #markApplied(version: number): void {
    if (version <= this.#applied) return;
    this.#applied = version;
    this.#appliedAt = Date.now();
    for (const listener of [...this.#appliedListeners]) listener(version);
  }
}

/**
 * The configuration to start with: the store's, or when the store cannot be reached, the
 * local copy of the last one this edge served.
 */
async function firstConfiguration(
  options: EdgeServerOptions,
): Promise<{ built: BuiltConfiguration; fromCopy: boolean }> {
  try {
    return {
      built: await buildConfiguration(options.store, options.certificates),
      fromCopy: false,
    };
  } catch (err) {
    if (options.localCopy === undefined || !isStoreUnavailable(err)) throw err;
    let copy;
    try {
      copy = await loadLocalCopy(options.localCopy);
    } catch (copyErr) {
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `${(err as Error).message}; and there is no configuration to start from: ` +
          (copyErr as Error).message,
        { cause: err },
      );
    }
    options.logger.warn(
      { err, version: copy.data.version, savedAt: copy.savedAt, path: options.localCopy },
      'configuration store unreachable at start, serving the local copy',
    );
    return { built: await buildFromData(copy.data, options.certificates), fromCopy: true };
  }
}

/**
 * Whether a change only revokes or restores: client certificate statuses, or a CA's CRL (a CA
 * record's update never changes its certificate, only its name and CRL).
 */
function onlyRevocation(change: ConfigChange): boolean {
  return (
    change.items.length > 0 &&
    change.items.every(
      (i) =>
        i.type === 'client_certificate' ||
        (i.type === 'certificate_authority' && i.op === 'update'),
    )
  );
}

/** What a batch of changes touched, by kind and operation: `{"rule.create": 1}`. */
function summarize(changes: readonly ConfigChange[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of changes.flatMap((c) => c.items)) {
    const key = `${item.type}.${item.op}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
