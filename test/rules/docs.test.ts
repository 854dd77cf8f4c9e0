import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkExpression, ERROR_KINDS } from '../../src/rules/index.ts';

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');

test('every expression example in docs/rules.md is valid as written', () => {
  const blocks = [...doc.matchAll(/```wirefilter\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());
  assert.ok(blocks.length >= 8);
  for (const text of blocks) {
    const result = checkExpression(text);
    assert.ok(result.ok, result.ok ? '' : result.error.render(text));
  }
});

test('every example value of the Values table parses in a rule', () => {
  const examples = [
    'http.host eq "a \\"quoted\\" \\x41"',
    'http.host eq r"C:\\dir"',
    'http.host eq r#"say "hi""#',
    'http.host eq 01:2e:f3',
    'cf.edge.server_port in {443 -1 0x1bb 0673}',
    'ip.src in {192.0.2.0/24 2001:db8::/32 198.51.100.3..198.51.100.7}',
  ];
  for (const text of examples) assert.ok(checkExpression(text).ok, text);
});

test('the error shown in docs/rules.md is the error Portcullis gives', () => {
  const result = checkExpression('ip.src == 34');
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.ok(
      doc.includes(result.error.render('ip.src == 34')),
      result.error.render('ip.src == 34'),
    );
  }
});

test('docs/rules.md lists every error kind of the catalogue', () => {
  for (const kind of Object.keys(ERROR_KINDS)) assert.ok(doc.includes(`\`${kind}\``), kind);
});
