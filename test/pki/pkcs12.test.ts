import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildPkcs12,
  createManagedCa,
  exportPrivateKeyDer,
  generateKeyAndCsr,
  issueClientCertificate,
  pkcs12Kdf,
  type CreatedCa,
  type GeneratedCsr,
  type IssuedCertificate,
} from '../../src/pki/index.ts';
import { OpensslDir } from './openssl.ts';

const dir = new OpensslDir();
let ca: CreatedCa;
let device: GeneratedCsr;
let issued: IssuedCertificate;
const password = 'correct horse ✓';

before(async () => {
  ca = await createManagedCa({ accountId: 'p12' });
  device = await generateKeyAndCsr({ commonName: 'phone-7', organization: 'Portcullis' });
  issued = await issueClientCertificate({
    csr: device.csr,
    authority: { certificateDer: ca.certificateDer, privateKey: ca.keys.privateKey },
    validityDays: 365,
  });
});
after(() => dir.remove());

describe('buildPkcs12', () => {
  for (const profile of ['compatible', 'modern'] as const) {
    test(`${profile}: openssl reads the key and both certificates without -legacy`, async () => {
      const p12 = await buildPkcs12({
        privateKey: device.keys.privateKey,
        certificate: issued.certificateDer,
        chain: [ca.certificateDer],
        password,
        friendlyName: 'phone-7',
        profile,
      });
      dir.write(`${profile}.p12`, p12);
      const pass = `pass:${password}`;
      // -info writes to stderr.
      const info = dir.tryRun([
        'pkcs12',
        '-in',
        `${profile}.p12`,
        '-passin',
        pass,
        '-info',
        '-noout',
      ]).output;
      const out = dir.run(['pkcs12', '-in', `${profile}.p12`, '-passin', pass, '-nodes']);
      if (profile === 'compatible') {
        assert.match(info, /MAC: sha1, Iteration 2048/);
        assert.match(
          info,
          /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/,
        );
        assert.match(info, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
      } else {
        assert.match(info, /MAC: sha256, Iteration 2048/);
        assert.match(
          info,
          /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
        );
        assert.match(
          info,
          /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
        );
      }
      assert.match(info, /MAC length: \d+, salt length: 8/);
      assert.equal(out.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2);
      assert.match(out, /friendlyName: phone-7/);
      assert.match(out, /subject=O = Portcullis, CN = phone-7/);

      // The key in the bundle is the device key.
      dir.write(`${profile}-out.pem`, out);
      const fromBundle = dir.run(['pkey', '-in', `${profile}-out.pem`, '-outform', 'DER']);
      const original = Buffer.from(await exportPrivateKeyDer(device.keys.privateKey));
      dir.write('orig.der', original);
      const fromOriginal = dir.run([
        'pkey',
        '-in',
        'orig.der',
        '-inform',
        'DER',
        '-outform',
        'DER',
      ]);
      assert.equal(fromBundle, fromOriginal);

      // -legacy loads more algorithms; the bundle reads the same with it.
      const legacy = dir.tryRun([
        'pkcs12',
        '-legacy',
        '-in',
        `${profile}.p12`,
        '-passin',
        pass,
        '-nodes',
      ]);
      assert.equal(legacy.ok, true, legacy.output);
    });
  }

  test('openssl rejects a wrong password (the MAC is checked)', async () => {
    const p12 = await buildPkcs12({
      privateKey: device.keys.privateKey,
      certificate: issued.certificateDer,
      password,
    });
    dir.write('w.p12', p12);
    const result = dir.tryRun(['pkcs12', '-in', 'w.p12', '-passin', 'pass:wrong', '-nodes']);
    assert.equal(result.ok, false);
    assert.match(result.output, /mac verify/i);
  });

  test('accepts a PKCS#8 DER key and no chain', async () => {
    const p12 = await buildPkcs12({
      privateKey: await exportPrivateKeyDer(device.keys.privateKey),
      certificate: issued.certificateDer,
      password: 'x',
    });
    dir.write('der.p12', p12);
    const out = dir.run(['pkcs12', '-in', 'der.p12', '-passin', 'pass:x', '-nodes']);
    assert.equal(out.match(/-----BEGIN CERTIFICATE-----/g)?.length, 1);
    assert.match(out, /-----BEGIN PRIVATE KEY-----/);
  });

  test('bundles an RSA key that openssl made', async () => {
    dir.run(
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key'].concat([
        '-out',
        'rsa.csr',
        '-subj',
        '/CN=rsa-phone',
      ]),
    );
    const rsaIssued = await issueClientCertificate({
      csr: dir.text('rsa.csr'),
      authority: { certificateDer: ca.certificateDer, privateKey: ca.keys.privateKey },
      validityDays: 30,
    });
    const keyDer = dir
      .read('rsa.key')
      .toString('utf8')
      .replace(/-----[^-]+-----|\s/g, '');
    const p12 = await buildPkcs12({
      privateKey: new Uint8Array(Buffer.from(keyDer, 'base64')),
      certificate: rsaIssued.certificateDer,
      chain: [ca.certificateDer],
      password: 'pw',
    });
    dir.write('rsa.p12', p12);
    const out = dir.run(['pkcs12', '-in', 'rsa.p12', '-passin', 'pass:pw', '-nodes']);
    dir.write('rsa-out.pem', out);
    dir.run(['x509', '-in', 'rsa-out.pem', '-noout', '-pubkey', '-out', 'from-cert.pub']);
    dir.run(['pkey', '-in', 'rsa-out.pem', '-pubout', '-out', 'from-key.pub']);
    assert.equal(dir.text('from-cert.pub'), dir.text('from-key.pub'));
    assert.equal(dir.text('from-key.pub'), dir.run(['pkey', '-in', 'rsa.key', '-pubout']));
  });

  test('requires a password of 1 to 128 characters', async () => {
    for (const bad of ['', 'x'.repeat(129)]) {
      await assert.rejects(
        buildPkcs12({
          privateKey: device.keys.privateKey,
          certificate: issued.certificateDer,
          password: bad,
        }),
        { code: 'PORTCULLIS_ERR_PKI_PKCS12_PASSWORD' },
      );
    }
  });
});

describe('pkcs12Kdf', () => {
  // Known answer from the PKCS#12 KDF test vectors used by OpenSSL and BouncyCastle:
  // password "smeg", salt 0A58CF64530D823F, SHA-1, 1 iteration.
  test('derives the published key, IV and MAC key', () => {
    const salt = Buffer.from('0A58CF64530D823F', 'hex');
    assert.equal(
      pkcs12Kdf('sha1', 'smeg', salt, 1, 1, 24).toString('hex').toUpperCase(),
      '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3',
    );
    assert.equal(
      pkcs12Kdf('sha1', 'smeg', salt, 2, 1, 8).toString('hex').toUpperCase(),
      '79993DFE048D3B76',
    );
  });
});
