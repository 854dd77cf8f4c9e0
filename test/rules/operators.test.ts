import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExpression, parseExpression, Scheme } from '../../src/rules/index.ts';
import { errorOf, evaluate, shape } from './helpers.ts';

const scheme = new Scheme({
  s: 'Bytes',
  t: 'Bytes',
  n: 'Int',
  ip: 'Ip',
  a: 'Bool',
  b: 'Bool',
  c: 'Bool',
  arr: 'Array<Bytes>',
  nums: 'Array<Int>',
  flags: 'Array<Bool>',
  map: 'Map<Array<Bytes>>',
});
const opts = { scheme };

describe('every comparison operator in English and C-like form', () => {
  const values = { s: 'Hello World', n: 10, ip: '192.0.2.10' };
  const cases: [string, boolean][] = [
    ['s eq "Hello World"', true],
    ['s == "Hello World"', true],
    ['s ne "x"', true],
    ['s != "Hello World"', false],
    ['s lt "I"', true],
    ['s < "A"', false],
    ['s le "Hello World"', true],
    ['s <= "Hello"', false],
    ['s gt "Hello"', true],
    ['s > "a"', false],
    ['s ge "Hello World"', true],
    ['s >= "Z"', false],
    ['s contains "o W"', true],
    ['s contains "world"', false],
    ['s contains {"x" "World"}', true],
    ['s matches "^H.*d$"', true],
    ['s ~ "^world"', false],
    ['s matches r"(?i)WORLD"', true],
    ['s wildcard "hello *"', true],
    ['s wildcard "*WORLD"', true],
    ['s strict wildcard "hello *"', false],
    ['s strict wildcard "Hello*"', true],
    ['s wildcard "Hello"', false],
    ['s in {"a" "Hello World"}', true],
    ['n eq 10', true],
    ['n != 10', false],
    ['n lt 11', true],
    ['n le 9', false],
    ['n gt 9', true],
    ['n >= 11', false],
    ['n in {1 5..10}', true],
    ['n in {11..20}', false],
    ['n & 2', true],
    ['n bitwise_and 5', false],
    ['ip eq 192.0.2.10', true],
    ['ip == 192.0.2.11', false],
    ['ip ne 2001:db8::1', true],
    ['ip gt 192.0.2.9', true],
    ['ip lt 10.0.0.1', false],
    ['ip in {192.0.2.0/28}', true],
    ['ip in {192.0.2.11..192.0.2.20 2001:db8::/32}', false],
  ];
  for (const [text, expected] of cases) {
    test(`${text} is ${expected}`, () => assert.equal(evaluate(text, values, opts), expected));
  }
});

describe('wildcard escapes', () => {
  const cases: [string, string, boolean][] = [
    ['"a\\\\*b"', 'a*b', true],
    ['"a\\\\*b"', 'axb', false],
    ['r"a\\\\b"', 'a\\b', true],
    ['"*"', '', true],
    ['"a*b*c"', 'aXbYc', true],
    ['"a*b*c"', 'acb', false],
    ['"ab*ba"', 'aba', false],
  ];
  for (const [pattern, value, expected] of cases) {
    test(`${pattern} on ${JSON.stringify(value)} is ${expected}`, () => {
      assert.equal(evaluate(`s strict wildcard ${pattern}`, { s: value }, opts), expected);
    });
  }
  test('** and unknown escapes are InvalidWildcard', () => {
    assert.equal(errorOf('s wildcard "a**"', opts).kind, 'InvalidWildcard');
    assert.equal(errorOf('s wildcard r"a\\b"', opts).kind, 'InvalidWildcard');
  });
});

describe('logical operators and precedence: not, and, xor, or', () => {
  const same: [string, string][] = [
    ['a and b or c', '(a and b) or c'],
    ['a or b and c', 'a or (b and c)'],
    ['a xor b and c', 'a xor (b and c)'],
    ['a or b xor c', 'a or (b xor c)'],
    ['not a and b', '(not a) and b'],
    ['! a && b || c ^^ a', '((not a) and b) or (c xor a)'],
    ['not not a', 'not (not a)'],
  ];
  for (const [text, grouped] of same) {
    test(`${text} groups as ${grouped}`, () => {
      const a = parseExpression(text, opts).root;
      const b = parseExpression(grouped, opts).root;
      assert.equal(
        formatExpression(parseExpression(text, opts)),
        formatExpression(parseExpression(grouped, opts)),
      );
      assert.deepEqual(shape(a), shape(b));
    });
  }
  const truth: [string, Record<string, boolean>, boolean][] = [
    ['a xor b', { a: true, b: true }, false],
    ['a xor b', { a: true, b: false }, true],
    ['a ^^ b ^^ c', { a: true, b: true, c: true }, true],
    ['a or b and c', { a: true, b: false, c: false }, true],
    ['(a or b) and c', { a: true, b: false, c: false }, false],
    ['not (a and b)', { a: true, b: false }, true],
    ['true and not false', {}, true],
  ];
  for (const [text, values, expected] of truth) {
    test(`${text} with ${JSON.stringify(values)} is ${expected}`, () => {
      assert.equal(evaluate(text, values, opts), expected);
    });
  }
  test('English operators are lowercase only', () => {
    assert.equal(errorOf('a AND b', opts).kind, 'UnexpectedInput');
    assert.equal(errorOf('s EQ "x"', opts).kind, 'UnexpectedInput');
  });
});

describe('indexes and [*]', () => {
  const values = { arr: ['a', 'B'], map: { k: ['x', 'y'] }, nums: [1, 2, 3], flags: [true, false] };
  const cases: [string, boolean][] = [
    ['arr[0] eq "a"', true],
    ['arr[1] eq "B"', true],
    ['arr[5] eq "a"', false],
    ['arr[5] ne "a"', false],
    ['map["k"][1] eq "y"', true],
    ['map["missing"][0] eq "x"', false],
    ['any(arr[*] eq "B")', true],
    ['all(arr[*] eq "B")', false],
    ['any(lower(arr[*]) eq "b")', true],
    ['all(len(arr[*]) eq 1)', true],
    ['any(map["k"][*] contains "y")', true],
    ['any(map[*][0] eq "x")', true],
    ['any(nums[*] gt 2)', true],
    ['all(nums[*] in {1..3})', true],
    ['any(flags)', true],
    ['all(flags)', false],
    ['len(arr) eq 2', true],
    ['len(map["none"]) ge 0', false],
    ['any(map["none"][*] eq "x")', false],
  ];
  for (const [text, expected] of cases) {
    test(`${text} is ${expected}`, () => assert.equal(evaluate(text, values, opts), expected));
  }
  const errors: [string, string][] = [
    ['arr[*] eq "a"', 'InvalidMapEach'],
    ['any(arr[*] eq "a") and arr[*] eq "b"', 'InvalidMapEach'],
    ['any(map[*][*] eq "a")', 'InvalidMapEach'],
    ['any(starts_with(s, arr[*]))', 'InvalidMapEach'],
    ['s[0] eq "a"', 'UnsupportedOperator'],
    ['arr["k"] eq "a"', 'UnexpectedInput'],
    ['map[0][0] eq "a"', 'UnexpectedInput'],
  ];
  for (const [text, kind] of errors) {
    test(`${text} is ${kind}`, () => assert.equal(errorOf(text, opts).kind, kind));
  }
});

describe('type checking', () => {
  const errors: [string, string][] = [
    ['a eq "x"', 'UnsupportedOperator'],
    ['n contains "x"', 'UnsupportedOperator'],
    ['ip matches "x"', 'UnsupportedOperator'],
    ['arr eq "x"', 'UnsupportedOperator'],
    ['s eq 5', 'UnexpectedInput'],
    ['n eq "5"', 'UnexpectedInput'],
    ['s', 'UnexpectedEnd'],
    ['s and a', 'UnexpectedInput'],
    ['len(s) and a', 'UnexpectedInput'],
    ['to_string(len(s) and a) eq "x"', 'TypeMismatch'],
    ['not len(s)', 'UnexpectedEnd'],
    ['lower(n) eq "x"', 'TypeMismatch'],
    ['"x" eq s', 'UnexpectedInput'],
  ];
  for (const [text, kind] of errors) {
    test(`${text} is ${kind}`, () => assert.equal(errorOf(text, opts).kind, kind));
  }
});

describe('missing values make comparisons false', () => {
  for (const text of [
    's eq "x"',
    's ne "x"',
    's contains "x"',
    's matches "x"',
    's lt "x"',
    'n ne 1',
    'n gt -1',
    'ip ne 1.2.3.4',
    'ip in {0.0.0.0/0}',
  ]) {
    test(`${text} is false when the field is missing`, () =>
      assert.equal(evaluate(text, {}, opts), false));
  }
  test('not of a missing Bool field is true', () =>
    assert.equal(evaluate('not a', {}, opts), true));
});

describe('generated code', () => {
  test('literals that look like code stay data', () => {
    const nasty = '"); throw new Error("injected"); ("';
    const quoted = JSON.stringify(nasty);
    assert.equal(evaluate(`s eq ${quoted}`, { s: nasty }, opts), true);
    assert.equal(
      evaluate(`map[${quoted}][0] eq ${quoted}`, { map: { [nasty]: [nasty] } }, opts),
      true,
    );
    assert.equal(evaluate('s eq "\u2028\u2029`${x}`"', { s: '\u2028\u2029`${x}`' }, opts), true);
  });
});
