import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { checkServerCertificate } from '../../src/pki/server-certificate.ts';
import { sealPrivateKey } from '../../src/pki/index.ts';
import { startEdgeHarness, type EdgeHarness } from '../helpers/edge.ts';
import { opensslCa, opensslDir, opensslLeaf } from '../helpers/openssl.ts';

/** A "public" CA and a server certificate it issued for `names`, made with openssl. */
function publicCertificate(names: string[]) {
  const o = opensslDir('portcullis-public-');
  const ca = opensslCa(o, 'Public Test CA');
  const leaf = opensslLeaf(
    o,
    `/CN=${names[0]}`,
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  return { ca: ca.cert, ...leaf };
}

/** The issuer CN of the certificate the edge presents for `servername`. */
function presentedIssuer(h: EdgeHarness, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: h.port, servername, ca }, () => {
      resolve(String(socket.getPeerCertificate().issuer.CN));
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('edge: uploaded server certificates', () => {
  let h: EdgeHarness;
  before(async () => {
    h = await startEdgeHarness();
  });
  after(() => h.close());

  test('presents an uploaded certificate that covers the host, by wildcard too', async () => {
    const pub = publicCertificate(['*.example.com']);
    assert.equal(await presentedIssuer(h, 'www.example.com', h.edgeCa), 'Portcullis Edge CA');
    const checked = checkServerCertificate(pub.cert, pub.key);
    assert.deepEqual(checked.hosts, ['*.example.com']);
    const stored = await h.store.createCustomCertificate({
      zoneId: h.zone.id,
      certificatePem: checked.certificatePem,
      sealedPrivateKey: sealPrivateKey(checked.privateKeyDer, h.masterKey),
      hosts: [...checked.hosts],
      issuer: checked.issuer,
      signature: checked.signature,
      bundleMethod: 'ubiquitous',
      priority: 0,
      expiresOn: checked.expiresOn,
    });
    await h.edge.waitForVersion(await h.store.configVersion());
    assert.equal(await presentedIssuer(h, 'www.example.com', pub.ca), 'Public Test CA');
    assert.equal(await presentedIssuer(h, 'api.example.com', pub.ca), 'Public Test CA');

    await h.store.deleteCustomCertificate(stored.id);
    await h.edge.waitForVersion(await h.store.configVersion());
    assert.equal(await presentedIssuer(h, 'www.example.com', h.edgeCa), 'Portcullis Edge CA');
  });

  test('an upload whose key does not match, or that is expired, is refused with a reason', () => {
    const a = publicCertificate(['a.example.com']);
    const b = publicCertificate(['b.example.com']);
    assert.throws(() => checkServerCertificate(a.cert, b.key), /does not belong to certificate/);
    assert.throws(
      () => checkServerCertificate(a.cert, a.key, new Date(Date.now() + 30 * 86_400_000)),
      /expired on/,
    );
    assert.throws(() => checkServerCertificate('not pem', a.key), /not PEM/);
  });
});
