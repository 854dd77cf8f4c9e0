import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkExpression,
  parseExpression,
  ERROR_KINDS,
  errorCode,
  RuleError,
  Scheme,
  type RuleErrorKind,
} from '../../src/rules/index.ts';
import { errorOf } from './helpers.ts';

const scheme = new Scheme({ s: 'Bytes', n: 'Int', ip: 'Ip', b: 'Bool', arr: 'Array<Bytes>' });

/** One expression per error kind, with the text its span must cover. */
const EXAMPLES: Record<RuleErrorKind, [string, string, Partial<Parameters<typeof errorOf>[1]>?]> = {
  UnexpectedInput: ['s eq "a" garbage', 'garbage'],
  UnexpectedEnd: ['s eq', ''],
  UnknownField: ['http.hots eq "a"', 'http.hots'],
  UnknownFunction: ['nosuch(s) eq "a"', 'nosuch'],
  UnknownList: ['ip in $office', '$office'],
  InvalidListItem: ['ip in $office', '$office', { lists: { office: ['not-an-ip'] } }],
  InvalidEscape: ['s eq "a\\qb"', '\\q'],
  MissingEndingQuote: ['s eq "abc', '"abc'],
  InvalidRawString: [`s eq r${'#'.repeat(256)}"x"`, `r${'#'.repeat(256)}`],
  InvalidInteger: ['n eq 99999999999999999999', '99999999999999999999'],
  InvalidIp: ['ip eq 300.1.1.1', '300.1.1.1'],
  InvalidBytes: ['s eq 01:zz', 'zz'],
  InvalidRange: ['n in {5..1}', '5..1'],
  InvalidRegex: ['s matches "(a"', '"(a"'],
  InvalidWildcard: ['s wildcard "a**"', '"a**"'],
  TypeMismatch: ['lower(n) eq "a"', 'n'],
  UnsupportedOperator: ['n contains "a"', 'contains'],
  InvalidMapEach: ['arr[*] eq "a"', 'arr[*] eq "a"'],
  InvalidArgument: ['starts_with("x", "a")', '"x"'],
  ArgumentCount: ['lower(s, s) eq "a"', 'lower(s, s)'],
  ExpressionTooLong: [`s eq "${'a'.repeat(5000)}"`, ''],
  NestingTooDeep: [`${'('.repeat(100)}b${')'.repeat(100)}`, '('],
  SetTooLarge: ['n in {1 2 3 4}', '4', { limits: { maxSetSize: 3 } }],
  RegexTooLarge: ['s matches "a{100}"', '"a{100}"', { limits: { maxRegexProgramSize: 50 } }],
};

describe('every error kind', () => {
  for (const kind of Object.keys(ERROR_KINDS) as RuleErrorKind[]) {
    const [text, spanText, extra] = EXAMPLES[kind];
    test(`${kind}: ${text.slice(0, 40)}`, () => {
      const err = errorOf(text, { scheme, ...extra });
      assert.equal(err.kind, kind, err.message);
      assert.equal(err.code, errorCode(kind));
      assert.match(err.code, /^PORTCULLIS_ERR_RULES_[A-Z_]+$/);
      if (spanText !== '') assert.equal(text.slice(err.offset, err.end), spanText);
      assert.ok(err.length >= 0);
      assert.equal(err.message, err.message.trim());
    });
  }
});

describe('positions and rendering', () => {
  test('line and column count characters from 1, across lines', () => {
    const text = 'b and\n  s eq "a\\q"';
    const err = errorOf(text, { scheme });
    assert.equal(err.line, 2);
    assert.equal(err.column, 10);
    assert.equal(err.length, 2);
    assert.equal(
      err.render(text),
      'error at 2:10: invalid escape "\\q": expected \\", \\\\, \\xHH or \\OOO\n  s eq "a\\q"\n         ^^',
    );
  });
  test('columns count characters, not UTF-16 units', () => {
    const text = 's eq "😀" and http';
    const err = errorOf(text, { scheme });
    assert.equal(err.column, 14);
  });
  test('an error at the end of the input shows one caret after it', () => {
    const err = errorOf('s eq', { scheme });
    assert.equal(
      err.render('s eq'),
      'error at 1:5: expected a string, got end of input\ns eq\n    ^',
    );
  });
  test('the unknown-field example renders with carets under the name', () => {
    const text = 'http.hots eq "a"';
    assert.equal(
      errorOf(text).render(text),
      'error at 1:1: unknown field "http.hots"\nhttp.hots eq "a"\n^^^^^^^^^',
    );
  });
  test('checkExpression returns the error instead of throwing', () => {
    const result = checkExpression('ip.src eq 34');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.ok(result.error instanceof RuleError);
      assert.deepEqual(Object.keys(result.error.toJSON()), [
        'kind',
        'message',
        'line',
        'column',
        'length',
      ]);
    }
    assert.equal(checkExpression('ssl').ok, true);
  });
});

describe('limits are settings', () => {
  test('expression length: 4,096 by default, configurable', () => {
    const text = `http.host eq "${'a'.repeat(4096 - 15)}"`;
    assert.equal(text.length, 4096);
    assert.equal(checkExpression(text).ok, true);
    assert.equal(checkExpression(text + ' ').ok, false);
    assert.equal(checkExpression('ssl', { limits: { maxExpressionLength: 2 } }).ok, false);
  });
  test('nesting depth', () => {
    assert.equal(checkExpression(`${'not '.repeat(64)}ssl`).ok, true);
    assert.equal(checkExpression(`${'not '.repeat(65)}ssl`).ok, false);
    assert.equal(checkExpression('((ssl))', { limits: { maxNestingDepth: 1 } }).ok, false);
  });
  test('a nesting limit beyond the call stack still fails as NestingTooDeep', () => {
    const text = `${'('.repeat(200_000)}ssl${')'.repeat(200_000)}`;
    const result = checkExpression(text, {
      limits: { maxNestingDepth: 1_000_000, maxExpressionLength: 1_000_000 },
    });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.kind, 'NestingTooDeep');
  });
  test('set size', () => {
    assert.equal(
      checkExpression('http.host in {"a" "b"}', { limits: { maxSetSize: 1 } }).ok,
      false,
    );
  });
  test('regex program size', () => {
    const text = 'http.host matches "[a-z]{1,50}"';
    assert.equal(checkExpression(text).ok, true);
    assert.equal(checkExpression(text, { limits: { maxRegexProgramSize: 10 } }).ok, false);
  });
  test('regexes RE2 cannot run in linear time are rejected', () => {
    for (const pattern of ['(a)\\1', '(?=a)', '(?<=a)b', 'a++']) {
      const result = checkExpression(`http.host matches "${pattern}"`);
      assert.equal(result.ok, false, pattern);
      if (!result.ok) assert.equal(result.error.kind, 'InvalidRegex');
    }
  });
});

describe('spans', () => {
  test('cover the operands without surrounding spaces', () => {
    const text = '  http.host eq "a"   and   ssl  ';
    const expr = parseExpression(text);
    assert.equal(
      text.slice(expr.root.span.start, expr.root.span.end),
      'http.host eq "a"   and   ssl',
    );
    const err = errorOf('to_string( len(http.host)  and ssl ) eq "x"');
    assert.equal(err.kind, 'TypeMismatch');
    assert.equal(err.length, 'len(http.host)'.length);
  });
  test('a parenthesised group spans its parentheses', () => {
    const text = 'ssl and (ssl or ssl)';
    const root = parseExpression(text).root;
    assert.equal(root.kind, 'logical');
    if (root.kind === 'logical') {
      const inner = root.items[1];
      assert.equal(inner && text.slice(inner.span.start, inner.span.end), '(ssl or ssl)');
    }
  });
});
