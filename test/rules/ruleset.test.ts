import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileExpression,
  compileRuleset,
  fieldsFromObject,
  parseExpression,
  type FieldSource,
} from '../../src/rules/index.ts';

const rule = (id: string, action: string, text: string, enabled?: boolean) => ({
  id,
  action,
  expression: parseExpression(text),
  ...(enabled === undefined ? {} : { enabled }),
});

describe('rulesets', () => {
  const rules = [
    rule('log-all', 'log', 'true'),
    rule('skip-health', 'skip', 'http.request.uri.path eq "/health"'),
    rule('disabled', 'block', 'true', false),
    rule('log-post', 'log', 'http.request.method eq "POST"'),
    rule('block-unverified', 'block', 'not cf.tls_client_auth.cert_verified'),
    rule('allow-rest', 'allow', 'true'),
  ];
  const run = compileRuleset(rules);
  const cases: [string, Record<string, unknown>, string | undefined, string[]][] = [
    ['skip ends evaluation', { 'http.request.uri.path': '/health' }, 'skip-health', ['log-all']],
    [
      'disabled rules are left out; logs are collected on the way',
      { 'http.request.method': 'POST' },
      'block-unverified',
      ['log-all', 'log-post'],
    ],
    [
      'the first terminating rule wins',
      { 'cf.tls_client_auth.cert_verified': true },
      'allow-rest',
      ['log-all'],
    ],
  ];
  for (const [name, values, terminating, logged] of cases) {
    test(name, () => {
      const result = run(fieldsFromObject(values));
      assert.equal(result.terminating?.id, terminating);
      assert.deepEqual(
        result.logged.map((r) => r.id),
        logged,
      );
    });
  }

  test('only log rules: nothing terminates', () => {
    const result = compileRuleset([rule('a', 'log', 'ssl'), rule('b', 'log', 'not ssl')])(
      fieldsFromObject({ ssl: true }),
    );
    assert.equal(result.terminating, undefined);
    assert.deepEqual(
      result.logged.map((r) => r.id),
      ['a'],
    );
  });

  test('an empty ruleset matches nothing', () => {
    assert.deepEqual(compileRuleset([])(fieldsFromObject({})), { logged: [] });
  });

  test('a thousand rules compile and the right one matches', () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      rule(
        `r${i}`,
        'block',
        `http.host eq "h${i}.example.com" and ip.src in {10.${i % 256}.0.0/16}`,
      ),
    );
    const zone = compileRuleset(many);
    const hit = zone(fieldsFromObject({ 'http.host': 'h777.example.com', 'ip.src': '10.9.1.1' }));
    assert.equal(hit.terminating?.id, 'r777');
    assert.equal(
      zone(fieldsFromObject({ 'http.host': 'nope', 'ip.src': '10.9.1.1' })).terminating,
      undefined,
    );
  });
});

describe('lazy field access', () => {
  function counting(values: Record<string, unknown>): { src: FieldSource; reads: string[] } {
    const reads: string[] = [];
    return { reads, src: { get: (name) => (reads.push(name), values[name]) } };
  }

  test('a field the evaluation does not reach is never read', () => {
    const match = compileExpression(parseExpression('ssl and http.host eq "a"'));
    const { src, reads } = counting({ ssl: false });
    assert.equal(match(src), false);
    assert.deepEqual(reads, ['ssl']);
  });

  test('a field used twice is read once', () => {
    const match = compileExpression(parseExpression('http.host eq "a" or http.host eq "b"'));
    const { src, reads } = counting({ 'http.host': 'b' });
    assert.equal(match(src), true);
    assert.deepEqual(reads, ['http.host']);
  });

  test('a ruleset reads each field at most once across its rules', () => {
    const run = compileRuleset([
      rule('a', 'log', 'ip.src in {10.0.0.0/8}'),
      rule('b', 'log', 'ip.src eq 10.0.0.1'),
      rule('c', 'block', 'not ssl and ip.src ne 1.1.1.1'),
    ]);
    const { src, reads } = counting({ 'ip.src': '10.0.0.1', ssl: false });
    assert.equal(run(src).terminating?.id, 'c');
    assert.deepEqual(reads, ['ip.src', 'ssl']);
  });
});
