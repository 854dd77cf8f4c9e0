import { randomBytes } from 'node:crypto';
import type { Http2ServerResponse } from 'node:http2';
import { STATUS_CODES, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The edge's response object: HTTP/1.1 and HTTP/2 share the compatibility API. */
export type EdgeResponse = ServerResponse | Http2ServerResponse;

// A ray id names one request; it must be unique, not secret. Drawing 8 random bytes for every
// request cost 5% of the edge's time, so each process draws a random prefix once and counts.
const RAY_PREFIX = randomBytes(4).toString('hex');
let rayCounter = 0;

/** A new ray id: 16 hex characters and the edge's mark, like Cloudflare's `cf-ray`. */
export function newRayId(): string {
  rayCounter = (rayCounter + 1) >>> 0;
  return `${RAY_PREFIX}${rayCounter.toString(16).padStart(8, '0')}-PCS`;
}

/** What a denial says, in words for people and a code for programs. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  no_certificate: 'no client certificate was presented',
  unknown_ca: 'the client certificate was not issued by a trusted CA',
  expired: 'the client certificate has expired',
  not_yet_valid: 'the client certificate is not valid yet',
  bad_signature: 'the client certificate signature is invalid',
  wrong_key_usage: 'the client certificate is not meant for client authentication',
  invalid_certificate: 'the client certificate is invalid',
  revoked: 'the client certificate has been revoked',
  rule: 'the request matched a firewall rule',
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason.replaceAll('_', ' ');
}

/** Whether the client would rather read HTML than JSON (a browser asking for a page). */
function wantsHtml(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

export interface Denial {
  status: number;
  /** Machine-readable reason: `no_certificate`, `revoked`, `rule`, ... */
  reason: string;
  rayId: string;
  /** A short title for the page, e.g. "Access denied". */
  title: string;
}

/**
 * Sends the edge's own answer: JSON for API clients, a small page for browsers. It names the
 * reason and the ray id so that an operator can find the event, and nothing else: no rule
 * expression, no certificate details, no origin.
 */
export function sendDenial(res: EdgeResponse, headers: IncomingHttpHeaders, d: Denial): void {
  const { type, body } = denialBody(headers, d);
  send(res, d.status, type, body);
}

/**
 * The same denial written straight onto a socket, for requests that left HTTP's response
 * machinery (an `Upgrade` request); the connection is closed after it.
 */
export function writeRawDenial(socket: Duplex, headers: IncomingHttpHeaders, d: Denial): void {
  if (socket.destroyed) return;
  const { type, body } = denialBody(headers, d);
  socket.end(
    `HTTP/1.1 ${d.status} ${STATUS_CODES[d.status] ?? 'Error'}\r\n` +
      `content-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `cache-control: no-store\r\ncf-ray: ${d.rayId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function denialBody(headers: IncomingHttpHeaders, d: Denial): { type: string; body: string } {
  const message = reasonText(d.reason);
  let body: string;
  let type: string;
  if (wantsHtml(headers)) {
    type = 'text/html; charset=utf-8';
    body =
      `<!doctype html><html><head><meta charset="utf-8"><title>${d.title}</title></head>` +
      `<body><h1>${d.status} ${d.title}</h1><p>${escapeHtml(message)}.</p>` +
      `<p>Ray ID: <code>${d.rayId}</code></p></body></html>\n`;
  } else {
    type = 'application/json';
    body = `${JSON.stringify({
      success: false,
      error: { status: d.status, reason: d.reason, message },
      ray_id: d.rayId,
    })}\n`;
  }
  return { type, body };
}

/** A rule's custom block response (Cloudflare's `action_parameters.response`). */
export interface CustomResponse {
  status_code?: number;
  content?: string;
  content_type?: string;
}

export function sendCustom(res: EdgeResponse, custom: CustomResponse): void {
  send(
    res,
    custom.status_code ?? 403,
    custom.content_type ?? 'text/plain; charset=utf-8',
    custom.content ?? '',
  );
}

function send(res: EdgeResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
