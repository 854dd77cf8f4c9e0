import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why a connection failed before a request could be read. */
export type HandshakeFailure =
  'not_tls' | 'malformed_client_hello' | 'timeout' | 'closed' | 'tls_error';

/** What the edge reads about itself when metrics are collected. */
export interface EdgeGauges {
  configVersion(): number;
  /** Epoch ms of the last configuration applied; 0 before the first. */
  lastAppliedAt(): number;
  revokedSerials(): number;
  eventsDropped(): number;
  eventsPending(): number;
  /** Whether the last contact with the configuration store succeeded. */
  storeReachable(): boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RULE_BUCKETS = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.001];

/**
 * The edge's Prometheus metrics. Every label has a bounded set of values: zone ids and
 * hostnames come from the configuration (requests for unknown hosts are labelled `_unknown`),
 * actions and reasons from fixed lists. Certificate fingerprints, serials, client addresses
 * and paths are never labels: they would grow without end.
 */
export class EdgeMetrics {
  readonly requests: Counter<'zone' | 'host' | 'action' | 'reason'>;
  readonly handshakes: Counter<'result'>;
  readonly clientAuth: Counter<'result'>;
  readonly ruleSeconds: Histogram<string>;
  readonly originSeconds: Histogram<'host'>;
  readonly originErrors: Counter<'host' | 'reason'>;

  constructor(registry: Registry, gauges: () => EdgeGauges | undefined) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'portcullis_edge_requests_total',
      help: 'Requests decided by the edge, by zone, host, action and reason',
      labelNames: ['zone', 'host', 'action', 'reason'],
      registers,
    });
    this.handshakes = new Counter({
      name: 'portcullis_edge_tls_handshakes_total',
      help: 'TLS connections by result: ok, or the reason they failed',
      labelNames: ['result'],
      registers,
    });
    this.clientAuth = new Counter({
      name: 'portcullis_edge_client_certificate_verifications_total',
      help: 'Client authentication outcomes on mTLS hosts, once per connection',
      labelNames: ['result'],
      registers,
    });
    this.ruleSeconds = new Histogram({
      name: 'portcullis_edge_rule_evaluation_seconds',
      help: "Time to evaluate a zone's rules for one request",
      buckets: RULE_BUCKETS,
      registers,
    });
    this.originSeconds = new Histogram({
      name: 'portcullis_edge_origin_response_seconds',
      help: 'Time from forwarding a request to the origin until its response headers',
      labelNames: ['host'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.originErrors = new Counter({
      name: 'portcullis_edge_origin_errors_total',
      help: 'Requests the origin failed: unreachable, timed out or broken',
      labelNames: ['host', 'reason'],
      registers,
    });
    // In a cluster the primary sums workers' metrics unless told otherwise: the version every
    // worker serves is the lowest, the age of the configuration the oldest.
    const gauge = (
      name: string,
      help: string,
      read: (g: EdgeGauges) => number,
      aggregator: 'sum' | 'min' | 'max' = 'sum',
    ) =>
      new Gauge({
        name,
        help,
        registers,
        aggregator,
        collect() {
          const g = gauges();
          if (g) this.set(read(g));
        },
      });
    gauge(
      'portcullis_edge_config_version',
      'Configuration version the edge serves',
      (g) => g.configVersion(),
      'min',
    );
    gauge(
      'portcullis_edge_config_age_seconds',
      'Seconds since the edge last applied a configuration change',
      (g) => (g.lastAppliedAt() === 0 ? 0 : (Date.now() - g.lastAppliedAt()) / 1000),
      'max',
    );
    gauge(
      'portcullis_edge_revoked_serials',
      'Revoked certificate serials the edge enforces',
      (g) => g.revokedSerials(),
      'max',
    );
    gauge(
      'portcullis_edge_store_reachable',
      'Whether the edge reaches the configuration store (0: serving its last good configuration)',
      (g) => (g.storeReachable() ? 1 : 0),
      'min',
    );
    gauge('portcullis_edge_events_dropped', 'Firewall events dropped since start', (g) =>
      g.eventsDropped(),
    );
    gauge('portcullis_edge_events_pending', 'Firewall events waiting to be written', (g) =>
      g.eventsPending(),
    );
  }
}
