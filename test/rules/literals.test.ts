import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheme, formatExpression, parseExpression } from '../../src/rules/index.ts';
import { Cursor } from '../../src/rules/lexer.ts';
import { errorOf, evaluate } from './helpers.ts';

const scheme = new Scheme({ s: 'Bytes', n: 'Int', ip: 'Ip', b: 'Bool' });

describe('quoted strings take exactly wirefilter escapes', () => {
  const cases: [string, string][] = [
    ['"abc"', 'abc'],
    ['""', ''],
    ['"a\\"b"', 'a"b'],
    ['"a\\\\b"', 'a\\b'],
    ['"\\x41\\x62"', 'Ab'],
    ['"\\101\\142"', 'Ab'],
    ['"\\x7F"', '\x7f'],
    ['"\\xff"', '\xff'],
    ['"\\377"', '\xff'],
    ['"é"', '\xc3\xa9'],
    ['"(not a group)"', '(not a group)'],
    ['"line\nbreak"', 'line\nbreak'],
  ];
  for (const [source, bytes] of cases) {
    test(`${source} reads as ${JSON.stringify(bytes)}`, () => {
      assert.equal(new Cursor(source).string(), bytes);
    });
  }
  for (const [source, kind] of [
    ['"\\n"', 'InvalidEscape'],
    ['"\\t"', 'InvalidEscape'],
    ['"\\x4"', 'InvalidEscape'],
    ['"\\xZZ"', 'InvalidEscape'],
    ['"\\400"', 'InvalidEscape'],
    ['"\\01"', 'InvalidEscape'],
    ['"abc', 'MissingEndingQuote'],
    ['"abc\\', 'MissingEndingQuote'],
  ] as const) {
    test(`${source} is ${kind}`, () => {
      assert.equal(errorOf(`s eq ${source}`, { scheme }).kind, kind);
    });
  }
});

describe('raw strings', () => {
  const cases: [string, string][] = [
    ['r""', ''],
    ['r"a\\d"', 'a\\d'],
    ['r#""#', ''],
    ['r#"a"b"#', 'a"b'],
    ['r##"a"#b"##', 'a"#b'],
    ['r###"a###"##"###', 'a###"##'],
    [`r${'#'.repeat(255)}"x"${'#'.repeat(255)}`, 'x'],
  ];
  for (const [source, text] of cases) {
    test(`${source.slice(0, 20)} reads as ${JSON.stringify(text)}`, () => {
      assert.equal(new Cursor(source).raw(), text);
    });
  }
  test('256 hashes are rejected', () => {
    const source = `s eq r${'#'.repeat(256)}"x"${'#'.repeat(256)}`;
    assert.equal(errorOf(source, { scheme }).kind, 'InvalidRawString');
  });
  test('a raw string closed with too few hashes is unterminated', () => {
    assert.equal(errorOf('s eq r##"a"#', { scheme }).kind, 'MissingEndingQuote');
  });
});

describe('integers', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['42', 42],
    ['-12', -12],
    ['0x1f5', 501],
    ['0xFF', 255],
    ['0123', 83],
    ['00', 0],
    ['9007199254740991', 9007199254740991],
  ];
  for (const [source, value] of cases) {
    test(`${source} is ${value}`, () => {
      assert.equal(new Cursor(source).int(), value);
      assert.equal(evaluate(`n eq ${source}`, { n: value }, { scheme }), true);
    });
  }
  for (const source of ['089', '10fe', '9007199254740992', '0x', '-0x1']) {
    test(`${source} is InvalidInteger or unexpected`, () => {
      assert.match(errorOf(`n eq ${source}`, { scheme }).kind, /InvalidInteger|UnexpectedInput/);
    });
  }
});

describe('IP addresses, CIDRs and ranges', () => {
  const cases: [string, string][] = [
    ['ip eq 192.0.2.1', 'ip eq 192.0.2.1'],
    ['ip eq 2001:DB8:0:0:0:0:0:1', 'ip eq 2001:db8::1'],
    ['ip eq ::', 'ip eq ::'],
    ['ip eq ::ffff:1.2.3.4', 'ip eq ::ffff:1.2.3.4'],
    ['ip in {10.0.0.0/8}', 'ip in {10.0.0.0/8}'],
    ['ip in {2001:db8::/32 1.2.3.4..1.2.3.9}', 'ip in {2001:db8::/32 1.2.3.4..1.2.3.9}'],
    ['ip in {1::1..1::ff}', 'ip in {1::1..1::ff}'],
  ];
  for (const [source, canonical] of cases) {
    test(`${source} formats as ${canonical}`, () => {
      assert.equal(formatExpression(parseExpression(source, { scheme })), canonical);
    });
  }
  for (const [source, kind] of [
    ['ip eq 1.2.3', 'InvalidIp'],
    ['ip eq 256.1.1.1', 'InvalidIp'],
    ['ip eq 1:2:3:4:5:6:7:8:9', 'InvalidIp'],
    ['ip eq 1::2::3', 'InvalidIp'],
    ['ip eq 10.0.0.0/8', 'InvalidIp'],
    ['ip in {10.0.0.0/33}', 'InvalidIp'],
    ['ip in {10.1.2.3/8}', 'InvalidIp'],
    ['ip in {2001:db8::1/32}', 'InvalidIp'],
    ['ip in {1.2.3.9..1.2.3.4}', 'InvalidRange'],
    ['ip in {1.2.3.4..::1}', 'InvalidRange'],
    ['ip eq 34', 'InvalidIp'],
  ] as const) {
    test(`${source} is ${kind}`, () => {
      assert.equal(errorOf(source, { scheme }).kind, kind);
    });
  }
});

describe('byte strings', () => {
  test('hex bytes with : - and . separators', () => {
    assert.equal(new Cursor('01:2e:f3-77.12').byteString(), '\x01\x2e\xf3\x77\x12');
    assert.equal(evaluate('s eq 61:62', { s: 'ab' }, { scheme }), true);
  });
  test('a single byte is not a byte string', () => {
    assert.equal(errorOf('s eq 61', { scheme }).kind, 'UnexpectedInput');
  });
  test('a malformed byte is InvalidBytes', () => {
    assert.equal(errorOf('s eq 61:6x', { scheme }).kind, 'InvalidBytes');
  });
});

describe('sets and named lists', () => {
  test('sets are separated by whitespace and may be empty', () => {
    assert.equal(evaluate('s in {"a"   "b"\n"c"}', { s: 'c' }, { scheme }), true);
    assert.equal(evaluate('s in {}', { s: 'c' }, { scheme }), false);
  });
  test('integer ranges are inclusive and must not run backwards', () => {
    assert.equal(evaluate('n in {1..3 10}', { n: 3 }, { scheme }), true);
    assert.equal(evaluate('n in {1..3 10}', { n: 4 }, { scheme }), false);
    assert.equal(errorOf('n in {3..1}', { scheme }).kind, 'InvalidRange');
  });
  test('named lists resolve through the resolver', () => {
    const lists = {
      office: ['192.0.2.0/24', '198.51.100.1-198.51.100.9'],
      ports: [80, '8000..8009'],
    };
    assert.equal(evaluate('ip in $office', { ip: '198.51.100.5' }, { scheme, lists }), true);
    assert.equal(evaluate('n in $ports', { n: 8005 }, { scheme, lists }), true);
    assert.equal(errorOf('ip in $nope', { scheme, lists }).kind, 'UnknownList');
    assert.equal(errorOf('ip in $bad', { scheme, lists: { bad: ['x'] } }).kind, 'InvalidListItem');
  });
});

describe('named list items in the list API forms', () => {
  const cases: [string, (string | number)[], Record<string, unknown>, boolean][] = [
    ['ip in $l', ['192.0.2.1-192.0.2.9'], { ip: '192.0.2.5' }, true],
    ['ip in $l', ['2001:db8::/32'], { ip: '2001:db8::9' }, true],
    ['ip in $l', [' 192.0.2.1 '], { ip: '192.0.2.1' }, true],
    ['n in $l', ['8000-8009', -3], { n: 8003 }, true],
    ['n in $l', ['-10--5'], { n: -7 }, true],
    ['s in $l', ['a.example', 'b.example'], { s: 'b.example' }, true],
  ];
  for (const [text, items, values, expected] of cases) {
    test(`${JSON.stringify(items)} for ${text}`, () => {
      assert.equal(evaluate(text, values, { scheme, lists: { l: items } }), expected);
    });
  }
});
