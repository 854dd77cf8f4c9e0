import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  fieldsFor,
  noClientAuthFields,
  readClientCertificate,
  TLS_CLIENT_AUTH_FIELDS,
} from '../../src/pki/index.ts';
import { encode, integer, octetString, oid, sequence, setOf } from '../../src/pki/der.ts';
import { OpensslDir, opensslView, pemToDer } from './openssl.ts';

// Certificates made by openssl itself, so that the reader is checked against an independent
// implementation for names, serials, dates and key identifiers.
const dir = new OpensslDir();
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const CA_EXT = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign'];

function makeRoot(name: string, subject: string): void {
  dir.run(
    ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`].concat([
      '-days',
      '30',
      '-subj',
      subject,
      ...CA_EXT,
    ]),
  );
}

function makeSigned(
  name: string,
  issuer: string,
  subject: string,
  opts: { serial?: string; ca?: boolean; key?: string[]; reqArgs?: string[] } = {},
): void {
  dir.run(
    ['req', '-new', ...(opts.key ?? EC), '-keyout', `${name}.key`, '-out', `${name}.csr`].concat([
      '-utf8',
      '-multivalue-rdn',
      '-subj',
      subject,
      ...(opts.reqArgs ?? []),
    ]),
  );
  dir.write(
    `${name}.ext`,
    opts.ca
      ? 'basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'
      : 'basicConstraints=CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nextendedKeyUsage=clientAuth\n',
  );
  dir.run(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`]
      .concat(['-days', '7', '-extfile', `${name}.ext`, '-out', `${name}.pem`])
      .concat(opts.serial ? ['-set_serial', opts.serial] : ['-CAcreateserial']),
  );
}

const der = (name: string) => pemToDer(dir.text(`${name}.pem`));

before(() => {
  makeRoot('root', '/C=US/ST=Texas/L=Austin/O=Access Testing/OU=TX/CN=Access Testing CA');
  makeSigned('int1', 'root', '/O=Portcullis Test/CN=Intermediate One', {
    ca: true,
    serial: '0x8F0102030405060708090A0B0C0D0E0F10111213',
  });
  makeSigned('int2', 'int1', '/O=Portcullis Test/CN=Intermediate Two', { ca: true });
  makeSigned(
    'tricky',
    'int2',
    '/C=US/ST=Tex\\,as/L=Aus"tin/O=A\\+B <x>;y=z\\\\q/OU=\\#lead/OU= sp /OU=t# /OU=#' +
      '/CN=José Ünïcødé ✓+UID=u1/street=a\\/b/emailAddress=e@x.org/DC=example/2.5.4.97=ORG-1',
    { serial: '0x00FF' },
  );
  // A deeper chain: root → int1 → int2 → int3 → int4 → deep.
  makeSigned('int3', 'int2', '/O=Portcullis Test/CN=Intermediate Three', { ca: true });
  makeSigned('int4', 'int3', '/O=Portcullis Test/CN=Intermediate Four', { ca: true });
  makeSigned('deep', 'int4', '/C=NL/O=Deep/OU=Fleet+OU=Sensors/CN=deep-device');
  makeSigned('rsa', 'root', '/C=DE/O=Rsa GmbH/CN=rsa-device', {
    key: ['-newkey', 'rsa:2048', '-nodes'],
    serial: '0x0100',
  });
  // string_mask=default makes openssl choose PrintableString, T61String or BMPString.
  dir.write('legacy.cnf', '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n');
  makeSigned('strings', 'root', '/C=FR/O=Société/CN=Ωmega device', {
    reqArgs: ['-config', 'legacy.cnf'],
  });
});

after(() => dir.remove());

describe('readClientCertificate against openssl x509', () => {
  const cases: Array<{ title: string; name: string; chain: string[]; issuer: string }> = [
    {
      title: 'an EC leaf under two intermediates with escaped, multi-valued and UTF-8 names',
      name: 'tricky',
      chain: ['int2', 'int1'],
      issuer: 'int2',
    },
    { title: 'an RSA leaf issued by the root', name: 'rsa', chain: [], issuer: 'root' },
    {
      title: 'a leaf with T61String and BMPString values',
      name: 'strings',
      chain: [],
      issuer: 'root',
    },
    {
      title: 'an intermediate whose serial needs a leading zero octet',
      name: 'int1',
      chain: [],
      issuer: 'root',
    },
    { title: 'a self-signed root', name: 'root', chain: [], issuer: 'root' },
  ];

  for (const { title, name, chain, issuer } of cases) {
    test(`matches openssl for ${title}`, () => {
      const cert = readClientCertificate(der(name), chain.map(der), der(issuer));
      const view = opensslView(dir, `${name}.pem`);
      assert.equal(cert.subjectDnRfc2253, view.subjectRfc2253);
      assert.equal(cert.issuerDnRfc2253, view.issuerRfc2253);
      assert.equal(cert.subjectDn, view.subjectRfc2253);
      assert.equal(cert.issuerDn, view.issuerRfc2253);
      assert.equal(cert.subjectDnLegacy, view.subjectCompat);
      assert.equal(cert.issuerDnLegacy, view.issuerCompat);
      assert.equal(cert.serial, view.serial);
      assert.equal(cert.fingerprintSha256, view.sha256);
      assert.equal(cert.fingerprintSha1, view.sha1);
      assert.equal(cert.notBefore, view.notBefore);
      assert.equal(cert.notAfter, view.notAfter);
      assert.equal(cert.ski, view.ski);
      const issuerView = opensslView(dir, `${issuer}.pem`);
      assert.equal(cert.issuerSerial, issuerView.serial);
      assert.equal(cert.issuerSki, issuerView.ski);
    });
  }

  test('escapes every RFC 2253 special character the way openssl does', () => {
    const cert = readClientCertificate(der('tricky'));
    assert.match(cert.subjectDnRfc2253, /O=A\\\+B \\<x\\>\\;y=z\\\\q/);
    assert.match(cert.subjectDnRfc2253, /OU=\\#lead,/);
    assert.match(cert.subjectDnRfc2253, /OU=\\ sp\\ ,/);
    assert.match(cert.subjectDnRfc2253, /CN=Jos\\C3\\A9 \\C3\\9Cn.*\+UID=u1,/);
    assert.match(cert.subjectDnLegacy, /\/street=a\\\/b\//);
  });

  test('matches openssl for every certificate of a chain of four intermediates', () => {
    const chain = ['int4', 'int3', 'int2', 'int1'];
    const all = ['deep', ...chain];
    all.forEach((name, i) => {
      const issuer = all[i + 1] ?? 'root';
      const cert = readClientCertificate(der(name), all.slice(i + 1).map(der));
      const view = opensslView(dir, `${name}.pem`);
      assert.equal(cert.subjectDn, view.subjectRfc2253);
      assert.equal(cert.issuerDn, view.issuerRfc2253);
      assert.equal(cert.subjectDnLegacy, view.subjectCompat);
      assert.equal(cert.issuerDnLegacy, view.issuerCompat);
      assert.equal(cert.serial, view.serial);
      assert.equal(cert.ski, view.ski);
      assert.equal(cert.issuerSki, opensslView(dir, `${issuer}.pem`).ski);
      if (issuer !== 'root')
        assert.equal(cert.issuerSerial, opensslView(dir, `${issuer}.pem`).serial);
    });
    const leaf = readClientCertificate(der('deep'), chain.map(der));
    const sf = chain.map((name) => `:${Buffer.from(der(name)).toString('base64')}:`).join(', ');
    assert.equal(leaf.chainRfc9440, sf);
  });

  test('takes the issuer serial and SKI from the chain when no issuer is given', () => {
    const cert = readClientCertificate(der('tricky'), [der('int2'), der('int1')]);
    assert.equal(cert.issuerSerial, opensslView(dir, 'int2.pem').serial);
    assert.equal(cert.issuerSki, opensslView(dir, 'int2.pem').ski);
  });

  test('falls back to the authority key identifier for the issuer SKI', () => {
    const cert = readClientCertificate(der('rsa'));
    assert.equal(cert.issuerSerial, '');
    assert.equal(cert.issuerSki, opensslView(dir, 'rsa.pem').aki);
  });
});

describe('RFC 9440 fields', () => {
  test('encode the leaf and the chain as structured-field byte sequences', () => {
    const cert = readClientCertificate(der('tricky'), [der('int2'), der('int1')]);
    const b64 = (name: string) => Buffer.from(der(name)).toString('base64');
    assert.equal(cert.rfc9440, `:${b64('tricky')}:`);
    assert.equal(cert.rfc9440TooLarge, false);
    assert.equal(cert.chainRfc9440, `:${b64('int2')}:, :${b64('int1')}:`);
    assert.equal(cert.chainRfc9440TooLarge, false);
  });

  test('give "" for a chain that is absent', () => {
    const cert = readClientCertificate(der('rsa'));
    assert.equal(cert.chainRfc9440, '');
    assert.equal(cert.chainRfc9440TooLarge, false);
  });

  test('flag a chain over 16 KiB and leave the value empty', () => {
    const chain = Array.from({ length: 40 }, () => der('int1'));
    const cert = readClientCertificate(der('tricky'), chain);
    assert.equal(cert.chainRfc9440, '');
    assert.equal(cert.chainRfc9440TooLarge, true);
  });
});

describe('fieldsFor', () => {
  test('gives all 21 fields with the connection flags', () => {
    const cert = readClientCertificate(der('rsa'), [], der('root'));
    const fields = fieldsFor(cert, { presented: true, verified: true, revoked: false });
    assert.deepEqual(Object.keys(fields).sort(), [...TLS_CLIENT_AUTH_FIELDS].sort());
    assert.equal(fields['cf.tls_client_auth.cert_verified'], true);
    assert.equal(fields['cf.tls_client_auth.cert_revoked'], false);
    assert.equal(fields['cf.tls_client_auth.cert_serial'], '0100');
    assert.equal(fields['cf.tls_client_auth.cert_subject_dn'], 'CN=rsa-device,O=Rsa GmbH,C=DE');
    assert.equal(
      fields['cf.tls_client_auth.cert_subject_dn_legacy'],
      '/C=DE/O=Rsa GmbH/CN=rsa-device',
    );
  });

  test('never reports revoked for an unverified certificate', () => {
    const cert = readClientCertificate(der('rsa'));
    const fields = fieldsFor(cert, { presented: true, verified: false, revoked: true });
    assert.equal(fields['cf.tls_client_auth.cert_revoked'], false);
    assert.notEqual(fields['cf.tls_client_auth.cert_rfc9440'], '');
  });

  test('defaults every field to false or "" without mTLS', () => {
    const fields = noClientAuthFields();
    assert.equal(Object.keys(fields).length, 21);
    for (const [name, value] of Object.entries(fields)) {
      assert.ok(value === false || value === '', name);
    }
    assert.deepEqual(
      fieldsFor(undefined, { presented: false, verified: false, revoked: false }),
      fields,
    );
  });
});

describe('ClientCertificate', () => {
  test('is immutable', () => {
    const cert = readClientCertificate(der('rsa'));
    assert.ok(Object.isFrozen(cert));
    assert.throws(() => {
      (cert as unknown as { chain: unknown[] }).chain.push(new Uint8Array());
    });
  });

  test('checks names and times when read, so that the getters never throw', () => {
    const spki = sequence(sequence(oid('1.2.840.10045.2.1')), encode(0x03, Uint8Array.of(0)));
    const certificate = (subject: Uint8Array, notAfter: string, extensions: Uint8Array[]) => {
      const alg = sequence(oid('1.2.840.10045.4.3.2'));
      const utc = (text: string) => encode(0x17, Buffer.from(text));
      const validity = sequence(utc('260101000000Z'), utc(notAfter));
      const exts = extensions.length ? [encode(0xa3, sequence(...extensions))] : [];
      const tbs = sequence(
        encode(0xa0, integer(2)),
        integer(5),
        alg,
        subject,
        validity,
        subject,
        spki,
        ...exts,
      );
      return sequence(tbs, alg, encode(0x03, Uint8Array.of(0)));
    };
    const goodName = sequence(setOf(sequence(oid('2.5.4.3'), encode(0x0c, Buffer.from('x')))));
    assert.throws(
      () => readClientCertificate(certificate(sequence(setOf(integer(1))), '270101000000Z', [])),
      {
        code: 'PORTCULLIS_ERR_PKI_MALFORMED',
      },
    );
    assert.throws(() => readClientCertificate(certificate(goodName, '2701010000Z', [])), {
      code: 'PORTCULLIS_ERR_PKI_MALFORMED',
    });
    // A Subject Key Identifier whose value is not an OCTET STRING reads as absent.
    const badSki = sequence(oid('2.5.29.14'), octetString(integer(7)));
    const cert = readClientCertificate(certificate(goodName, '270101000000Z', [badSki]));
    assert.equal(cert.ski, '');
    assert.equal(cert.subjectDn, 'CN=x');
    assert.equal(cert.notAfter, 'Jan  1 00:00:00 2027 GMT');
  });

  test('rejects bytes that are not a certificate with a catalogued error', () => {
    assert.throws(() => readClientCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01])), {
      code: 'PORTCULLIS_ERR_PKI_MALFORMED',
    });
  });
});
