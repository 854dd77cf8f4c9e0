import { createServer, type Server } from 'node:http';

/** The name the demo host forwards to; the edge maps it to wherever the echo origin listens. */
export const ECHO_ORIGIN_URL = 'http://echo.portcullis.internal';

/** Largest request body the echo origin reads back, in bytes. */
const MAX_ECHO_BODY = 64 * 1024;

/**
 * A built-in origin that answers with the request it saw, headers included, as JSON. The demo
 * host forwards to it, so that anyone can see what reaches an origin behind Portcullis: the
 * identity headers, and that spoofed ones are gone.
 */
export async function startEchoOrigin(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < MAX_ECHO_BODY) body += chunk;
    });
    req.on('end', () => {
      const answer = JSON.stringify(
        { method: req.method, url: req.url, headers: req.headers, body: body || undefined },
        null,
        2,
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${answer}\n`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}
