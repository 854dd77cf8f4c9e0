import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isPkiError, PKI_ERROR_CATALOGUE, PkiError } from '../../src/pki/index.ts';

const docs = readFileSync(new URL('../../docs/client-certificates.md', import.meta.url), 'utf8');

describe('PKI error catalogue', () => {
  const codes = Object.keys(PKI_ERROR_CATALOGUE) as Array<keyof typeof PKI_ERROR_CATALOGUE>;

  test('every code is PORTCULLIS_ERR_PKI_*, suggests 400 and reads "doing x: cause"', () => {
    for (const code of codes) {
      const { message, status } = PKI_ERROR_CATALOGUE[code];
      assert.match(code, /^PORTCULLIS_ERR_PKI_[A-Z0-9_]+$/);
      assert.equal(status, 400);
      assert.match(message, /^(\{doing\}|[a-z][a-z ]*[a-z}]*.*): /, code);
    }
  });

  test('every code is documented for operators', () => {
    for (const code of codes) assert.ok(docs.includes(`\`${code}\``), `${code} is not in the docs`);
  });

  test('errors carry code, status and parameters, and fill the template', () => {
    const err = new PkiError('PORTCULLIS_ERR_PKI_NOT_A_CA', { serial: '0A' });
    assert.ok(isPkiError(err, 'PORTCULLIS_ERR_PKI_NOT_A_CA'));
    assert.ok(!isPkiError(new Error('x')));
    assert.equal(err.status, 400);
    assert.deepEqual(err.params, { serial: '0A' });
    assert.equal(err.name, 'PkiError');
    assert.equal(
      err.message,
      'checking certificate 0A: it is not a CA certificate (basicConstraints cA is not set)',
    );
  });
});
