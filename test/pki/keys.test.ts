import assert from 'node:assert/strict';
import { webcrypto as subtleCrypto } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
  exportPrivateKeyDer,
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKey,
  KEY_ALGORITHMS,
  parseKeyAlgorithm,
  signingAlgorithmFor,
} from '../../src/pki/index.ts';
import { OpensslDir } from './openssl.ts';

const dir = new OpensslDir();
after(() => dir.remove());

describe('key pairs', () => {
  for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'] as const) {
    test(`${algorithm} keys export as PKCS#8 that openssl reads and import back`, async () => {
      const keys = await generateKeyPair(algorithm);
      const pem = await exportPrivateKeyPem(keys.privateKey);
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
      dir.write(`${algorithm}.key`, pem);
      const text = dir.run(['pkey', '-in', `${algorithm}.key`, '-noout', '-text']);
      assert.match(text, algorithm === 'rsa-2048' ? /2048 bit/ : /(prime256v1|secp384r1)/);

      const imported = await importPrivateKey(pem);
      const data = new TextEncoder().encode('portcullis');
      const algo = { ...signingAlgorithmFor(imported.privateKey) };
      const signature = await subtleCrypto.subtle.sign(algo, imported.privateKey, data);
      assert.ok(await subtleCrypto.subtle.verify(algo, keys.publicKey, signature, data));
      assert.deepEqual(
        await exportPrivateKeyDer(imported.privateKey),
        await exportPrivateKeyDer(keys.privateKey),
      );
    });
  }

  test('defaults to ECDSA P-256', async () => {
    const keys = await generateKeyPair();
    assert.deepEqual(keys.privateKey.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
  });

  test('imports a key that openssl generated', async () => {
    dir.run([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-out',
      'o.key',
    ]);
    const keys = await importPrivateKey(dir.text('o.key'));
    assert.deepEqual(keys.publicKey.algorithm, { name: 'ECDSA', namedCurve: 'P-384' });
  });

  test('refuses keys of other types with a catalogued error', async () => {
    dir.run(['genpkey', '-algorithm', 'ED25519', '-out', 'ed.key']);
    await assert.rejects(importPrivateKey(dir.text('ed.key')), {
      code: 'PORTCULLIS_ERR_PKI_UNSUPPORTED_KEY',
    });
    await assert.rejects(importPrivateKey('not a key'), { code: 'PORTCULLIS_ERR_PKI_NOT_PEM' });
    await assert.rejects(importPrivateKey(new Uint8Array([1, 2, 3])), {
      code: 'PORTCULLIS_ERR_PKI_MALFORMED',
    });
  });

  test('names the supported algorithms and rejects others', () => {
    assert.deepEqual(KEY_ALGORITHMS, ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072']);
    assert.equal(parseKeyAlgorithm('rsa-3072'), 'rsa-3072');
    assert.throws(() => parseKeyAlgorithm('dsa-1024'), {
      code: 'PORTCULLIS_ERR_PKI_UNSUPPORTED_ALGORITHM',
    });
  });
});
