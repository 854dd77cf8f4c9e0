import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { openPrivateKey, sealPrivateKey } from '../../src/pki/index.ts';

const pkcs8 = randomBytes(138);
const masterKey = randomBytes(32);

describe('key sealing', () => {
  test('opens what it sealed, with a fresh nonce each time', () => {
    const a = sealPrivateKey(pkcs8, masterKey);
    const b = sealPrivateKey(pkcs8, masterKey);
    assert.notDeepEqual(a, b);
    assert.deepEqual(Buffer.from(openPrivateKey(a, masterKey)), pkcs8);
    assert.equal(Buffer.from(a.subarray(0, 5)).toString('latin1'), 'PCSK\x01');
    assert.equal(a.length, 5 + 12 + pkcs8.length + 16);
    assert.ok(!Buffer.from(a).includes(pkcs8.subarray(0, 16)));
  });

  test('a wrong master key gives a clear error without key material', () => {
    const sealed = sealPrivateKey(pkcs8, masterKey);
    const wrong = randomBytes(32);
    assert.throws(
      () => openPrivateKey(sealed, wrong),
      (err: Error & { code: string }) => {
        assert.equal(err.code, 'PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH');
        assert.equal(
          err.message,
          'opening a sealed private key: authentication failed (wrong master key or the sealed data was altered)',
        );
        for (const secret of [wrong, masterKey, pkcs8]) {
          assert.ok(!err.message.includes(secret.toString('hex').slice(0, 8)));
          assert.ok(!err.message.includes(secret.toString('base64').slice(0, 8)));
        }
        assert.equal(err.cause, undefined);
        return true;
      },
    );
  });

  test('detects altered data, including the version header', () => {
    const sealed = sealPrivateKey(pkcs8, masterKey);
    for (const at of [20, sealed.length - 1]) {
      const altered = Uint8Array.from(sealed);
      altered[at] = (altered[at] ?? 0) ^ 1;
      assert.throws(() => openPrivateKey(altered, masterKey), {
        code: 'PORTCULLIS_ERR_PKI_SEALED_KEY_AUTH',
      });
    }
    const otherVersion = Uint8Array.from(sealed);
    otherVersion[4] = 2;
    assert.throws(() => openPrivateKey(otherVersion, masterKey), {
      code: 'PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT',
      message: 'opening a sealed private key: unknown format version 2',
    });
  });

  test('refuses blobs that are not sealed keys and master keys of the wrong size', () => {
    assert.throws(() => openPrivateKey(pkcs8, masterKey), {
      code: 'PORTCULLIS_ERR_PKI_SEALED_KEY_FORMAT',
    });
    assert.throws(() => sealPrivateKey(pkcs8, randomBytes(16)), {
      code: 'PORTCULLIS_ERR_PKI_MASTER_KEY',
      message: 'using the master key: it must be 32 bytes, got 16 bytes',
    });
    assert.throws(() => openPrivateKey(sealPrivateKey(pkcs8, masterKey), randomBytes(31)), {
      code: 'PORTCULLIS_ERR_PKI_MASTER_KEY',
    });
  });
});
