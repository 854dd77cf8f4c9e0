import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { checkServerCertificate } from '../../src/pki/server-certificate.ts';
import { sealPrivateKey } from '../../src/pki/index.ts';
import { startEdgeHarness, type EdgeHarness } from '../helpers/edge.ts';

/** A "public" CA and a server certificate it issued for `names`, made with openssl. */
function publicCertificate(names: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-public-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    '/CN=Public Test CA',
    '-days',
    '10',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=keyCertSign',
  );
  run(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    `/CN=${names[0]}`,
  );
  writeFileSync(
    join(dir, 'ext'),
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  run(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '5',
    '-extfile',
    'ext',
  );
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.pem'), cert: read('leaf.pem'), key: read('leaf.key') };
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

  test('the edge presents an uploaded certificate that covers the host, by wildcard too', async () => {
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
