import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { OriginError } from './forwarder.ts';

/** Time to open the connection to the origin for a tunnel. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface TunnelRequest {
  /** Where to connect: the origin, after any override. */
  target: URL;
  /** The origin's URL as configured; its path is the prefix of every forwarded path. */
  origin: URL;
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
}

/**
 * Passes an `Upgrade` request (a WebSocket handshake) to the origin and, once connected,
 * joins the two connections byte for byte: the origin's `101 Switching Protocols` and
 * everything after it reach the client unchanged. The request line and headers are written by
 * the edge, so the origin sees the same filtered headers and identity as for any request.
 */
export async function tunnel(req: TunnelRequest, client: Duplex, head: Buffer): Promise<void> {
  const upstream = await connectTo(req.target);
  const base = req.origin.pathname.replace(/\/$/, '');
  const lines = [`${req.method} ${base}${req.url} HTTP/1.1`];
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  const close = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', close);
  client.on('error', close);
  upstream.on('close', close);
  client.on('close', close);
  upstream.pipe(client);
  client.pipe(upstream);
}

function connectTo(target: URL): Promise<Socket> {
  const host = target.hostname;
  const secure = target.protocol === 'https:';
  const port = Number(target.port || (secure ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tlsConnect({ host, port, servername: host })
      : netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new OriginError(504, 'origin_timeout', 'connecting to the origin timed out'));
    }, CONNECT_TIMEOUT_MS);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new OriginError(502, 'origin_unreachable', `the origin is unreachable (${err.code})`));
    });
  });
}
