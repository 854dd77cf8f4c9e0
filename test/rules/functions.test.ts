import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheme } from '../../src/rules/index.ts';
import { errorOf, evaluate } from './helpers.ts';

const scheme = new Scheme({
  s: 'Bytes',
  n: 'Int',
  ip: 'Ip',
  b: 'Bool',
  arr: 'Array<Bytes>',
  json: 'Bytes',
  enc: 'Bytes',
});
const opts = { scheme };
const values = {
  s: 'Hello.World',
  n: 1234,
  ip: '2001:db8:abcd:1234::1',
  b: true,
  arr: ['a', 'b', 'c'],
  json: '{"user":{"id":42,"name":"ann","tags":["x","y"]}}',
  enc: 'aGVsbG8=',
};

describe('functions', () => {
  const cases: [string, boolean][] = [
    ['lower(s) eq "hello.world"', true],
    ['upper(s) eq "HELLO.WORLD"', true],
    ['lower("ÀB") eq "Àb"', true],
    ['len(s) eq 11', true],
    ['len("é") eq 2', true],
    ['len(arr) eq 3', true],
    ['starts_with(s, "Hello")', true],
    ['ends_with(s, "world")', false],
    ['concat(s, "!", "?") eq "Hello.World!?"', true],
    ['concat(arr, arr)[5] eq "c"', true],
    ['substring(s, 6) eq "World"', true],
    ['substring(s, 0, 5) eq "Hello"', true],
    ['substring(s, -5) eq "World"', true],
    ['substring(s, 2, -6) eq "llo"', true],
    ['substring(s, 20) eq ""', true],
    ['url_decode("a%20b%2Bc+d") eq "a b+c d"', true],
    ['url_decode("%2541") eq "%41"', true],
    ['url_decode("%2541", "r") eq "A"', true],
    ['url_decode("%u0041", "u") eq "A"', true],
    ['decode_base64(enc) eq "hello"', true],
    ['lookup_json_string(json, "user", "name") eq "ann"', true],
    ['lookup_json_string(json, "user", "tags", 1) eq "y"', true],
    ['lookup_json_integer(json, "user", "id") eq 42', true],
    ['lookup_json_integer(json, "user", "name") eq 42', false],
    ['lookup_json_string(s, "a") ne "x"', false],
    ['remove_bytes(s, ".o") eq "HellWrld"', true],
    ['remove_bytes(s, "\\x2e\\x6c") eq "HeoWord"', true],
    ['cidr(ip, 24, 32) eq 2001:db8::', true],
    ['cidr6(ip, 48) eq 2001:db8:abcd::', true],
    ['to_string(n) eq "1234"', true],
    ['to_string(b) eq "true"', true],
    ['to_string(ip) eq "2001:db8:abcd:1234::1"', true],
    ['join(arr, "-") eq "a-b-c"', true],
    ['split(s, ".", 2)[1] eq "World"', true],
    ['split("a,b,c", ",", 2)[1] eq "b,c"', true],
    ['any(starts_with(arr[*], "b"))', true],
  ];
  for (const [text, expected] of cases) {
    test(`${text} is ${expected}`, () => assert.equal(evaluate(text, values, opts), expected));
  }
  test('cidr on an IPv4 address keeps the IPv4 prefix', () => {
    assert.equal(evaluate('cidr(ip, 24, 64) eq 192.0.2.0', { ip: '192.0.2.77' }, opts), true);
    assert.equal(evaluate('cidr6(ip, 64) eq 192.0.2.77', { ip: '192.0.2.77' }, opts), true);
  });
  test('malformed input gives a missing value, not an exception', () => {
    assert.equal(evaluate('decode_base64(s) eq ""', { s: '!!!' }, opts), false);
    assert.equal(evaluate('lookup_json_string(s, "a") eq ""', { s: '{bad' }, opts), false);
    assert.equal(evaluate('url_decode(s) eq "%zz"', { s: '%zz' }, opts), true);
  });
  test('functions propagate missing values', () => {
    assert.equal(evaluate('lower(s) ne "x"', {}, opts), false);
    assert.equal(evaluate('len(s) ge 0', {}, opts), false);
  });
});

describe('function errors', () => {
  const cases: [string, string][] = [
    ['nosuch(s) eq "x"', 'UnknownFunction'],
    ['lower() eq "x"', 'ArgumentCount'],
    ['lower(s, s) eq "x"', 'ArgumentCount'],
    ['substring(s) eq "x"', 'ArgumentCount'],
    ['lower(n) eq "x"', 'TypeMismatch'],
    ['concat(s, n) eq "x"', 'TypeMismatch'],
    ['any(arr)', 'TypeMismatch'],
    ['starts_with("abc", "a")', 'InvalidArgument'],
    ['remove_bytes(s, s) eq "x"', 'InvalidArgument'],
    ['url_decode(s, "x") eq "x"', 'InvalidArgument'],
    ['cidr(ip, 33, 64) eq 1.2.3.4', 'InvalidArgument'],
    ['cidr6(ip, 0) eq ::', 'InvalidArgument'],
    ['decode_base64("aGk=") eq "hi"', 'InvalidArgument'],
    ['split(s, "", 2)[0] eq "x"', 'InvalidArgument'],
    ['is_timed_hmac_valid_v0(s, s, 10, n)', 'InvalidArgument'],
    ['split(s, ",", 200)[0] eq "x"', 'InvalidArgument'],
    ['lower(s eq "x"', 'UnexpectedEnd'],
    ['lower(s; eq "x"', 'UnexpectedInput'],
  ];
  for (const [text, kind] of cases) {
    test(`${text} is ${kind}`, () => assert.equal(errorOf(text, opts).kind, kind));
  }
});
