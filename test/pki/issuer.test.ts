import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import {
  createManagedCa,
  describeClientCertificate,
  generateKeyAndCsr,
  issueClientCertificate,
  MAX_VALIDITY_DAYS,
  openSigningAuthority,
  parseCsr,
  readClientCertificate,
  sealSigningKey,
  validateUploadedCa,
  type CreatedCa,
  type SigningAuthority,
} from '../../src/pki/index.ts';
import { OpensslDir, opensslView } from './openssl.ts';

const dir = new OpensslDir();
let ecCa: CreatedCa;
let ec: SigningAuthority;

before(async () => {
  ecCa = await createManagedCa({ accountId: '11cbe197c050c9e422aaa103cfe30ed8' });
  ec = { certificateDer: ecCa.certificateDer, privateKey: ecCa.keys.privateKey };
  dir.write('ca.pem', ecCa.certificatePem);
  dir.run(
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      'dev.key',
      '-out',
      'dev.csr',
      '-subj',
      '/C=US/O=Upinatoms/CN=ios-bootstrap',
    ]),
  );
});
after(() => dir.remove());

describe('createManagedCa', () => {
  test('makes a self-signed CA that openssl accepts, named for the account', () => {
    const text = dir.run(['x509', '-in', 'ca.pem', '-noout', '-text']);
    assert.match(
      text,
      /Subject: O = Portcullis, CN = Portcullis Managed CA for account 11cbe197c050c9e422aaa103cfe30ed8/,
    );
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /ecdsa-with-SHA256/);
    assert.match(dir.run(['verify', '-CAfile', 'ca.pem', 'ca.pem']), /OK/);
    assert.equal(ecCa.metadata.signature, 'ECDSAWithSHA256');
    assert.equal(ecCa.metadata.ski, opensslView(dir, 'ca.pem').ski);
  });

  test('makes an RSA 3072 CA on request', async () => {
    const rsaCa = await createManagedCa({ accountId: 'acct', algorithm: 'rsa-3072' });
    assert.equal(rsaCa.metadata.signature, 'SHA256WithRSA');
    dir.write('rsa-ca.pem', rsaCa.certificatePem);
    assert.match(
      dir.run(['x509', '-in', 'rsa-ca.pem', '-noout', '-text']),
      /Public-Key: \(3072 bit\)/,
    );
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority: { certificateDer: rsaCa.certificateDer, privateKey: rsaCa.keys.privateKey },
      validityDays: 10,
    });
    dir.write('rsa-ca.pem', rsaCa.certificatePem);
    dir.write('rsa-leaf.pem', issued.certificatePem);
    assert.match(
      dir.run(['verify', '-CAfile', 'rsa-ca.pem', '-purpose', 'sslclient', 'rsa-leaf.pem']),
      /OK/,
    );
    assert.equal(issued.metadata.signature, 'SHA256WithRSA');
  });

  test('refuses an account id that cannot go into a name', async () => {
    await assert.rejects(createManagedCa({ accountId: 'a,b=c' }), {
      code: 'PORTCULLIS_ERR_PKI_INVALID_ARGUMENT',
    });
  });
});

describe('issueClientCertificate', () => {
  test('issues a client certificate that openssl verifies for client authentication', async () => {
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority: ec,
      validityDays: 3650,
      crlDistributionPointUrl: 'http://127.0.0.1:8080/crl/managed.crl',
    });
    dir.write('leaf.pem', issued.certificatePem);
    assert.match(
      dir.run(['verify', '-CAfile', 'ca.pem', '-purpose', 'sslclient', 'leaf.pem']),
      /leaf.pem: OK/,
    );

    const text = dir.run(['x509', '-in', 'leaf.pem', '-noout', '-text']);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
    assert.match(text, /Extended Key Usage: \s+TLS Web Client Authentication\n/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /Authority Key Identifier/);
    assert.match(text, /URI:http:\/\/127.0.0.1:8080\/crl\/managed.crl/);
    assert.match(text, /Subject: C = US, O = Upinatoms, CN = ios-bootstrap/);
  });

  test('reports the metadata in the ClientCertificate shape, matching openssl', async () => {
    const now = new Date('2026-03-01T10:00:30.500Z');
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority: ec,
      validityDays: 30,
      now,
    });
    dir.write('meta.pem', issued.certificatePem);
    const view = opensslView(dir, 'meta.pem');
    const meta = issued.metadata;
    assert.equal(meta.common_name, 'ios-bootstrap');
    assert.equal(meta.organization, 'Upinatoms');
    assert.equal(meta.country, 'US');
    assert.equal(meta.state, '');
    assert.equal(meta.issued_on, '2026-03-01T09:59:30Z');
    assert.equal(meta.expires_on, '2026-03-31T09:59:30Z');
    assert.equal(meta.validity_days, 30);
    assert.equal(meta.fingerprint_sha256, view.sha256);
    assert.equal(meta.serial_number, view.serial);
    assert.equal(meta.ski, view.ski.toLowerCase());
    assert.equal(meta.signature, 'ECDSAWithSHA256');
    assert.match(meta.serial_number, /^[0-9A-F]{40}$/);
    assert.equal(view.notBefore, 'Mar  1 09:59:30 2026 GMT');
    assert.deepEqual(describeClientCertificate(issued.certificateDer), meta);
  });

  test('copies the CSR subject byte for byte, string types and multi-valued RDNs included', async () => {
    dir.write('mask.cnf', '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n');
    dir.run(
      ['req', '-new', '-config', 'mask.cnf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
        .concat(['-nodes', '-keyout', 'mask.key', '-out', 'mask.csr', '-utf8', '-multivalue-rdn'])
        .concat(['-subj', '/C=FR/O=Société/CN=Ωmega+UID=x/emailAddress=a@b.c/DC=d']),
    );
    const csr = await parseCsr(dir.text('mask.csr'));
    const issued = await issueClientCertificate({ csr, authority: ec, validityDays: 1 });
    dir.write('mask.pem', issued.certificatePem);
    const subjectOf = (args: string[]) =>
      dir.run([...args, '-noout', '-subject', '-nameopt', 'RFC2253']);
    assert.equal(subjectOf(['x509', '-in', 'mask.pem']), subjectOf(['req', '-in', 'mask.csr']));
    assert.equal(readClientCertificate(issued.certificateDer).subjectDn, csr.subjectDn);
    assert.ok(Buffer.from(issued.certificateDer).includes(Buffer.from(csr.subjectName)));
  });

  test('gives every certificate a different positive 20-octet serial', async () => {
    const csr = dir.text('dev.csr');
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++) {
      serials.add(
        (await issueClientCertificate({ csr, authority: ec, validityDays: 1 })).metadata
          .serial_number,
      );
    }
    assert.equal(serials.size, 5);
    for (const serial of serials) assert.match(serial, /^(0[1-9A-F]|[1-7][0-9A-F])[0-9A-F]{38}$/);
  });

  test('refuses a validity out of range', async () => {
    for (const validityDays of [0, -1, 1.5, MAX_VALIDITY_DAYS + 1, Number.NaN]) {
      await assert.rejects(
        issueClientCertificate({ csr: dir.text('dev.csr'), authority: ec, validityDays }),
        { code: 'PORTCULLIS_ERR_PKI_VALIDITY_OUT_OF_RANGE' },
      );
    }
  });

  test('never lets a certificate outlive its CA', async () => {
    const shortCa = await createManagedCa({ accountId: 'short', validityDays: 10 });
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority: { certificateDer: shortCa.certificateDer, privateKey: shortCa.keys.privateKey },
      validityDays: 365,
    });
    assert.equal(issued.metadata.expires_on, shortCa.metadata.expires_on);
  });

  test('writes GeneralizedTime after 2049 and reads it back as openssl prints it', async () => {
    const now = new Date('2045-06-05T01:02:03Z');
    const longCa = await createManagedCa({ accountId: 'long', validityDays: 36_500, now });
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority: { certificateDer: longCa.certificateDer, privateKey: longCa.keys.privateKey },
      validityDays: MAX_VALIDITY_DAYS,
      now,
    });
    dir.write('gt.pem', issued.certificatePem);
    const view = opensslView(dir, 'gt.pem');
    const cert = readClientCertificate(issued.certificateDer);
    assert.equal(cert.notBefore, view.notBefore);
    assert.equal(cert.notAfter, view.notAfter);
    assert.equal(view.notBefore, 'Jun  5 01:01:03 2045 GMT');
    assert.match(view.notAfter, /2060 GMT$/);
  });

  test('refuses to sign with a key that is not the CA key', async () => {
    const other = await createManagedCa({ accountId: 'other' });
    await assert.rejects(
      issueClientCertificate({
        csr: dir.text('dev.csr'),
        authority: { certificateDer: ecCa.certificateDer, privateKey: other.keys.privateKey },
      }),
      { code: 'PORTCULLIS_ERR_PKI_CA_KEY_MISMATCH' },
    );
  });
});

describe('a sealed CA key', () => {
  test('opens into a signing authority that issues certificates', async () => {
    const masterKey = new Uint8Array(32).fill(7);
    const sealed = await sealSigningKey(ecCa.keys.privateKey, masterKey);
    const authority = await openSigningAuthority(ecCa.certificatePem, sealed, masterKey);
    const issued = await issueClientCertificate({
      csr: dir.text('dev.csr'),
      authority,
      validityDays: 1,
    });
    dir.write('sealed-leaf.pem', issued.certificatePem);
    assert.match(dir.run(['verify', '-CAfile', 'ca.pem', 'sealed-leaf.pem']), /OK/);
  });

  test("refuses a wrong master key and another CA's key", async () => {
    const masterKey = new Uint8Array(32).fill(7);
    const sealed = await sealSigningKey(ecCa.keys.privateKey, masterKey);
    await assert.rejects(openSigningAuthority(ecCa.certificateDer, sealed, new Uint8Array(32)), {
      code: 'PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH',
    });
    const other = await createManagedCa({ accountId: 'other-sealed' });
    await assert.rejects(openSigningAuthority(other.certificateDer, sealed, masterKey), {
      code: 'PORTCULLIS_ERR_PKI_CA_KEY_MISMATCH',
    });
  });
});

describe('validateUploadedCa', () => {
  test('accepts a CA bundle and describes it in the MTLSCertificate shape', () => {
    const uploaded = validateUploadedCa(`some text\n${ecCa.certificatePem}`);
    assert.equal(uploaded.certificates, ecCa.certificatePem);
    assert.equal(
      uploaded.metadata.issuer,
      'CN=Portcullis Managed CA for account 11cbe197c050c9e422aaa103cfe30ed8,O=Portcullis',
    );
    assert.equal(uploaded.metadata.serial_number, opensslView(dir, 'ca.pem').serial);
    assert.equal(uploaded.metadata.signature, 'ECDSAWithSHA256');
    assert.match(uploaded.metadata.expires_on, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('refuses a leaf certificate, an expired CA and one not yet valid', () => {
    const serial = opensslView(dir, 'leaf.pem').serial;
    assert.throws(
      () => validateUploadedCa(dir.text('leaf.pem')),
      (err: Error & { code: string }) => {
        assert.equal(err.code, 'PORTCULLIS_ERR_PKI_NOT_A_CA');
        assert.equal(
          err.message,
          `checking certificate ${serial}: it is not a CA certificate (basicConstraints cA is not set)`,
        );
        return true;
      },
    );
    assert.throws(() => validateUploadedCa(ecCa.certificatePem, { now: new Date('2090-01-01') }), {
      code: 'PORTCULLIS_ERR_PKI_CERTIFICATE_EXPIRED',
    });
    assert.throws(() => validateUploadedCa(ecCa.certificatePem, { now: new Date('2000-01-01') }), {
      code: 'PORTCULLIS_ERR_PKI_CERTIFICATE_NOT_YET_VALID',
    });
  });

  test('refuses input that is not PEM certificates', () => {
    assert.throws(() => validateUploadedCa('hello'), { code: 'PORTCULLIS_ERR_PKI_NOT_PEM' });
    assert.throws(() => validateUploadedCa(dir.text('dev.csr')), {
      code: 'PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE',
    });
  });
});

describe('a real TLS handshake', () => {
  test('authenticates an issued certificate and reads the same fields on the server', async () => {
    dir.run(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        'server.key',
        '-out',
        'server.pem',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ]),
    );
    const generated = await generateKeyAndCsr({
      commonName: 'handshake device',
      organization: 'Portcullis',
    });
    const issued = await issueClientCertificate({
      csr: generated.csrPem,
      authority: ec,
      validityDays: 1,
    });

    const server = tls.createServer({
      key: dir.text('server.key'),
      cert: dir.text('server.pem'),
      ca: ecCa.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const seen = new Promise<{ authorized: boolean; raw: Buffer }>((resolve) => {
      server.on('secureConnection', (socket) => {
        resolve({ authorized: socket.authorized, raw: socket.getPeerCertificate().raw });
        socket.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const client = tls.connect({
      host: '127.0.0.1',
      port,
      ca: dir.text('server.pem'),
      servername: 'localhost',
      key: generated.privateKeyPem,
      cert: issued.certificatePem,
    });
    client.on('error', () => {});
    const { authorized, raw } = await seen;
    client.destroy();
    server.close();

    assert.equal(authorized, true);
    const cert = readClientCertificate(raw, [], ecCa.certificateDer);
    assert.equal(cert.subjectDn, 'CN=handshake device,O=Portcullis');
    assert.equal(cert.serial, issued.metadata.serial_number);
    assert.equal(cert.issuerSki, ecCa.metadata.ski);
    assert.equal(cert.issuerSerial, ecCa.metadata.serial_number);
  });
});
