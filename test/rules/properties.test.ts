import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkExpression,
  compileExpression,
  compileRuleset,
  fieldsFromObject,
  formatExpression,
  interpret,
  parseExpression,
  RuleError,
  Scheme,
} from '../../src/rules/index.ts';
import { quoteBytes, rawString } from '../../src/rules/formatter.ts';
import { textToBinary } from '../../src/rules/bytes.ts';
import { shape } from './helpers.ts';
import { RE2JS } from 're2js';
import { compileRegex } from '../../src/rules/regex.ts';

const scheme = new Scheme({
  s: 'Bytes',
  t: 'Bytes',
  n: 'Int',
  ip: 'Ip',
  b: 'Bool',
  c: 'Bool',
  arr: 'Array<Bytes>',
  map: 'Map<Array<Bytes>>',
});
const opts = { scheme };

const text = fc.string({
  unit: fc.constantFrom('a', 'B', 'c', '.', '/', '"', '\\', '*', 'é', '\n', ' '),
  maxLength: 6,
});
const quoted = text.map((t) => quoteBytes(textToBinary(t)));
const stringLit = fc.oneof(
  quoted,
  text.map((t) => rawString(t)),
  fc.constant('61:62'),
);
const intLit = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.integer({ min: 0, max: 255 }).map((i) => '0x' + i.toString(16)),
  fc.integer({ min: 0, max: 63 }).map((i) => '0' + i.toString(8)),
);
const ipLit = fc.constantFrom(
  '192.0.2.1',
  '192.0.2.200',
  '10.1.2.3',
  '2001:db8::1',
  '::1',
  '::ffff:10.1.2.3',
);
const cidrLit = fc.constantFrom(
  '192.0.2.0/24',
  '10.0.0.0/8',
  '2001:db8::/32',
  '0.0.0.0/0',
  '192.0.2.1..192.0.2.9',
);
const regexLit = fc.constantFrom('"^a"', 'r"\\d+$"', '"[a-c]+"', 'r#"a"b"#', '"(?i)B"', '"a|."');
const wildLit = fc.constantFrom('"a*"', '"*c"', '"*"', '"a\\\\*"', 'r"*.*"', '"B"');
const set = <T>(item: fc.Arbitrary<T>) =>
  fc.array(item, { maxLength: 4 }).map((xs) => `{${xs.join(' ')}}`);

const bytesLhs = fc.constantFrom(
  's',
  't',
  'lower(s)',
  'arr[0]',
  'map["k"][1]',
  'concat(s, "x")',
  'substring(t, 1)',
  'url_decode(s)',
);
const bytesCompare = fc.oneof(
  fc.tuple(
    bytesLhs,
    fc.constantFrom('eq', '==', 'ne', '!=', 'lt', 'le', '>', '>=', 'contains'),
    stringLit,
  ),
  fc.tuple(bytesLhs, fc.constantFrom('matches', '~'), regexLit),
  fc.tuple(bytesLhs, fc.constantFrom('wildcard', 'strict wildcard'), wildLit),
  fc.tuple(bytesLhs, fc.constantFrom('in', 'contains'), set(quoted)),
);
const intCompare = fc.oneof(
  fc.tuple(
    fc.constantFrom('n', 'len(s)', 'len(arr)'),
    fc.constantFrom('eq', 'ne', '<', 'le', 'gt', '>=', '&'),
    intLit,
  ),
  fc.tuple(
    fc.constantFrom('n', 'len(t)'),
    fc.constant('in'),
    set(fc.oneof(intLit, fc.constantFrom('1..5', '100..200'))),
  ),
);
const ipCompare = fc.oneof(
  fc.tuple(
    fc.constantFrom('ip', 'cidr(ip, 24, 64)'),
    fc.constantFrom('eq', 'ne', 'lt', 'ge'),
    ipLit,
  ),
  fc.tuple(fc.constant('ip'), fc.constant('in'), set(fc.oneof(ipLit, cidrLit))),
);
const compare = fc
  .oneof(bytesCompare, intCompare, ipCompare)
  .map(([l, op, r]) => `${l} ${op} ${r}`);
const boolLeaf = fc.oneof(
  compare,
  fc.constantFrom(
    'b',
    'c',
    'true',
    'false',
    'starts_with(s, "a")',
    'ends_with(t, "c")',
    'any(arr[*] eq "a")',
    'all(map["k"][*] contains "a")',
    'any(lower(arr[*]) wildcard "b*")',
  ),
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    boolLeaf,
    fc.tuple(fc.constantFrom('not ', '!', 'not not '), tie('expr')).map(([n, e]) => `${n}(${e})`),
    fc
      .tuple(tie('expr'), fc.constantFrom('and', '&&', 'or', '||', 'xor', '^^'), tie('expr'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `(${e})`),
  ),
}));

const values = fc.record(
  {
    s: text,
    t: text,
    n: fc.integer({ min: -5, max: 300 }),
    ip: ipLit,
    b: fc.boolean(),
    c: fc.boolean(),
    arr: fc.array(text, { maxLength: 3 }),
    map: fc.dictionary(fc.constantFrom('k', 'j'), fc.array(text, { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

describe('properties', () => {
  test('formatting then parsing gives the same tree, and formatting is stable', () => {
    fc.assert(
      fc.property(expr, (source) => {
        const parsed = parseExpression(source, opts);
        const formatted = formatExpression(parsed);
        const again = parseExpression(formatted, opts);
        assert.deepEqual(shape(again.root), shape(parsed.root));
        assert.equal(formatExpression(again), formatted);
      }),
      { numRuns: 2000 },
    );
  });

  test('compiled code and the interpreter agree on every input', () => {
    fc.assert(
      fc.property(expr, values, (source, fields) => {
        const parsed = parseExpression(source, opts);
        const src = fieldsFromObject(fields);
        assert.equal(compileExpression(parsed)(src), interpret(parsed, src));
      }),
      { numRuns: 2000 },
    );
  });

  test('a compiled ruleset answers like evaluating its rules one by one', () => {
    const rule = fc.tuple(expr, fc.constantFrom('block', 'log', 'skip', 'log'), fc.boolean());
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 120, size: 'max' }),
        values,
        (specs, fields) => {
          const rules = specs.map(([text, action, enabled], i) => ({
            id: `r${i}`,
            action,
            enabled,
            expression: parseExpression(text, opts),
          }));
          const src = fieldsFromObject(fields);
          const logged: string[] = [];
          let terminating: string | undefined;
          for (const r of rules) {
            if (!r.enabled || !interpret(r.expression, src)) continue;
            if (r.action === 'log') logged.push(r.id);
            else {
              terminating = r.id;
              break;
            }
          }
          const result = compileRuleset(rules)(src);
          assert.equal(result.terminating?.id, terminating);
          assert.deepEqual(
            result.logged.map((r) => r.id),
            logged,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('values of the wrong type from the edge never make an expression throw', () => {
    const garbage = fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 3 }));
    const wrong = fc.dictionary(
      fc.constantFrom('s', 't', 'n', 'ip', 'b', 'c', 'arr', 'map'),
      garbage,
    );
    fc.assert(
      fc.property(expr, wrong, (source, fields) => {
        const parsed = parseExpression(source, opts);
        const src = fieldsFromObject(fields);
        assert.equal(compileExpression(parsed)(src), interpret(parsed, src));
      }),
      { numRuns: 2000 },
    );
  });

  test('the literal prefilter never changes what a regex matches', () => {
    const token = fc.constantFrom(
      'a',
      'b',
      'ab',
      '.',
      '^',
      '$',
      '*',
      '+',
      '?',
      '{2}',
      '{0,1}',
      '\\.',
      '\\d',
      '[ab]',
      '(a|b)',
      '(ab)+',
      '|',
      'é',
      '😀',
      '\\Q',
      '{',
    );
    const pattern = fc.array(token, { maxLength: 8 }).map((t) => t.join(''));
    const input = fc.string({
      unit: fc.constantFrom('a', 'b', '.', '1', 'é', '😀', '{'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(pattern, fc.array(input, { minLength: 1, maxLength: 5 }), (p, values) => {
        let raw: RE2JS;
        try {
          raw = RE2JS.compile(p);
        } catch {
          return;
        }
        const filtered = compileRegex(p);
        for (const v of values) assert.equal(filtered.test(v), raw.test(v), `${p} on ${v}`);
      }),
      { numRuns: 5000 },
    );
  });

  test('100,000 random and mutated inputs never throw outside the error catalogue', () => {
    const seeds = fc.sample(expr, { numRuns: 200, seed: 42 });
    const alphabet = [
      ...'abcnst.[]*(){}"\\#r$:-0123456789xX ,!=<>~&|^\n',
      'and',
      'or',
      'not',
      'in',
      'eq',
      'matches',
      'wildcard',
      'strict',
      'any(',
      'lower(',
      'ip',
      '"a"',
      '1.2.3.4',
      '::',
      '/24',
      '..',
      '[*]',
      'r#"',
      '\\x',
      '😀',
    ];
    const fragment = fc.constantFrom(...alphabet);
    const random = fc.array(fragment, { maxLength: 30 }).map((xs) => xs.join(''));
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.nat({ max: 6 }),
        fc.array(fragment, { maxLength: 3 }),
      )
      .map(([seed, at, cut, insert]) => {
        const i = at % (seed.length + 1);
        return seed.slice(0, i) + insert.join('') + seed.slice(i + cut);
      });
    let rejected = 0;
    fc.assert(
      fc.property(fc.oneof(random, mutated), (source) => {
        const result = checkExpression(source, opts);
        if (!result.ok) {
          rejected++;
          assert.ok(result.error instanceof RuleError);
          assert.ok(result.error.offset <= source.length);
          result.error.render(source);
        }
      }),
      { numRuns: 100_000, seed: 7 },
    );
    assert.ok(rejected > 10_000, `only ${rejected} inputs were rejected`);
  });
});
