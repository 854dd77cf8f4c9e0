import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildName,
  generateKeyAndCsr,
  parseCsr,
  readName,
  formatRfc2253,
} from '../../src/pki/index.ts';
import { OpensslDir } from './openssl.ts';

const dir = new OpensslDir();

function opensslCsr(name: string, keyArgs: string[], subject: string): string {
  dir.run(
    ['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`].concat([
      '-utf8',
      '-subj',
      subject,
    ]),
  );
  return dir.text(`${name}.csr`);
}

before(() => {
  opensslCsr(
    'ec',
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    '/C=US/ST=Texas/L=Austin/O=Temperature Testers, Inc./OU=Tech Operations/CN=ios-bootstrap.devices.example.com',
  );
  opensslCsr('p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/CN=p384');
  opensslCsr('rsa1024', ['-newkey', 'rsa:1024'], '/CN=weak');
  opensslCsr('p521', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], '/CN=p521');
  opensslCsr('ed25519', ['-newkey', 'ed25519'], '/CN=edwards');
});
after(() => dir.remove());

describe('parseCsr', () => {
  test('reads the subject fields and the key of a CSR made by openssl', async () => {
    const csr = await parseCsr(dir.text('ec.csr'));
    assert.deepEqual(csr.subject, {
      common_name: 'ios-bootstrap.devices.example.com',
      country: 'US',
      state: 'Texas',
      location: 'Austin',
      organization: 'Temperature Testers, Inc.',
      organizational_unit: 'Tech Operations',
    });
    assert.deepEqual(csr.publicKey, { type: 'ec', curve: 'P-256' });
    const expected = dir.run(['req', '-in', 'ec.csr', '-noout', '-subject', '-nameopt', 'RFC2253']);
    assert.equal(`subject=${csr.subjectDn}\n`, expected);
  });

  test('accepts EC P-384', async () => {
    assert.deepEqual((await parseCsr(dir.text('p384.csr'))).publicKey, {
      type: 'ec',
      curve: 'P-384',
    });
  });

  test('refuses an RSA key under 2048 bits as weak', async () => {
    await assert.rejects(parseCsr(dir.text('rsa1024.csr')), (err: Error & { code: string }) => {
      assert.equal(err.code, 'PORTCULLIS_ERR_PKI_WEAK_KEY');
      assert.match(err.message, /at least 2048 bits, got 1024/);
      return true;
    });
  });

  test('refuses P-521 and Ed25519 keys as unsupported', async () => {
    for (const name of ['p521', 'ed25519']) {
      await assert.rejects(parseCsr(dir.text(`${name}.csr`)), {
        code: 'PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY',
      });
    }
  });

  test('refuses a CSR whose signature does not verify', async () => {
    const pem = dir.text('ec.csr');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // Change one letter of the subject's common name: the structure stays valid.
    const at = der.indexOf(Buffer.from('ios-bootstrap'));
    der[at] = 'x'.charCodeAt(0);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await assert.rejects(parseCsr(tampered), { code: 'PORTCULLIS_ERR_PKI_BAD_SIGNATURE' });
  });

  test('tells "not PEM" from "PEM of the wrong type" from "malformed"', async () => {
    await assert.rejects(parseCsr('MIIBIjANBgkqhkiG9w0B'), (err: Error & { code: string }) => {
      assert.equal(err.code, 'PORTCULLIS_ERR_PKI_NOT_PEM');
      assert.equal(
        err.message,
        'reading the CSR: the input is not PEM (expected a -----BEGIN CERTIFICATE REQUEST----- block)',
      );
      return true;
    });
    await assert.rejects(parseCsr(dir.text('ec.key')), (err: Error & { code: string }) => {
      assert.equal(err.code, 'PORTCULLIS_ERR_PKI_WRONG_PEM_TYPE');
      assert.equal(
        err.message,
        'reading the CSR: expected a PEM CERTIFICATE REQUEST block, got PRIVATE KEY',
      );
      assert.doesNotMatch(err.message, /MII/);
      return true;
    });
    await assert.rejects(parseCsr(`${dir.text('ec.csr')}${' '.repeat(16 * 1024)}`), {
      code: 'PORTCULLIS_ERR_PKI_INPUT_TOO_LARGE',
      message: /^reading the CSR: the input is \d+ characters long, over the limit of 16384$/,
    });
    await assert.rejects(
      parseCsr('-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQA=\n-----END CERTIFICATE REQUEST-----'),
      { code: 'PORTCULLIS_ERR_PKI_MALFORMED' },
    );
  });
});

describe('generateKeyAndCsr', () => {
  test('makes a CSR that openssl verifies, with the subject as given', async () => {
    const generated = await generateKeyAndCsr({
      commonName: 'sensor 17, "hall" + yard',
      country: 'CH',
      state: 'Zürich',
      locality: 'Zürich',
      organization: 'Portcullis',
      organizationalUnit: 'Devices',
    });
    dir.write('gen.csr', generated.csrPem);
    const out = dir.run([
      'req',
      '-in',
      'gen.csr',
      '-noout',
      '-verify',
      '-subject',
      '-nameopt',
      'RFC2253',
    ]);
    assert.match(
      out,
      /subject=CN=sensor 17\\, \\"hall\\" \\\+ yard,OU=Devices,O=Portcullis,L=Z\\C3\\BCrich,ST=Z\\C3\\BCrich,C=CH/,
    );
    assert.equal(generated.csr.subject.common_name, 'sensor 17, "hall" + yard');
    assert.equal(generated.csr.subject.state, 'Zürich');
    assert.match(generated.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  });

  test('uses the requested key algorithm', async () => {
    const generated = await generateKeyAndCsr({ commonName: 'p384' }, { algorithm: 'ecdsa-p384' });
    assert.deepEqual(generated.csr.publicKey, { type: 'ec', curve: 'P-384' });
  });

  test('validates the subject', () => {
    assert.throws(() => buildName({ commonName: '' }), {
      code: 'PORTCULLIS_ERR_PKI_INVALID_SUBJECT',
    });
    assert.throws(() => buildName({ commonName: 'x', country: 'USA' }), {
      code: 'PORTCULLIS_ERR_PKI_INVALID_SUBJECT',
    });
    assert.throws(() => buildName({ commonName: 'x'.repeat(65) }), {
      code: 'PORTCULLIS_ERR_PKI_INVALID_SUBJECT',
    });
    assert.equal(
      formatRfc2253(readName(buildName({ commonName: 'a', country: 'US' }))),
      'CN=a,C=US',
    );
  });
});
