import assert from 'node:assert/strict';
import { connect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import {
  edgeRequest,
  issueIdentity,
  sendRaw,
  startEdgeHarness,
  type EdgeHarness,
  type Identity,
} from '../helpers/edge.ts';

/** Opens a TLS connection, sends one HTTP/1.1 request, and returns status and session. */
function rawTls(
  h: EdgeHarness,
  o: {
    servername: string;
    host: string;
    identity?: Identity;
    session?: Buffer;
    maxVersion: 'TLSv1.2' | 'TLSv1.3';
  },
): Promise<{ status: number; reused: boolean; session: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    const socket: TLSSocket = connect({
      host: '127.0.0.1',
      port: h.port,
      servername: o.servername,
      ca: h.edgeCa,
      maxVersion: o.maxVersion,
      ALPNProtocols: ['http/1.1'],
      ...(o.session ? { session: o.session } : {}),
      ...(o.identity ? { cert: o.identity.cert, key: o.identity.key } : {}),
    });
    socket.on('session', (s) => (session = s));
    let data = '';
    let reused = false;
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write(`GET / HTTP/1.1\r\nHost: ${o.host}\r\nConnection: close\r\n\r\n`);
    });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0);
      resolve({ status, reused, session });
    });
  });
}

describe('edge: hosts, sessions and bad input', () => {
  let h: EdgeHarness;
  let valid: Identity;
  before(async () => {
    h = await startEdgeHarness();
    valid = await issueIdentity(h, 'device-1');
    await h.edge.waitForVersion(await h.store.configVersion());
  });
  after(() => h.close());

  test('a request for an mTLS host on a connection made for another host gets 421', async () => {
    const res = await edgeRequest(h, { servername: 'www.example.com', host: 'api.example.com' });
    assert.equal(res.status, 421);
    assert.equal((res.json() as { error: { reason: string } }).error.reason, 'misdirected_request');
    const back = await edgeRequest(h, {
      servername: 'api.example.com',
      host: 'www.example.com',
      identity: valid,
    });
    assert.equal(back.status, 421);
  });

  test('a host without mTLS is served without a certificate', async () => {
    assert.equal((await edgeRequest(h, { host: 'www.example.com' })).status, 200);
  });

  test('an unknown host gets 404', async () => {
    const res = await edgeRequest(h, {
      servername: 'www.example.com',
      host: 'nowhere.example.org',
    });
    assert.equal(res.status, 404);
  });

  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`a ${maxVersion} session from another host does not resume with an identity`, async () => {
      const open = await rawTls(h, {
        servername: 'www.example.com',
        host: 'www.example.com',
        maxVersion,
      });
      assert.equal(open.status, 200);
      assert.ok(open.session);
      const reuse = await rawTls(h, {
        servername: 'api.example.com',
        host: 'api.example.com',
        session: open.session,
        maxVersion,
      });
      assert.equal(reuse.reused, false);
      assert.equal(reuse.status, 403);
    });

    test(`a ${maxVersion} session resumed on its own host keeps its own verdict`, async () => {
      const first = await rawTls(h, {
        servername: 'api.example.com',
        host: 'api.example.com',
        identity: valid,
        maxVersion,
      });
      assert.equal(first.status, 200);
      const again = await rawTls(h, {
        servername: 'api.example.com',
        host: 'api.example.com',
        session: first.session,
        maxVersion,
      });
      // Resumed or not, the answer is the one the certificate earned; never another's.
      assert.equal(again.status, 200);
      const anonymous = await rawTls(h, {
        servername: 'api.example.com',
        host: 'api.example.com',
        maxVersion,
      });
      assert.equal(anonymous.status, 403);
    });
  }

  test('a garbled ClientHello or plain HTTP closes only that connection', async () => {
    await sendRaw(h, Buffer.from('GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n'));
    const garbled = Buffer.from([
      0x16,
      0x03,
      0x01,
      0x00,
      0x30,
      0x01,
      0x00,
      0x00,
      0xff,
      ...Array(44).fill(7),
    ]);
    await sendRaw(h, garbled);
    await sendRaw(h, Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff]));
    assert.equal((await edgeRequest(h, { identity: valid })).status, 200);
  });

  test('a configuration change under load drops no request', async () => {
    let changes = 0;
    const changer = (async () => {
      for (let i = 0; i < 10; i++) {
        await h.store.createRule({
          zoneId: h.zone.id,
          action: 'log',
          expression: `http.request.uri.path eq "/never-${i}"`,
        });
        changes++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const requests = Array.from({ length: 200 }, (_, i) =>
      edgeRequest(h, i % 2 ? { identity: valid } : {}).then((r) => [i % 2, r.status]),
    );
    const results = await Promise.all(requests);
    await changer;
    assert.equal(changes, 10);
    for (const [withCert, status] of results) assert.equal(status, withCert ? 200 : 403);
    await h.edge.waitForVersion(await h.store.configVersion());
  });
});
