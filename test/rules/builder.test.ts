import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILDER_OPERATORS,
  cloudflareScheme,
  formatExpression,
  fromBuilderRows,
  parseExpression,
  toBuilderRows,
  type BuilderRow,
} from '../../src/rules/index.ts';

describe('expression builder rows', () => {
  test('the mTLS rule shows as two rows joined by and', () => {
    const expr = parseExpression(
      '(http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified)',
    );
    assert.deepEqual(toBuilderRows(expr), {
      ok: true,
      joiner: 'and',
      rows: [
        { field: 'http.host', operator: 'in', value: ['api.example.com'] },
        { field: 'cf.tls_client_auth.cert_verified', operator: 'eq', value: false },
      ],
    });
  });

  const roundTrips: [string, BuilderRow[], 'and' | 'or'][] = [
    [
      'cf.tls_client_auth.cert_revoked',
      [{ field: 'cf.tls_client_auth.cert_revoked', operator: 'eq', value: true }],
      'and',
    ],
    ['http.host eq "a\\"b\\\\c"', [{ field: 'http.host', operator: 'eq', value: 'a"b\\c' }], 'and'],
    [
      'http.request.uri.path matches r"^/api/\\d+"',
      [{ field: 'http.request.uri.path', operator: 'matches', value: '^/api/\\d+' }],
      'and',
    ],
    [
      'not http.user_agent contains "curl"',
      [{ field: 'http.user_agent', operator: 'not_contains', value: 'curl' }],
      'and',
    ],
    [
      'not ip.src in {10.0.0.0/8 192.0.2.1}',
      [{ field: 'ip.src', operator: 'not_in', value: ['10.0.0.0/8', '192.0.2.1'] }],
      'and',
    ],
    [
      'cf.edge.server_port ge 8000 or cf.edge.server_port in {80 443..444}',
      [
        { field: 'cf.edge.server_port', operator: 'ge', value: 8000 },
        { field: 'cf.edge.server_port', operator: 'in', value: [80, '443..444'] },
      ],
      'or',
    ],
    [
      'starts_with(http.request.uri.path, "/admin")',
      [{ field: 'http.request.uri.path', operator: 'starts_with', value: '/admin' }],
      'and',
    ],
    [
      'not ends_with(http.host, ".test")',
      [{ field: 'http.host', operator: 'not_ends_with', value: '.test' }],
      'and',
    ],
    [
      'http.host strict wildcard "*.Example.com"',
      [{ field: 'http.host', operator: 'strict_wildcard', value: '*.Example.com' }],
      'and',
    ],
  ];
  for (const [text, rows, joiner] of roundTrips) {
    test(`${text} ⇄ rows`, () => {
      assert.deepEqual(toBuilderRows(parseExpression(text)), { ok: true, rows, joiner });
      assert.equal(formatExpression(fromBuilderRows(rows, joiner)), text);
    });
  }

  const editorOnly: [string, RegExp][] = [
    ['ssl and (ssl or ssl)', /nest/],
    ['ssl xor ssl', /and or or/],
    ['lower(http.host) eq "a"', /plain field/],
    ['any(http.request.headers.names[*] eq "a")', /any\(\)/],
    ['http.request.headers["a"][0] eq "b"', /plain field/],
    ['not http.host eq "a"', /cannot negate eq/],
    ['cf.edge.server_port & 1', /bitwise_and/],
    ['http.host eq "\\xff"', /not text/],
  ];
  for (const [text, reason] of editorOnly) {
    test(`${text} needs the Expression Editor`, () => {
      const result = toBuilderRows(parseExpression(text));
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.match(result.reason, /^needs the Expression Editor: /);
        assert.match(result.reason, reason);
      }
    });
  }

  test('rows that do not type-check throw the parser error', () => {
    assert.throws(
      () => fromBuilderRows([{ field: 'ip.src', operator: 'eq', value: 'not-an-ip' }], 'and'),
      { name: 'RuleError', kind: 'InvalidIp' },
    );
    assert.throws(
      () => fromBuilderRows([{ field: 'http.nope', operator: 'eq', value: 'x' }], 'and'),
      { name: 'RuleError', kind: 'UnknownField' },
    );
  });

  test('every operator the builder offers for a field builds a valid expression', () => {
    const sample = { Bytes: 'x', Int: 443, Ip: '192.0.2.1', Bool: true } as const;
    for (const field of cloudflareScheme.fields()) {
      const kind = field.type.kind;
      if (kind === 'Array' || kind === 'Map') continue;
      for (const operator of BUILDER_OPERATORS[kind]) {
        const value = operator.endsWith('in') ? [sample[kind] as string | number] : sample[kind];
        const rows: BuilderRow[] = [{ field: field.name, operator, value }];
        const expr = fromBuilderRows(rows, 'and');
        assert.deepEqual(
          toBuilderRows(expr),
          { ok: true, rows, joiner: 'and' },
          `${field.name} ${operator}`,
        );
      }
    }
  });
});
