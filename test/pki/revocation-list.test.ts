import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildCrl,
  createManagedCa,
  parseCrl,
  type CreatedCa,
  type SigningAuthority,
} from '../../src/pki/index.ts';
import { OpensslDir } from './openssl.ts';

const dir = new OpensslDir();
let ca: CreatedCa;
let authority: SigningAuthority;

before(async () => {
  ca = await createManagedCa({ accountId: 'crl-test' });
  authority = { certificateDer: ca.certificateDer, privateKey: ca.keys.privateKey };
  dir.write('ca.pem', ca.certificatePem);
});
after(() => dir.remove());

const revokedAt = new Date('2026-05-04T03:02:01Z');
const entries = [
  { serialNumber: '3D6B7718ACECEDDBF3AB6F48926028633270F76D', revokedAt },
  { serialNumber: '8f01', revokedAt },
];

describe('buildCrl', () => {
  test('builds a CRL that openssl verifies against the CA, with its entries and number', async () => {
    const crl = await buildCrl({
      authority,
      entries,
      crlNumber: 42,
      thisUpdate: new Date('2026-05-04T03:02:01.900Z'),
    });
    dir.write('crl.pem', crl.pem);
    dir.write('crl.der', crl.der);
    const out = dir.run(['crl', '-in', 'crl.pem', '-CAfile', 'ca.pem', '-noout', '-text']);
    assert.match(out, /Last Update: May {2}4 03:02:01 2026 GMT/);
    assert.match(out, /Next Update: May 11 03:02:01 2026 GMT/);
    assert.match(out, /CRL Number: \n\s+42/);
    assert.match(out, /Authority Key Identifier/);
    assert.match(
      out,
      /Serial Number: 3D6B7718ACECEDDBF3AB6F48926028633270F76D\n\s+Revocation Date: May {2}4 03:02:01 2026 GMT/,
    );
    assert.match(out, /Serial Number: 8F01\n/);
    const verify = dir.tryRun([
      'crl',
      '-in',
      'crl.der',
      '-inform',
      'DER',
      '-CAfile',
      'ca.pem',
      '-noout',
    ]);
    assert.match(verify.output, /verify OK/);
  });

  test('builds an empty CRL', async () => {
    const crl = await buildCrl({ authority, entries: [], crlNumber: 0 });
    assert.deepEqual((await parseCrl(crl.pem, ca.certificateDer)).entries, []);
  });

  test('refuses a bad CRL number or serial', async () => {
    await assert.rejects(buildCrl({ authority, entries, crlNumber: -1 }), {
      code: 'PORTCULLIS_ERR_PKI_CRL_NUMBER',
    });
    await assert.rejects(buildCrl({ authority, entries, crlNumber: 2n ** 160n }), {
      code: 'PORTCULLIS_ERR_PKI_CRL_NUMBER',
    });
    await assert.rejects(
      buildCrl({ authority, entries: [{ serialNumber: '12:34', revokedAt }], crlNumber: 1 }),
      { code: 'PORTCULLIS_ERR_PKI_INVALID_SERIAL' },
    );
  });
});

describe('parseCrl', () => {
  test('reads back entries, number and times of a CRL signed by the CA', async () => {
    const built = await buildCrl({ authority, entries, crlNumber: 7n });
    const parsed = await parseCrl(built.der, ca.certificateDer);
    assert.equal(parsed.crlNumber, 7n);
    assert.equal(parsed.issuer, 'CN=Portcullis Managed CA for account crl-test,O=Portcullis');
    assert.deepEqual(
      parsed.entries.map((e) => e.serialNumber),
      ['3D6B7718ACECEDDBF3AB6F48926028633270F76D', '8F01'],
    );
    assert.equal(parsed.entries[0]?.revokedAt.toISOString(), revokedAt.toISOString());
    assert.deepEqual(parsed.thisUpdate, built.thisUpdate);
    assert.deepEqual(parsed.nextUpdate, built.nextUpdate);
  });

  test('reads a CRL that openssl made for its own CA', async () => {
    dir.run(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        'o.key',
        '-out',
        'o.pem',
        '-days',
        '5',
        '-subj',
        '/O=Other/CN=Other CA',
      ]),
    );
    dir.write('index.txt', 'R\t301231000000Z\t260101000000Z\t0ABC\tunknown\t/CN=x\n');
    dir.write('crlnumber', '10\n');
    dir.write(
      'ca.cnf',
      ['[ca]', 'default_ca=d', '[d]', 'database=index.txt', 'crlnumber=crlnumber']
        .concat(['default_md=sha256', 'default_crl_days=3', ''])
        .join('\n'),
    );
    dir.run([
      'ca',
      '-config',
      'ca.cnf',
      '-gencrl',
      '-keyfile',
      'o.key',
      '-cert',
      'o.pem',
      '-out',
      'o.crl',
    ]);
    const oca = Buffer.from(dir.text('o.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const parsed = await parseCrl(dir.text('o.crl'), oca);
    assert.deepEqual(
      parsed.entries.map((e) => e.serialNumber),
      ['0ABC'],
    );
    assert.equal(parsed.crlNumber, 16n);
  });

  test('refuses a CRL that another CA signed', async () => {
    const other = await createManagedCa({ accountId: 'crl-test' }); // same name, other key
    const crl = await buildCrl({
      authority: { certificateDer: other.certificateDer, privateKey: other.keys.privateKey },
      entries,
      crlNumber: 1,
    });
    await assert.rejects(parseCrl(crl.pem, ca.certificateDer), (err: Error & { code: string }) => {
      assert.equal(err.code, 'PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA');
      assert.match(err.message, /the signature does not verify with the CA key/);
      return true;
    });
    const stranger = await createManagedCa({ accountId: 'stranger' });
    await assert.rejects(parseCrl(crl.pem, stranger.certificateDer), {
      code: 'PORTCULLIS_ERR_PKI_CRL_NOT_SIGNED_BY_CA',
    });
  });

  test('refuses input that is not a CRL', async () => {
    await assert.rejects(parseCrl('nope', ca.certificateDer), {
      code: 'PORTCULLIS_ERR_PKI_NOT_PEM',
    });
    await assert.rejects(parseCrl(ca.certificatePem, ca.certificateDer), {
      code: 'PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE',
    });
    await assert.rejects(parseCrl(new Uint8Array([0x30, 0x00]), ca.certificateDer), {
      code: 'PORTCULLIS_ERR_PKI_MALFORMED',
    });
  });
});
