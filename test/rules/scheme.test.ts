import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cloudflareScheme,
  parseType,
  Scheme,
  TLS_CLIENT_AUTH_FIELDS,
  typeName,
} from '../../src/rules/index.ts';
import { errorOf, evaluate } from './helpers.ts';

describe('the Cloudflare scheme', () => {
  test('has the 21 cf.tls_client_auth fields with their documented types', () => {
    const mtls = cloudflareScheme.fields().filter((f) => f.name.startsWith('cf.tls_client_auth.'));
    assert.equal(mtls.length, 21);
    assert.equal(Object.keys(TLS_CLIENT_AUTH_FIELDS).length, 21);
    const bools = mtls.filter((f) => f.type.kind === 'Bool').map((f) => f.name.split('.').pop());
    assert.deepEqual(bools.sort(), [
      'cert_chain_rfc9440_too_large',
      'cert_presented',
      'cert_revoked',
      'cert_rfc9440_too_large',
      'cert_verified',
    ]);
    for (const f of mtls) assert.match(f.description ?? '', /when the connection did not use mTLS/);
  });

  test('has the request fields the edge fills', () => {
    for (const [name, type] of Object.entries({
      'http.host': 'Bytes',
      'http.request.headers': 'Map<Array<Bytes>>',
      'http.request.uri.args': 'Map<Array<Bytes>>',
      'http.request.headers.names': 'Array<Bytes>',
      'http.request.timestamp.sec': 'Int',
      'ip.src': 'Ip',
      ssl: 'Bool',
      'cf.edge.server_port': 'Int',
    })) {
      const field = cloudflareScheme.field(name);
      assert.ok(field, name);
      assert.equal(typeName(field.type), type);
    }
  });

  test('fields it cannot fill honestly are unknown', () => {
    assert.equal(errorOf('ip.src.country eq "GB"').kind, 'UnknownField');
    assert.equal(errorOf('cf.threat_score gt 10').kind, 'UnknownField');
  });
});

describe('custom schemes', () => {
  test('are built from { field: type } with the documentation names too', () => {
    const scheme = new Scheme({
      a: 'Bool',
      b: 'Integer',
      c: 'String',
      d: 'IP',
      e: 'Array<Map<Bytes>>',
    });
    assert.deepEqual(scheme.toJSON(), {
      a: 'Bool',
      b: 'Int',
      c: 'Bytes',
      d: 'Ip',
      e: 'Array<Map<Bytes>>',
    });
    assert.equal(
      evaluate(
        'a and b gt 1 and c eq "x" and e[0]["k"] eq "v"',
        { a: true, b: 2, c: 'x', e: [{ k: 'v' }] },
        { scheme },
      ),
      true,
    );
  });
  test('refuse bad names and unknown types', () => {
    assert.throws(() => new Scheme({ 'Bad Name': 'Bool' }), TypeError);
    assert.throws(() => new Scheme({ a: 'Float' }), TypeError);
    assert.throws(() => new Scheme({ a: 'Array<>' }), TypeError);
  });
  test('parseType reads nested containers', () => {
    assert.equal(typeName(parseType('Map< Array<Int> >') ?? { kind: 'Bool' }), 'Map<Array<Int>>');
    assert.equal(parseType('Set<Int>'), undefined);
  });
});
