/**
 * Expressions from Cloudflare's documentation (Rules language operators, values, functions
 * and fields pages, the mTLS and token-authentication guides), with the outcome the
 * documentation gives for the values it describes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { checkExpression, Scheme, cloudflareScheme } from '../../src/rules/index.ts';
import { evaluate } from './helpers.ts';

const docsScheme = new Scheme({
  ...cloudflareScheme.toJSON(),
  'http.request.body.raw': 'Bytes',
  'http.request.body.form.values': 'Array<Bytes>',
  'tcp.dstport': 'Int',
});
const opts = { scheme: docsScheme };

describe('Cloudflare documentation examples evaluate as documented', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['http.host eq "www.example.org"', { 'http.host': 'www.example.org' }, true],
    ['lower(http.host) == "www.cloudflare.com"', { 'http.host': 'WWW.cloudflare.com' }, true],
    ['upper(http.host) eq "WWW.CLOUDFLARE.COM"', { 'http.host': 'www.cloudflare.com' }, true],
    ['len(http.host) eq 11', { 'http.host': 'example.com' }, true],
    [
      'remove_bytes(http.host, "\\x2e\\x77") eq "cloudflarecom"',
      { 'http.host': 'www.cloudflare.com' },
      true,
    ],
    [
      'starts_with(http.request.uri.path, "/blog")',
      { 'http.request.uri.path': '/blog/first-post' },
      true,
    ],
    [
      'ends_with(http.request.uri.path, ".html")',
      { 'http.request.uri.path': '/welcome.html' },
      true,
    ],
    [
      'substring(http.request.body.raw, 2, 5) eq "dfg"',
      { 'http.request.body.raw': 'asdfghjk' },
      true,
    ],
    ['substring(http.request.body.raw, -2) eq "jk"', { 'http.request.body.raw': 'asdfghjk' }, true],
    [
      'substring(http.request.body.raw, 0, -2) eq "asdfgh"',
      { 'http.request.body.raw': 'asdfghjk' },
      true,
    ],
    ['cidr(ip.src, 24, 24) eq 113.10.0.0', { 'ip.src': '113.10.0.2' }, true],
    [
      'cidr(ip.src, 24, 24) eq 2001::',
      { 'ip.src': '2001:0000:130F:0000:0000:09C0:876A:130B' },
      true,
    ],
    ['cidr6(ip.src, 24) eq 113.10.0.2', { 'ip.src': '113.10.0.2' }, true],
    [
      'lookup_json_integer(http.request.body.raw, "version") eq 2',
      { 'http.request.body.raw': '{ "record_id": "aed53a", "version": 2 }' },
      true,
    ],
    [
      'lookup_json_integer(http.request.body.raw, 1) eq -234',
      { 'http.request.body.raw': '["first_item", -234]' },
      true,
    ],
    [
      'lookup_json_integer(http.request.body.raw, 1, "product_id") eq 456',
      { 'http.request.body.raw': '[{ "product_id": 123 }, { "product_id": 456 }]' },
      true,
    ],
    [
      'lookup_json_string(http.request.body.raw, "network", "name") == "cloudflare"',
      { 'http.request.body.raw': '{ "network": { "name": "cloudflare" } }' },
      true,
    ],
    [
      'lookup_json_string(http.request.body.raw, "networks", 1) == "cloudflare"',
      { 'http.request.body.raw': '{ "networks": ["other_company", "cloudflare"] }' },
      true,
    ],
    [
      'url_decode(http.request.uri.query) eq "John Doe"',
      { 'http.request.uri.query': 'John+Doe' },
      true,
    ],
    ['url_decode(http.request.uri.query, "r") eq " "', { 'http.request.uri.query': '%2520' }, true],
    [
      'url_decode(http.request.uri.query, "u") eq "\\xe2\\x98\\x81"',
      { 'http.request.uri.query': '%u2601' },
      true,
    ],
    [
      'url_decode(http.request.uri.path) matches "(?u)\\p{Hangul}+"',
      { 'http.request.uri.path': '/%ED%95%9C' },
      true,
    ],
    [
      'any(url_decode(http.request.body.form.values[*])[*] contains "an xss attack")',
      { 'http.request.body.form.values': ['ok', 'an%20xss%20attack'] },
      true,
    ],
    [
      '(any(decode_base64(http.request.headers["client_id"][*])[*] eq "123abc"))',
      { 'http.request.headers': { client_id: ['MTIzYWJj'] } },
      true,
    ],
    [
      'all(http.request.headers["content-type"][*] == "application/json")',
      { 'http.request.headers': { 'content-type': ['application/json'] } },
      true,
    ],
    [
      'any(http.request.headers["content-type"][*] == "application/json")',
      { 'http.request.headers': { 'content-type': ['text/plain', 'application/json'] } },
      true,
    ],
    [
      'http.request.headers["content-type"][0] == "application/json"',
      { 'http.request.headers': {} },
      false,
    ],
    [
      'len(http.request.uri.args["filter"]) >= 0',
      { 'http.request.uri.args': { filter: [''] } },
      true,
    ],
    ['len(http.request.uri.args["filter"]) >= 0', { 'http.request.uri.args': {} }, false],
    [
      'split(http.request.headers["x-categories"][0], ",", 3)[2] eq "diy,auto"',
      { 'http.request.headers': { 'x-categories': ['groceries,electronics,diy,auto'] } },
      true,
    ],
    [
      'join(http.request.headers.names, ",") eq "Host,Accept"',
      { 'http.request.headers.names': ['Host', 'Accept'] },
      true,
    ],
    ['concat("String1", " ", "String", "2") eq "String1 String2"', {}, true],
    ['ip.src in {203.0.113.0/24 2001:db8::/32}', { 'ip.src': '2001:db8::5' }, true],
    ['tcp.dstport in {8000..8009 8080..8089}', { 'tcp.dstport': 8085 }, true],
    [
      'http.request.full_uri wildcard "http*://example.com/*/*"',
      { 'http.request.full_uri': 'https://EXAMPLE.com/a/b' },
      true,
    ],
    [
      'http.request.full_uri strict wildcard "http*://example.com/*/*"',
      { 'http.request.full_uri': 'https://EXAMPLE.com/a/b' },
      false,
    ],
    ['http.request.uri.path wildcard "/admin/*"', { 'http.request.uri.path': '/admin' }, false],
    [
      'http.request.uri.path matches "^/articles/\\d+$"',
      { 'http.request.uri.path': '/articles/42' },
      true,
    ],
    [
      'http.request.uri.path matches r"^/articles/\\d+$"',
      { 'http.request.uri.path': '/articles/42' },
      true,
    ],
    [
      'http.request.uri.path matches r#"^/"quoted"$"#',
      { 'http.request.uri.path': '/"quoted"' },
      true,
    ],
    ['http.request.uri.path matches "^/a\\\\d$"', { 'http.request.uri.path': '/a\\d' }, true],
    ['http.request.uri.path matches "a\\"b"', { 'http.request.uri.path': 'xa"b' }, true],
    ['http.request.uri.path matches "[\\"]"', { 'http.request.uri.path': '"' }, true],
    ['http.request.uri.path matches "["]"', { 'http.request.uri.path': '"' }, true],
    [
      'http.request.uri.path matches r"/api/login\\.aspx$"',
      { 'http.request.uri.path': '/api/loginXaspx' },
      false,
    ],
    [
      'any(lower(http.request.headers.names[*])[*] == "content-type")',
      { 'http.request.headers.names': ['Content-Type'] },
      true,
    ],
    [
      'all(len(http.request.uri.args["filter"][*])[*] in {3 4})',
      { 'http.request.uri.args': { filter: ['waf', 'botm', 'cdn'] } },
      true,
    ],
    [
      'all(not len(http.request.uri.args["filter"][*])[*] in {3 4})',
      { 'http.request.uri.args': { filter: ['waf', 'botm', 'cdn'] } },
      false,
    ],
    [
      'len(http.request.uri.args["filter"][1]) eq 4',
      { 'http.request.uri.args': { filter: ['waf', 'botm', 'cdn'] } },
      true,
    ],
    [
      'not len(http.request.uri.args["order"]) >= 0',
      { 'http.request.uri.args': { filter: ['waf'] } },
      true,
    ],
    [
      'ip.src in {198.51.100.1 198.51.100.3..198.51.100.7 192.0.2.0/24 2001:0db8::/32}',
      { 'ip.src': '198.51.100.5' },
      true,
    ],
    ['not ssl', { ssl: false }, true],
    ['true', {}, true],
  ];
  for (const [text, values, expected] of cases) {
    test(`${text} is ${expected}`, () => assert.equal(evaluate(text, values, opts), expected));
  }
});

describe('mTLS rules from the Cloudflare guides', () => {
  const unverified = {
    'http.host': 'api.example.com',
    'cf.tls_client_auth.cert_verified': false,
    'cf.tls_client_auth.cert_revoked': false,
  };
  const revoked = {
    ...unverified,
    'cf.tls_client_auth.cert_verified': true,
    'cf.tls_client_auth.cert_revoked': true,
  };
  const cases: [string, Record<string, unknown>, boolean][] = [
    [
      '(http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified)',
      unverified,
      true,
    ],
    ['(http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified)', revoked, false],
    [
      'http.host in {"api.example.com"} and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked)',
      revoked,
      true,
    ],
    ['cf.tls_client_auth.cert_revoked', revoked, true],
    [
      'not (cf.tls_client_auth.cert_verified and cf.tls_client_auth.cert_issuer_ski eq "A5AC554235DBA6D963B9CDE0185CFAD6E3F55E9F")',
      {
        'cf.tls_client_auth.cert_verified': true,
        'cf.tls_client_auth.cert_issuer_ski': 'A5AC554235DBA6D963B9CDE0185CFAD6E3F55E9F',
      },
      false,
    ],
    [
      'cf.tls_client_auth.cert_verified and not cf.tls_client_auth.cert_revoked and not cf.tls_client_auth.cert_rfc9440_too_large',
      { 'cf.tls_client_auth.cert_verified': true },
      true,
    ],
    [
      'cf.tls_client_auth.cert_verified and cf.tls_client_auth.cert_chain_rfc9440 ne ""',
      { 'cf.tls_client_auth.cert_verified': true, 'cf.tls_client_auth.cert_chain_rfc9440': '' },
      false,
    ],
  ];
  for (const [text, values, expected] of cases) {
    test(`${text.slice(0, 70)} is ${expected}`, () =>
      assert.equal(evaluate(text, values), expected));
  }

  test('the error example of the validate-expr documentation', () => {
    const result = checkExpression('ip.src==34');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.kind, 'InvalidIp');
      assert.equal(result.error.column, 9);
      assert.equal(result.error.length, 2);
    }
  });
});

describe('is_timed_hmac_valid_v0 (token authentication)', () => {
  const key = 'mysecretkey';
  const now = 1484063800;
  const mac = (message: string, ts: number) =>
    createHmac('sha256', key).update(`${message}${ts}`).digest('base64');
  const uri = (ts: number) =>
    `/download/cat.jpg?verify=${ts}-${encodeURIComponent(mac('/download/cat.jpg', ts))}`;
  const text =
    'is_timed_hmac_valid_v0("mysecretkey", http.request.uri, 100000, http.request.timestamp.sec, 8)';
  test('a fresh token is valid', () => {
    assert.equal(
      evaluate(text, { 'http.request.uri': uri(now - 60), 'http.request.timestamp.sec': now }),
      true,
    );
  });
  test('an expired token is not', () => {
    assert.equal(
      evaluate(text, { 'http.request.uri': uri(now - 200000), 'http.request.timestamp.sec': now }),
      false,
    );
  });
  test('a tampered message is not', () => {
    const tampered = uri(now).replace('cat', 'dog');
    assert.equal(
      evaluate(text, { 'http.request.uri': tampered, 'http.request.timestamp.sec': now }),
      false,
    );
  });
  test('the "s" flag takes URL-safe Base64 without padding', () => {
    const ts = now - 1;
    const safe = createHmac('sha256', key).update(`/x${ts}`).digest('base64url');
    const value = `/x?verify=${ts}-${safe}`;
    const s =
      'is_timed_hmac_valid_v0("mysecretkey", http.request.uri, 100, http.request.timestamp.sec, 8, "s")';
    assert.equal(
      evaluate(s, { 'http.request.uri': value, 'http.request.timestamp.sec': now }),
      true,
    );
  });
  test('the documented rule on downloads.example.com', () => {
    const rule = `http.host == "downloads.example.com" and not ${text}`;
    assert.equal(
      evaluate(rule, {
        'http.host': 'downloads.example.com',
        'http.request.uri': '/download/cat.jpg',
        'http.request.timestamp.sec': now,
      }),
      true,
    );
  });
});
