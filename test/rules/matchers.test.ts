import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SetItem } from '../../src/rules/ast.ts';
import { compareIp, ipFromRequest, maskIp, parseIp, type IpAddress } from '../../src/rules/ip.ts';
import { IntMatcher, IpMatcher, rangeToCidrs } from '../../src/rules/matchers.ts';

const ip = (text: string): IpAddress => {
  const parsed = parseIp(text);
  assert.ok(parsed, text);
  return parsed;
};

describe('IP addresses', () => {
  const canonical: [string, string][] = [
    ['192.0.2.1', '192.0.2.1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1::', '1::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
  ];
  for (const [text, key] of canonical) {
    test(`${text} is written ${key}`, () => assert.equal(ip(text).key, key));
  }
  for (const text of [
    '1.2.3',
    '01.2.3.4',
    '1.2.3.4.5',
    '256.0.0.1',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    'g::1',
    '',
  ]) {
    test(`${JSON.stringify(text)} is not an address`, () => assert.equal(parseIp(text), undefined));
  }
  test('request data: IPv4-mapped becomes IPv4, zones are dropped', () => {
    assert.equal(ipFromRequest('::ffff:192.0.2.1')?.key, '192.0.2.1');
    assert.equal(ipFromRequest('fe80::1%eth0')?.key, 'fe80::1');
    assert.equal(ipFromRequest('192.0.2.1')?.v4, 0xc0000201);
  });
});

describe('set matchers', () => {
  test('integer singles and merged ranges', () => {
    const m = new IntMatcher([
      { kind: 'int', value: 7 },
      { kind: 'intRange', from: 10, to: 20 },
      { kind: 'intRange', from: 15, to: 30 },
      { kind: 'intRange', from: 31, to: 31 },
      { kind: 'intRange', from: -5, to: -1 },
    ]);
    const inside = [7, 10, 25, 30, 31, -5, -1];
    const outside = [6, 8, 9, 32, 0, -6, undefined];
    for (const v of inside) assert.equal(m.has(v), true, String(v));
    for (const v of outside) assert.equal(m.has(v), false, String(v));
  });

  test('ranges split into the fewest exact CIDR blocks', () => {
    const blocks = rangeToCidrs(ip('192.0.2.3'), ip('192.0.2.17')).map(([a, b]) => `${a.key}/${b}`);
    assert.deepEqual(blocks, ['192.0.2.3/32', '192.0.2.4/30', '192.0.2.8/29', '192.0.2.16/31']);
    assert.deepEqual(
      rangeToCidrs(ip('::'), ip('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).map(
        ([a, b]) => `${a.key}/${b}`,
      ),
      ['::/0'],
    );
  });

  test('IP sets agree with a plain scan on random addresses', () => {
    const items: SetItem[] = [
      { kind: 'cidr', value: maskIp(ip('10.0.0.0'), 8), bits: 8 },
      { kind: 'cidr', value: maskIp(ip('2001:db8::'), 32), bits: 32 },
      { kind: 'cidr', value: maskIp(ip('2001:db8:1::'), 48), bits: 48 },
      { kind: 'ip', value: ip('192.0.2.1') },
      { kind: 'ip', value: ip('::1') },
      { kind: 'ipRange', from: ip('198.51.100.3'), to: ip('198.51.100.7') },
      { kind: 'ipRange', from: ip('fe80::5'), to: ip('fe80::1:0') },
      { kind: 'cidr', value: maskIp(ip('0.0.0.0'), 0), bits: 0 },
    ];
    const scan = (a: IpAddress, set: readonly SetItem[]) =>
      set.some((item) => {
        if (item.kind === 'ip') return item.value.key === a.key;
        if (item.kind === 'cidr')
          return a.family === item.value.family && maskIp(a, item.bits).key === item.value.key;
        if (item.kind === 'ipRange') {
          return (
            a.family === item.from.family &&
            compareIp(a, item.from) >= 0 &&
            compareIp(a, item.to) <= 0
          );
        }
        return false;
      });
    const v4 = fc
      .tuple(fc.constantFrom(10, 192, 198, 11), fc.nat(255), fc.nat(255), fc.nat(255))
      .map((b) => b.join('.'));
    const v6 = fc
      .tuple(
        fc.constantFrom('2001:db8', '2001:db8:1', 'fe80:0:0', '::', '2001:db9'),
        fc.nat(0xffff),
        fc.nat(0xffff),
      )
      .map(([head, a, b]) =>
        head === '::' ? `::${a.toString(16)}` : `${head}::${a.toString(16)}:${b.toString(16)}`,
      );
    for (const subset of [items, items.slice(0, 7), items.slice(3, 6), []]) {
      const m = new IpMatcher(subset);
      fc.assert(
        fc.property(fc.oneof(v4, v6), (text) => {
          const a = ip(text);
          assert.equal(m.has(a), scan(a, subset), text);
        }),
        { numRuns: 2000 },
      );
    }
  });
});
