import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import {
  issueIdentity,
  startEdgeHarness,
  type EdgeHarness,
  type Identity,
} from '../helpers/edge.ts';

/** An origin that accepts WebSocket upgrades and echoes every byte back. */
async function startUpgradeOrigin(seen: IncomingHttpHeaders[]): Promise<Server> {
  const server = createServer((_req, res) => res.end('not an upgrade'));
  server.on('upgrade', (req, socket) => {
    seen.push(req.headers);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on('data', (d) => socket.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Sends an upgrade request through the edge, then `payload`; returns what came back. */
function upgradeThroughEdge(h: EdgeHarness, identity: Identity | undefined, payload: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: h.port,
      servername: 'ws.example.com',
      ca: h.edgeCa,
      ALPNProtocols: ['http/1.1'],
      ...(identity ?? {}),
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('secureConnect', () =>
      socket.write(
        'GET /socket HTTP/1.1\r\nHost: ws.example.com\r\nUpgrade: websocket\r\n' +
          'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nClient-Cert: :Zm9yZ2Vk:\r\n\r\n',
      ),
    );
    socket.on('data', (d: string) => {
      data += d;
      if (data.includes('\r\n\r\n') && data.startsWith('HTTP/1.1 101') && !data.includes(payload)) {
        socket.write(payload);
      }
      if (data.includes(payload)) socket.end();
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('edge: WebSocket upgrades', () => {
  let h: EdgeHarness;
  let origin: Server;
  const seen: IncomingHttpHeaders[] = [];
  before(async () => {
    h = await startEdgeHarness();
    origin = await startUpgradeOrigin(seen);
    const port = (origin.address() as { port: number }).port;
    await h.store.createHost({
      zoneId: h.zone.id,
      hostname: 'ws.example.com',
      origin: `http://127.0.0.1:${port}`,
      mtlsEnabled: true,
    });
    await h.store.createRule({
      zoneId: h.zone.id,
      action: 'block',
      expression: 'http.host eq "ws.example.com" and not cf.tls_client_auth.cert_verified',
    });
    await h.edge.waitForVersion(await h.store.configVersion());
  });
  after(async () => {
    origin.close();
    await h.close();
  });

  test('an upgrade with a valid certificate is tunnelled with its identity', async () => {
    const device = await issueIdentity(h, 'ws-device');
    const answer = await upgradeThroughEdge(h, device, 'hello over the tunnel');
    assert.match(answer, /^HTTP\/1\.1 101 Switching Protocols/);
    assert.match(answer, /hello over the tunnel$/);
    const headers = seen.at(-1)!;
    assert.notEqual(headers['client-cert'], ':Zm9yZ2Vk:');
    assert.match(String(headers['client-cert']), /^:[A-Za-z0-9+/=]+:$/);
    assert.equal(headers.upgrade, 'websocket');
  });

  test('an upgrade without a certificate is refused before it reaches the origin', async () => {
    const before = seen.length;
    const answer = await upgradeThroughEdge(h, undefined, 'never');
    assert.match(answer, /^HTTP\/1\.1 403 Forbidden/);
    assert.match(answer, /no_certificate/);
    assert.equal(seen.length, before);
  });
});
