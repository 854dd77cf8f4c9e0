// Random names, printed by OpenSSL and by the library: the DN fields must match byte for byte
// whatever the string types, characters, escapes and multi-valued RDNs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bmpString, encode, integer, oid, sequence, setOf } from '../../src/pki/der.ts';
import {
  ATTRIBUTE_SHORT_NAMES,
  formatLegacy,
  formatRfc2253,
  readName,
} from '../../src/pki/index.ts';
import { OpensslDir, pemToDer } from './openssl.ts';

const dir = new OpensslDir();
let spki: Uint8Array;

before(() => {
  dir.run(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-days',
      '1',
      '-subj',
      '/CN=x',
    ]),
  );
  dir.run(['x509', '-in', 'c.pem', '-noout', '-pubkey', '-out', 'pub.pem']);
  spki = pemToDer(dir.text('pub.pem'));
});
after(() => dir.remove());

// A small deterministic generator (mulberry32), so that a failure can be replayed.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OIDS = [
  '2.5.4.3',
  '2.5.4.10',
  '2.5.4.11',
  '2.5.4.6',
  '2.5.4.7',
  '2.5.4.8',
  '2.5.4.9',
  '2.5.4.5',
  '2.5.4.12',
  '2.5.4.42',
  '2.5.4.4',
  '2.5.4.97',
  '2.5.4.65',
  '0.9.2342.19200300.100.1.25',
  '0.9.2342.19200300.100.1.1',
  '1.2.840.113549.1.9.1',
  '1.3.6.1.4.1.311.60.2.1.3',
  '1.2.3.4.5',
  '2.5.4.999',
];
const ASCII = [
  ' ',
  '#',
  ',',
  '+',
  '"',
  '\\',
  '<',
  '>',
  ';',
  '=',
  '/',
  'a',
  'Z',
  '0',
  '-',
  '.',
  "'",
  '*',
];
const CONTROL = ['\u0001', '\u001f', '\u007f', '\t'];
const LATIN1 = ['é', 'ÿ', '\u00a0', 'ß'];
const WIDE = ['✓', '漢', 'Ω', '€'];
const ASTRAL = ['😀', '𝄞'];
const PRINTABLE = "ABCxyz019 '()+,-./:=?".split('');

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function randomValue(rnd: () => number): Uint8Array {
  const length = Math.floor(rnd() * 7);
  const kind = pick(rnd, ['utf8', 'printable', 'ia5', 't61', 'bmp', 'universal'] as const);
  const chars = (pools: string[][]) =>
    Array.from({ length }, () => pick(rnd, pick(rnd, pools))).join('');
  switch (kind) {
    case 'utf8':
      return encode(0x0c, Buffer.from(chars([ASCII, CONTROL, LATIN1, WIDE, ASTRAL]), 'utf8'));
    case 'printable':
      return encode(0x13, Buffer.from(chars([PRINTABLE]), 'latin1'));
    case 'ia5':
      return encode(0x16, Buffer.from(chars([ASCII, CONTROL]), 'latin1'));
    case 't61':
      return encode(0x14, Buffer.from(chars([ASCII, LATIN1]), 'latin1'));
    case 'bmp':
      return bmpString(chars([ASCII, LATIN1, WIDE]));
    case 'universal': {
      const points = [...chars([ASCII, LATIN1, WIDE, ASTRAL])].map((c) => c.codePointAt(0) ?? 0);
      const bytes = Buffer.alloc(points.length * 4);
      points.forEach((p, i) => bytes.writeUInt32BE(p, i * 4));
      return encode(0x1c, bytes);
    }
  }
}

function randomName(rnd: () => number): Uint8Array {
  const rdns = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => {
    const members = Array.from({ length: rnd() < 0.7 ? 1 : 2 + Math.floor(rnd() * 2) }, () =>
      sequence(oid(pick(rnd, OIDS)), randomValue(rnd)),
    );
    return setOf(...members);
  });
  return sequence(...rdns);
}

// OpenSSL refuses VisibleString in names (it is no DirectoryString), so it is left out.
// An unsigned certificate is enough: `openssl x509 -subject` prints names without verifying.
function certificateWith(subject: Uint8Array, issuer: Uint8Array): Uint8Array {
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const utc = (text: string) => encode(0x17, Buffer.from(text, 'latin1'));
  const tbs = sequence(
    encode(0xa0, integer(2)),
    integer(1),
    ecdsaSha256,
    issuer,
    sequence(utc('260101000000Z'), utc('270101000000Z')),
    subject,
    spki,
  );
  return sequence(tbs, ecdsaSha256, encode(0x03, Uint8Array.of(0, 0)));
}

test('random names print exactly as openssl prints them, in RFC 2253 and legacy forms', () => {
  const rnd = random(20261203);
  for (let i = 0; i < 40; i++) {
    const subject = randomName(rnd);
    const issuer = randomName(rnd);
    dir.write('r.der', certificateWith(subject, issuer));
    const x = (...args: string[]) =>
      dir.run(['x509', '-inform', 'DER', '-in', 'r.der', '-noout', ...args]);
    const hex = Buffer.from(subject).toString('hex');
    assert.equal(
      `subject=${formatRfc2253(readName(subject))}\nissuer=${formatRfc2253(readName(issuer))}\n`,
      x('-subject', '-issuer', '-nameopt', 'RFC2253'),
      `RFC 2253 form of ${hex}`,
    );
    assert.equal(
      `subject=${formatLegacy(readName(subject))}\n`,
      x('-subject', '-nameopt', 'compat'),
      `legacy form of ${hex}`,
    );
  }
});

test('every attribute short name is the one openssl prints', () => {
  const oids = Object.keys(ATTRIBUTE_SHORT_NAMES);
  const name = sequence(
    ...oids.map((o) => setOf(sequence(oid(o), encode(0x0c, Buffer.from('v'))))),
  );
  dir.write('names.der', certificateWith(name, name));
  const x = (...args: string[]) =>
    dir.run(['x509', '-inform', 'DER', '-in', 'names.der', '-noout', '-subject', ...args]);
  assert.equal(`subject=${formatRfc2253(readName(name))}\n`, x('-nameopt', 'RFC2253'));
  assert.equal(`subject=${formatLegacy(readName(name))}\n`, x('-nameopt', 'compat'));
  assert.ok(oids.length > 60);
});
