import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_ERRORS } from '../../src/api/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

test('docs/errors.md has one section per catalogue entry, with its code, title and status', () => {
  const sections = [...doc.matchAll(/^## (\d+) (.+)\n\nHTTP (\d+)\./gm)].map((m) => [
    Number(m[1]),
    m[2],
    Number(m[3]),
  ]);
  const catalogue = Object.values(API_ERRORS)
    .map((e) => [e.code, e.title, e.status])
    .sort((a, b) => (a[0] as number) - (b[0] as number));
  assert.deepEqual(sections, catalogue);
});

test('error codes are unique and in Cloudflare style', () => {
  const codes = Object.values(API_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.ok(code >= 1000, `${code} is below 1000`);
});
