import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { after, before, describe, test } from 'node:test';
import {
  edgeRequest,
  edgeRequestH2,
  foreignIdentity,
  issueIdentity,
  issueWithOpenssl,
  startEdgeHarness,
  type EdgeHarness,
  type Identity,
} from '../helpers/edge.ts';

describe('edge: client certificates over real TLS', () => {
  let h: EdgeHarness;
  let valid: Identity;
  before(async () => {
    h = await startEdgeHarness();
    valid = await issueIdentity(h, 'device-1');
    await h.edge.waitForVersion(await h.store.configVersion());
  });
  after(() => h.close());

  test('a request without a certificate gets 403 saying so', async () => {
    const res = await edgeRequest(h);
    assert.equal(res.status, 403);
    assert.equal(res.headers['content-type'], 'application/json');
    const body = res.json() as { error: { reason: string }; ray_id: string };
    assert.equal(body.error.reason, 'no_certificate');
    assert.equal(res.headers['cf-ray'], body.ray_id);
  });

  test('a browser gets the denial as a small HTML page', async () => {
    const res = await edgeRequest(h, { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /no client certificate was presented/);
    assert.match(res.body, new RegExp(res.headers['cf-ray'] as string));
  });

  test('a valid certificate reaches the origin with its identity in RFC 9440 headers', async () => {
    const res = await edgeRequest(h, { identity: valid, path: '/orders?id=7' });
    assert.equal(res.status, 200);
    const seen = res.json() as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/orders?id=7');
    const der = Buffer.from(valid.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.equal(seen.headers['client-cert'], `:${der.toString('base64')}:`);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers.host, 'api.example.com');
  });

  test('identity headers sent by the client never reach the origin', async () => {
    const spoofed = {
      'client-cert': ':Zm9yZ2Vk:',
      'client-cert-chain': ':Zm9yZ2Vk:',
      'x-forwarded-client-cert': 'Hash=forged',
      'cf-cert-verified': '1',
      'cf-cert-subject-dn': 'CN=admin',
    };
    const withCert = (await edgeRequest(h, { identity: valid, headers: spoofed })).json() as {
      headers: Record<string, string>;
    };
    assert.notEqual(withCert.headers['client-cert'], ':Zm9yZ2Vk:');
    for (const name of ['client-cert-chain', 'x-forwarded-client-cert', 'cf-cert-verified']) {
      assert.equal(withCert.headers[name], undefined, name);
    }
    const open = (await edgeRequest(h, { host: 'www.example.com', headers: spoofed })).json() as {
      headers: Record<string, string>;
    };
    for (const name of Object.keys(spoofed)) assert.equal(open.headers[name], undefined, name);
  });

  test('HTTP/2 carries the same decision and identity', async () => {
    assert.equal((await edgeRequestH2(h)).status, 403);
    const res = await edgeRequestH2(h, { identity: valid });
    assert.equal(res.status, 200);
    assert.match((res.json() as { headers: Record<string, string> }).headers['client-cert']!, /^:/);
  });

  const failures: [string, () => Promise<Identity>, string][] = [
    [
      'an expired certificate',
      () => issueIdentity(h, 'old', { now: new Date(Date.now() - 3 * 86_400_000) }),
      'expired',
    ],
    [
      'a certificate not valid yet',
      () => issueIdentity(h, 'future', { now: new Date(Date.now() + 3 * 86_400_000) }),
      'not_yet_valid',
    ],
    ['a certificate from an unknown CA', async () => foreignIdentity(), 'unknown_ca'],
    [
      'a certificate for servers, not clients',
      () =>
        issueWithOpenssl(
          h,
          'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
        ),
      'wrong_key_usage',
    ],
  ];
  for (const [name, make, reason] of failures) {
    test(`${name} gets 403 with reason ${reason}`, async () => {
      const res = await edgeRequest(h, { identity: await make() });
      assert.equal(res.status, 403);
      assert.equal((res.json() as { error: { reason: string } }).error.reason, reason);
    });
  }

  test('a revocation blocks new connections and the next request of an open one', async () => {
    const device = await issueIdentity(h, 'device-to-revoke');
    await h.edge.waitForVersion(await h.store.configVersion());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await edgeRequest(h, { identity: device, agent });
      assert.equal(first.status, 200);
      const revoked = await h.store.setClientCertificateStatus(
        device.record!.id,
        'pending_revocation',
      );
      await h.edge.waitForVersion(revoked.statusVersion);
      const sameConnection = await edgeRequest(h, { identity: device, agent });
      assert.equal(sameConnection.status, 403);
      assert.equal(
        (sameConnection.json() as { error: { reason: string } }).error.reason,
        'revoked',
      );
      const sockets =
        Object.values(agent.sockets).flat().length + Object.values(agent.freeSockets).flat().length;
      assert.equal(sockets, 1, 'both requests used one connection');
      const fresh = await edgeRequest(h, { identity: device });
      assert.equal(fresh.status, 403);

      const restored = await h.store.setClientCertificateStatus(device.record!.id, 'active');
      await h.edge.waitForVersion(restored.statusVersion);
      assert.equal((await edgeRequest(h, { identity: device, agent })).status, 200);
    } finally {
      agent.destroy();
    }
  });
});
