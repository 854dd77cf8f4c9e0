import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { literalHint } from '../../src/rules/regex-prefilter.ts';
import { compileRegex, toRe2Syntax } from '../../src/rules/regex.ts';

describe("Rust regex flags become RE2's", () => {
  const cases: [string, string][] = [
    ['(?u)\\p{Greek}+', '\\p{Greek}+'],
    ['(?iu)abc', '(?i)abc'],
    ['(?u:a)b', '(?:a)b'],
    ['(?-u:\\xff)', '(?:\\xff)'],
    ['(?i)abc', '(?i)abc'],
    ['\\(?u)', '\\(?u)'],
    ['[(?u)]', '[(?u)]'],
  ];
  for (const [rust, re2] of cases) {
    test(`${rust} → ${re2}`, () => assert.equal(toRe2Syntax(rust), re2));
  }
});

describe('literal prefilter', () => {
  const cases: [string, ReturnType<typeof literalHint>][] = [
    ['^/legacy/12/[a-z]+\\.php$', { prefix: '/legacy/12/' }],
    ['abc', { literal: 'abc' }],
    ['foo.*bar', { literal: 'foo' }],
    ['a\\.b', { literal: 'a.b' }],
    ['ab?c', undefined],
    ['a|bc', undefined],
    ['(?i)abc', undefined],
    ['^{0,1}abc', { literal: 'abc' }],
    ['x\\pLyz', undefined],
  ];
  for (const [pattern, hint] of cases) {
    test(`${pattern} gives ${JSON.stringify(hint)}`, () =>
      assert.deepEqual(literalHint(pattern), hint));
  }
  test('a prefiltered regex still answers like RE2', () => {
    const re = compileRegex('^/legacy/12/[a-z]+\\.php$');
    assert.equal(re.test('/legacy/12/index.php'), true);
    assert.equal(re.test('/legacy/12/index.phq'), false);
    assert.equal(re.test('/x/legacy/12/index.php'), false);
  });
});
