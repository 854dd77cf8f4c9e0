import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { EdgeRule, EdgeSnapshot, HostSnapshot, RevokedSet } from '../config/index.ts';
import type { EventBuffer } from '../events/event-buffer.ts';
import type { FirewallEvent } from '../store/index.ts';
import { connectionOf } from './host-servers.ts';
import type { Forwarder } from './forwarder.ts';
import { originHeaders, OriginError } from './forwarder.ts';
import { identityHeaders, isIdentityHeader } from './identity-headers.ts';
import { RequestFields } from './request-fields.ts';
import {
  newRayId,
  sendCustom,
  sendDenial,
  type CustomResponse,
  type EdgeResponse,
} from './responses.ts';

export interface RequestHandlerOptions {
  snapshot: () => EdgeSnapshot;
  revoked: RevokedSet;
  forwarder: Forwarder;
  events: EventBuffer;
  logger: Logger;
  passSampleRate: number;
}

type EdgeRequest = IncomingMessage | Http2ServerRequest;

/**
 * One request through the edge: find the host, refuse SNI/Host confusion, evaluate the zone's
 * rules on lazily computed fields, then answer a block or forward to the origin with the
 * client's identity, and record the decision.
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
      if (!res.headersSent) {
        sendDenial(res, req.headers, {
          status: 500,
          reason: 'internal_error',
          rayId,
          title: 'Error',
        });
      } else {
        res.destroy();
      }
    });
  }

  async #handle(req: EdgeRequest, res: EdgeResponse, rayId: string): Promise<void> {
    const time = Date.now();
    const snapshot = this.#o.snapshot();
    const { socket, state } = connectionOf(req);
    const authority = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
    const hostname = authority.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    const host = snapshot.hosts.get(hostname);
    if (!host || !state) {
      sendDenial(res, req.headers, {
        status: 404,
        reason: 'unknown_host',
        rayId,
        title: 'Not found',
      });
      return;
    }
    // A connection whose TLS named one host must not be used for a request to another when
    // either asks for client certificates: that is how mTLS was bypassed in other gateways
    // (connect to a host without mTLS, then send Host: of one with it). RFC 9110 §15.5.20.
    const connHost = state.hostname === undefined ? undefined : snapshot.hosts.get(state.hostname);
    if (state.hostname !== hostname && (host.mtlsEnabled || connHost?.mtlsEnabled)) {
      sendDenial(res, req.headers, {
        status: 421,
        reason: 'misdirected_request',
        rayId,
        title: 'Misdirected request',
      });
      return;
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
    const result = zone ? zone.evaluate(fields) : { logged: [] as EdgeRule[] };
    for (const rule of result.logged) this.#record(fields, host, rule, 'log', res.statusCode);
    const rule = result.terminating;

    if (rule?.action === 'block') {
      const custom = (rule.actionParameters?.response ?? undefined) as CustomResponse | undefined;
      const reason = denialReason(fields);
      if (custom) sendCustom(res, custom);
      else sendDenial(res, req.headers, { status: 403, reason, rayId, title: 'Access denied' });
      this.#record(fields, host, rule, 'block', res.statusCode, reason);
      return;
    }
    await this.#forward(req, res, host, fields, rule);
  }

  async #forward(
    req: EdgeRequest,
    res: EdgeResponse,
    host: HostSnapshot,
    fields: RequestFields,
    rule: EdgeRule | undefined,
  ): Promise<void> {
    const headers = originHeaders(req.headers, isIdentityHeader);
    const client = fields.ctx.socket.remoteAddress ?? '';
    const previous = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = previous ? `${String(previous)}, ${client}` : client;
    headers['x-forwarded-proto'] = 'https';
    headers['x-forwarded-host'] = fields.ctx.hostname;
    headers.host = fields.ctx.hostname;
    headers['cf-ray'] = fields.ctx.rayId;
    if (host.mtlsEnabled) {
      Object.assign(
        headers,
        identityHeaders(host.identityHeaders, fields.clientAuth, fields.ctx.auth.certificate),
      );
    }
    const action = rule ? rule.action : 'allow';
    try {
      const status = await this.#o.forwarder.forward(
        {
          origin: host.origin,
          method: fields.ctx.method,
          url: fields.ctx.url,
          headers,
          body: bodyOf(req),
        },
        res,
      );
      if (rule || Math.random() < this.#o.passSampleRate) {
        this.#record(fields, host, rule, action, status);
      }
    } catch (err) {
      if (!(err instanceof OriginError)) throw err;
      this.#o.logger.warn(
        { origin: host.origin.origin, reason: err.reason, rayId: fields.ctx.rayId },
        'origin failed',
      );
      sendDenial(res, req.headers, {
        status: err.status,
        reason: err.reason,
        rayId: fields.ctx.rayId,
        title: err.status === 504 ? 'Gateway timeout' : 'Bad gateway',
      });
      this.#record(fields, host, rule, action, err.status, err.reason);
    }
  }

  #record(
    fields: RequestFields,
    host: HostSnapshot,
    rule: EdgeRule | undefined,
    action: string,
    _status: number,
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
