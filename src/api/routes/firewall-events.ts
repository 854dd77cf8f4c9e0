import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FirewallEvent } from '../../store/index.ts';
import { success } from '../envelope.ts';
import { ApiError } from '../errors.ts';
import { guardRoutes, zoneOf } from '../route-guard.ts';
import { pathParams } from '../schemas/common.ts';
import type { RouteContext } from './index.ts';

const DAY_MS = 86_400_000;
const text = { type: 'string', minLength: 1, maxLength: 256 } as const;
const time = { type: 'string', minLength: 1, maxLength: 40 } as const;

const eventsQuery = {
  type: 'object',
  properties: {
    since: time,
    until: time,
    action: text,
    host: text,
    rule_id: text,
    reason: text,
    cert_fingerprint: text,
    client_ip: text,
    cursor: { type: 'string', minLength: 1, maxLength: 200 },
    per_page: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  },
} as const;

const analyticsQuery = {
  type: 'object',
  properties: {
    since: time,
    until: time,
    buckets: { type: 'integer', minimum: 1, maximum: 1440, default: 60 },
    top: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
  },
} as const;

interface EventsQuery {
  since?: string;
  until?: string;
  action?: string;
  host?: string;
  rule_id?: string;
  reason?: string;
  cert_fingerprint?: string;
  client_ip?: string;
  cursor?: string;
  per_page: number;
}

interface AnalyticsQueryParams {
  since?: string;
  until?: string;
  buckets: number;
  top: number;
}

type ZoneParams = { zone_id: string };
const tags = ['firewall events'];

/**
 * `/zones/{zone_id}/firewall/events` and `/firewall/analytics`: Portcullis's own resources
 * behind the firewall Overview. Events come newest first with a cursor; analytics count them
 * per time bucket and action and rank rules, hosts, reasons and certificates. Both default to
 * the last 24 hours.
 */
export async function firewallEventRoutes(
  app: FastifyInstance,
  { store }: RouteContext,
): Promise<void> {
  guardRoutes(app, store);
  const read = { resource: 'events', access: 'read' } as const;
  const params = pathParams('zone_id');

  app.get(
    '/zones/:zone_id/firewall/events',
    {
      schema: { tags, summary: 'List firewall events', params, querystring: eventsQuery },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: ZoneParams; Querystring: EventsQuery }>) => {
      const q = request.query;
      const [since, until] = range(q.since, q.until);
      const page = await store.queryEvents({
        zoneId: zoneOf(request).id,
        since,
        until,
        ...(q.action ? { action: q.action } : {}),
        ...(q.host ? { host: q.host } : {}),
        ...(q.rule_id ? { ruleId: q.rule_id } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.cert_fingerprint ? { certFingerprint: q.cert_fingerprint.toLowerCase() } : {}),
        ...(q.client_ip ? { clientIp: q.client_ip } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        limit: q.per_page,
      });
      return success(page.items.map(eventView), {
        count: page.items.length,
        per_page: q.per_page,
        ...(page.cursor ? { cursor: page.cursor } : {}),
      });
    },
  );

  app.get(
    '/zones/:zone_id/firewall/analytics',
    {
      schema: { tags, summary: 'Firewall event analytics', params, querystring: analyticsQuery },
      config: { need: read },
    },
    async (request: FastifyRequest<{ Params: ZoneParams; Querystring: AnalyticsQueryParams }>) => {
      const q = request.query;
      const [since, until] = range(q.since, q.until);
      const bucketMs = Math.ceil((until - since) / q.buckets);
      const a = await store.eventAnalytics({
        zoneId: zoneOf(request).id,
        since,
        until,
        bucketMs,
        top: q.top,
      });
      return success({
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
        bucket_seconds: a.bucketMs / 1000,
        total: a.total,
        timeseries: a.series.map((b) => ({
          time: new Date(b.time).toISOString(),
          counts: b.counts,
        })),
        top: {
          rules: a.topRules,
          hosts: a.topHosts,
          reasons: a.topReasons,
          certificates: a.topCertificates,
          actions: a.topActions,
        },
      });
    },
  );
}

/** A time range from ISO 8601 bounds; the last 24 hours by default. */
function range(since: string | undefined, until: string | undefined): [number, number] {
  const end = until === undefined ? Date.now() : parseTime(until, 'until');
  const start = since === undefined ? end - DAY_MS : parseTime(since, 'since');
  if (start >= end) {
    throw new ApiError('invalidRequest', 'since must be before until', { pointer: '/since' });
  }
  return [start, end];
}

function parseTime(value: string, name: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t)) {
    throw new ApiError('invalidRequest', `${name}=${value} is not an ISO 8601 time`, {
      pointer: `/${name}`,
    });
  }
  return t;
}

/** An event as the API shows it. */
function eventView(e: FirewallEvent) {
  return {
    id: e.id,
    occurred_at: new Date(e.time).toISOString(),
    ray_id: e.rayId,
    zone_id: e.zoneId,
    host: e.host,
    rule_id: e.ruleId,
    action: e.action,
    reason: e.reason,
    client_ip: e.clientIp,
    method: e.method,
    path: e.path,
    cert_fingerprint_sha256: e.certFingerprint,
    cert_serial: e.certSerial,
  };
}
