import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  builderFromText,
  newRow,
  splitItems,
  textFromBuilder,
  type BuilderState,
} from '../../web/src/screens/firewall/expression-model.ts';
import { mtlsExpression } from '../../web/src/screens/firewall/mtls-expression.ts';

const SEED = '(http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified)';

describe('dashboard expression model', () => {
  test('the mTLS rule of the seed is written as Cloudflare writes it', () => {
    assert.equal(mtlsExpression(['api.example.com'], false), SEED);
    assert.equal(
      mtlsExpression(['a.example.com', 'b.example.com'], true),
      '(http.host in {"a.example.com" "b.example.com"} and ' +
        '(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))',
    );
  });

  test('the mTLS rule shows as two rows joined by and, and previews as its own text', () => {
    const shown = builderFromText(SEED);
    assert.ok(shown.ok);
    assert.equal(shown.state.joiner, 'and');
    assert.deepEqual(
      shown.state.rows.map(({ field, operator, value }) => ({ field, operator, value })),
      [
        { field: 'http.host', operator: 'in', value: 'api.example.com' },
        { field: 'cf.tls_client_auth.cert_verified', operator: 'eq', value: 'false' },
      ],
    );
    assert.deepEqual(textFromBuilder(shown.state), { ok: true, text: SEED });
  });

  test('nested conditions say why the builder cannot show them', () => {
    const shown = builderFromText(
      'http.host in {"api.example.com"} and (not cf.tls_client_auth.cert_verified or ' +
        'cf.tls_client_auth.cert_revoked)',
    );
    assert.equal(shown.ok, false);
    assert.match(shown.ok ? '' : shown.reason, /nest/);
  });

  test('an invalid expression is refused with the engine message', () => {
    const shown = builderFromText('http.hots eq "a"');
    assert.equal(shown.ok, false);
    assert.match(shown.ok ? '' : shown.reason, /unknown field/);
  });

  test('rows with typed values become canonical text', () => {
    const state: BuilderState = {
      joiner: 'or',
      rows: [
        { ...newRow('http.request.uri.path'), operator: 'starts_with', value: '/admin/é' },
        { ...newRow('ip.src'), operator: 'not_in', value: '10.0.0.0/8, 192.0.2.1' },
        { ...newRow('cf.edge.server_port'), operator: 'in', value: '80 443..444' },
        { ...newRow('http.user_agent'), operator: 'eq', value: 'say "hi"' },
      ],
    };
    assert.deepEqual(textFromBuilder(state), {
      ok: true,
      text:
        '(starts_with(http.request.uri.path, "/admin/é") or not ip.src in {10.0.0.0/8 192.0.2.1}' +
        ' or cf.edge.server_port in {80 443..444} or http.user_agent eq "say \\"hi\\"")',
    });
  });

  test('an empty value names its row', () => {
    const result = textFromBuilder({ joiner: 'and', rows: [newRow(), newRow()] });
    assert.deepEqual(result, { ok: false, error: 'Row 1 needs a value.', row: 0 });
  });

  test('list values split on spaces and commas and keep quoted items whole', () => {
    assert.deepEqual(splitItems('a.example b.example,c.example "with space"'), [
      'a.example',
      'b.example',
      'c.example',
      'with space',
    ]);
  });

  test('named lists pass through the builder', () => {
    const shown = builderFromText('ip.src in $office');
    assert.ok(shown.ok);
    assert.equal(shown.state.rows[0]?.value, '$office');
    assert.deepEqual(textFromBuilder(shown.state), { ok: true, text: '(ip.src in $office)' });
  });
});
