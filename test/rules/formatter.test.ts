import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExpression, parseExpression, Scheme } from '../../src/rules/index.ts';
import { shape } from './helpers.ts';

const scheme = new Scheme({
  s: 'Bytes',
  n: 'Int',
  ip: 'Ip',
  a: 'Bool',
  b: 'Bool',
  c: 'Bool',
  arr: 'Array<Bytes>',
  map: 'Map<Array<Bytes>>',
});

describe('canonical text', () => {
  const cases: [string, string][] = [
    ['s=="x"&&!a', 's eq "x" and not a'],
    ['s != "x" || a ^^ b', 's ne "x" or a xor b'],
    [
      'n<1 or n<=2 or n>3 or n>=4 or n&5',
      'n lt 1 or n le 2 or n gt 3 or n ge 4 or n bitwise_and 5',
    ],
    ['s ~ "a\\d"', 's matches r"a\\d"'],
    ['s matches "say \\"hi\\""', 's matches r#"say "hi""#'],
    ['s matches r##"a"#b"##', 's matches r##"a"#b"##'],
    ['s eq r"C:\\dir"', 's eq "C:\\\\dir"'],
    ['s eq 61:62:63', 's eq "abc"'],
    ['s eq "\\x00\\x7f é"', 's eq "\\x00\\x7f é"'],
    ['s eq "\\xc3"', 's eq "\\xc3"'],
    ['s strict wildcard "*.Example.com"', 's strict wildcard "*.Example.com"'],
    ['s wildcard r"a\\*b"', 's wildcard "a\\\\*b"'],
    ['n in { 0x10  020 1..3 }', 'n in {16 16 1..3}'],
    ['ip in {10.0.0.0/8   2001:DB8::/32}', 'ip in {10.0.0.0/8 2001:db8::/32}'],
    ['( a )', 'a'],
    ['(a and b) and c', '(a and b) and c'],
    ['a and (b or c)', 'a and (b or c)'],
    ['not (a or b)', 'not (a or b)'],
    ['!!a', 'not not a'],
    ['any( arr[*]=="x" )', 'any(arr[*] eq "x")'],
    ['all(not len(map["k"][*])[*] in {3 4})', 'all(not len(map["k"][*])[*] in {3 4})'],
    ['lower(map["k"][0])eq"x"', 'lower(map["k"][0]) eq "x"'],
    ['substring(s,-2)eq"x"', 'substring(s, -2) eq "x"'],
  ];
  for (const [text, canonical] of cases) {
    test(`${text} → ${canonical}`, () => {
      const parsed = parseExpression(text, { scheme });
      assert.equal(formatExpression(parsed), canonical);
      const again = parseExpression(canonical, { scheme });
      assert.deepEqual(shape(again.root), shape(parsed.root));
    });
  }
});
