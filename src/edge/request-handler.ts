import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Duplex, Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { EdgeRule, EdgeSnapshot, HostSnapshot, RevokedSet } from '../config/index.ts';
import type { EventBuffer } from '../events/event-buffer.ts';
import type { EdgeMetrics } from '../events/metrics.ts';
import type { FirewallEvent } from '../store/index.ts';
import { connectionOf } from './host-servers.ts';
import { type Forwarder, originHeaders, OriginError } from './forwarder.ts';
import { identityHeaders, isIdentityHeader } from './identity-headers.ts';
import { RequestFields } from './request-fields.ts';
import {
  newRayId,
  sendCustom,
  sendDenial,
  writeRawDenial,
  type CustomResponse,
  type Denial,
  type EdgeResponse,
} from './responses.ts';
import { tunnel } from './upgrade.ts';

export interface RequestHandlerOptions {
  snapshot: () => EdgeSnapshot;
  revoked: RevokedSet;
  forwarder: Forwarder;
  events: EventBuffer;
  logger: Logger;
  passSampleRate: number;
  metrics: EdgeMetrics;
}

type EdgeRequest = IncomingMessage | Http2ServerRequest;

/** What the edge decided for a request before anything is sent. */
type Decision =
  | { kind: 'deny'; denial: Denial }
  | { kind: 'block'; host: HostSnapshot; fields: RequestFields; rule: EdgeRule; reason: string }
  | { kind: 'pass'; host: HostSnapshot; fields: RequestFields; rule: EdgeRule | undefined };

/**
 * One request through the edge: find the host, refuse SNI/Host confusion, evaluate the zone's
 * rules on lazily computed fields, then answer a block or forward to the origin with the
 * client's identity, and record the decision. WebSocket upgrades take the same decision and
 * are then tunnelled.
 */
export class RequestHandler {
  readonly #o: RequestHandlerOptions;

  constructor(options: RequestHandlerOptions) {
    this.#o = options;
  }

  handle(req: EdgeRequest, res: EdgeResponse): void {
    req.on('error', () => {});
    const rayId = newRayId();
    res.setHeader('cf-ray', rayId);
    this.#handle(req, res, rayId).catch((err: unknown) => {
      this.#o.logger.error({ err, rayId }, 'request failed');
      if (res.headersSent) return void res.destroy();
      const denial = { status: 500, reason: 'internal_error', rayId, title: 'Error' };
      sendDenial(res, req.headers, denial);
    });
  }

  /** An HTTP/1.1 `Upgrade` request (WebSocket): the same decision, then a tunnel. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const rayId = newRayId();
    const decision = this.#decide(req, rayId);
    if (decision.kind === 'deny') return writeRawDenial(socket, req.headers, decision.denial);
    if (decision.kind === 'block') {
      const { host, fields, rule, reason } = decision;
      writeRawDenial(socket, req.headers, { status: 403, reason, rayId, title: 'Access denied' });
      return this.#record(fields, host, rule, 'block', reason);
    }
    const { host, fields, rule } = decision;
    const headers = this.#originHeaders(req, host, fields);
    headers.connection = 'Upgrade';
    headers.upgrade = String(req.headers.upgrade);
    const target = this.#o.forwarder.targetOf(host.origin);
    const tunnelled = {
      target,
      origin: host.origin,
      method: fields.ctx.method,
      url: fields.ctx.url,
      headers,
    };
    tunnel(tunnelled, socket, head)
      .then(() => this.#record(fields, host, rule, rule?.action ?? 'allow', 'rule'))
      .catch((err: unknown) => {
        const reason = err instanceof OriginError ? err.reason : 'origin_error';
        writeRawDenial(socket, req.headers, { status: 502, reason, rayId, title: 'Bad gateway' });
        this.#record(fields, host, rule, rule?.action ?? 'allow', reason);
      });
  }

  async #handle(req: EdgeRequest, res: EdgeResponse, rayId: string): Promise<void> {
    const decision = this.#decide(req, rayId);
    if (decision.kind === 'deny') return sendDenial(res, req.headers, decision.denial);
    if (decision.kind === 'block') {
      const { host, fields, rule, reason } = decision;
      const custom = (rule.actionParameters?.response ?? undefined) as CustomResponse | undefined;
      if (custom) sendCustom(res, custom);
      else sendDenial(res, req.headers, { status: 403, reason, rayId, title: 'Access denied' });
      return this.#record(fields, host, rule, 'block', reason);
    }
    const { host, fields, rule } = decision;
    await this.#forward(req, res, host, fields, rule);
  }

  #decide(req: EdgeRequest, rayId: string): Decision {
    const decision = this.#decideUncounted(req, rayId);
    const requests = this.#o.metrics.requests;
    if (decision.kind === 'deny') {
      requests.inc({
        zone: '_unknown',
        host: '_unknown',
        action: 'deny',
        reason: decision.denial.reason,
      });
    } else {
      const { host, fields } = decision;
      const action = decision.kind === 'block' ? 'block' : (decision.rule?.action ?? 'allow');
      const reason = decision.kind === 'block' ? decision.reason : fields.ctx.auth.reason;
      requests.inc({ zone: host.zoneId, host: host.hostname, action, reason });
    }
    return decision;
  }

  #decideUncounted(req: EdgeRequest, rayId: string): Decision {
    const time = Date.now();
    const snapshot = this.#o.snapshot();
    const { socket, state } = connectionOf(req);
    const authority = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
    const hostname = authority.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    const host = snapshot.hosts.get(hostname);
    if (!host || !state) {
      return {
        kind: 'deny',
        denial: { status: 404, reason: 'unknown_host', rayId, title: 'Not found' },
      };
    }
    // A connection whose TLS named one host must not be used for a request to another when
    // either asks for client certificates: that is how mTLS was bypassed in other gateways
    // (connect to a host without mTLS, then send Host: of one with it). RFC 9110 §15.5.20.
    const connHost = state.hostname === undefined ? undefined : snapshot.hosts.get(state.hostname);
    if (state.hostname !== hostname && (host.mtlsEnabled || connHost?.mtlsEnabled)) {
      const denial = {
        status: 421,
        reason: 'misdirected_request',
        rayId,
        title: 'Misdirected request',
      };
      return { kind: 'deny', denial };
    }
    const fields = new RequestFields({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      hostname,
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      socket,
      auth: state.auth,
      revoked: this.#o.revoked,
      rayId,
      time,
    });
    const zone = snapshot.zones.get(host.zoneId);
    const started = performance.now();
    const result = zone ? zone.evaluate(fields) : undefined;
    this.#o.metrics.ruleSeconds.observe((performance.now() - started) / 1000);
    for (const logged of result?.logged ?? []) this.#record(fields, host, logged, 'log');
    const rule = result?.terminating;
    if (rule?.action === 'block') {
      return { kind: 'block', host, fields, rule, reason: denialReason(fields) };
    }
    return { kind: 'pass', host, fields, rule };
  }

  #originHeaders(req: EdgeRequest, host: HostSnapshot, fields: RequestFields) {
    const headers = originHeaders(req.headers, isIdentityHeader);
    const client = fields.ctx.socket.remoteAddress ?? '';
    const previous = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = previous ? `${String(previous)}, ${client}` : client;
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = fields.ctx.hostname;
    headers.host = fields.ctx.hostname;
    headers['cf-ray'] = fields.ctx.rayId;
    if (host.mtlsEnabled) {
      const cert = fields.ctx.auth.certificate;
      Object.assign(headers, identityHeaders(host.identityHeaders, fields.clientAuth, cert));
    }
    return headers;
  }

  async #forward(
    req: EdgeRequest,
    res: EdgeResponse,
    host: HostSnapshot,
    fields: RequestFields,
    rule: EdgeRule | undefined,
  ): Promise<void> {
    const headers = this.#originHeaders(req, host, fields);
    const action = rule ? rule.action : 'allow';
    const { method, url, rayId } = fields.ctx;
    const started = performance.now();
    try {
      await this.#o.forwarder.forward(
        { origin: host.origin, method, url, headers, body: bodyOf(req) },
        res,
      );
      this.#o.metrics.originSeconds.observe(
        { host: host.hostname },
        (performance.now() - started) / 1000,
      );
      if (rule || Math.random() < this.#o.passSampleRate) {
        this.#record(fields, host, rule, action);
      }
    } catch (err) {
      if (!(err instanceof OriginError)) throw err;
      this.#o.metrics.originErrors.inc({ host: host.hostname, reason: err.reason });
      this.#o.logger.warn(
        { origin: host.origin.origin, reason: err.reason, rayId },
        'origin failed',
      );
      const title = err.status === 504 ? 'Gateway timeout' : 'Bad gateway';
      sendDenial(res, req.headers, { status: err.status, reason: err.reason, rayId, title });
      this.#record(fields, host, rule, action, err.reason);
    }
  }

  #record(
    fields: RequestFields,
    host: HostSnapshot,
    rule: EdgeRule | undefined,
    action: string,
    reason = denialReason(fields),
  ): void {
    const { ctx } = fields;
    const cert = ctx.auth.certificate;
    const event: FirewallEvent = {
      id: `${ctx.rayId}-${rule?.id ?? 'none'}-${action}`,
      time: ctx.time,
      zoneId: host.zoneId,
      host: host.hostname,
      ruleId: rule?.id ?? null,
      action,
      reason,
      clientIp: ctx.socket.remoteAddress ?? '',
      method: ctx.method,
      path: ctx.url.split('?')[0] ?? '/',
      certFingerprint: cert ? cert.fingerprintSha256 : null,
      certSerial: cert ? cert.serial : null,
      rayId: ctx.rayId,
    };
    this.#o.events.push(event);
  }
}

/**
 * Why a request would be denied, from the client's certificate: a revoked or failed
 * certificate names itself; with a good one (or on a host without mTLS) it is the rule.
 */
function denialReason(fields: RequestFields): string {
  const auth = fields.ctx.auth;
  if (fields.clientAuth['cf.tls_client_auth.cert_revoked'] === true) return 'revoked';
  if (auth.reason === 'verified' || auth.reason === 'not_requested') return 'rule';
  return auth.reason;
}

function bodyOf(req: EdgeRequest): Readable | null {
  if ('stream' in req) return req.stream.endAfterHeaders ? null : (req as unknown as Readable);
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return req;
  return length !== undefined && length !== '0' ? req : null;
}
