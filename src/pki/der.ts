/**
 * A minimal DER reader and writer (ITU-T X.690 §8 and §10). The certificate reader runs once
 * per TLS connection and must see the exact bytes of every name attribute (its string tag
 * decides how OpenSSL prints it), so it walks the DER itself instead of decoding into objects;
 * the PKCS#12 writer needs only a handful of constructions.
 */

/** One decoded tag-length-value element; `content` is a view, not a copy. */
export interface DerElement {
  /** The identifier octet (class, constructed bit and tag number below 31). */
  readonly tag: number;
  /** The content octets. */
  readonly content: Uint8Array;
  /** The whole encoding, identifier and length included. */
  readonly encoded: Uint8Array;
}

/** Universal tags used by the PKI modules. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Thrown by the reader; callers turn it into a catalogued error with context. */
export class DerError extends Error {}

/** Reads one element at `offset` of `bytes`. */
export function readElement(bytes: Uint8Array, offset = 0): DerElement {
  const tag = bytes[offset];
  if (tag === undefined) throw new DerError('unexpected end of data');
  // High tag numbers (X.690 §8.1.2.4) never occur in the structures read here.
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');

  let pos = offset + 1;
  const first = bytes[pos++];
  if (first === undefined) throw new DerError('unexpected end of data');
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    // DER forbids the indefinite form (X.690 §10.1); four length octets cover any certificate.
    if (count === 0 || count > 4) throw new DerError('unsupported length encoding');
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[pos++];
      if (b === undefined) throw new DerError('unexpected end of data');
      length = length * 256 + b;
    }
  }
  if (pos + length > bytes.length) throw new DerError('length runs past the end of data');
  return {
    tag,
    content: bytes.subarray(pos, pos + length),
    encoded: bytes.subarray(offset, pos + length),
  };
}

/** Reads every element inside a constructed element's content. */
export function readChildren(content: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const child = readElement(content, offset);
    children.push(child);
    offset += child.encoded.length;
  }
  return children;
}

/** Reads exactly one element that must span all of `bytes` and carry `tag`. */
export function readTop(bytes: Uint8Array, tag: number): DerElement {
  const el = readElement(bytes, 0);
  if (el.encoded.length !== bytes.length) throw new DerError('trailing data after the element');
  expectTag(el, tag);
  return el;
}

/** Throws unless `el` carries `tag`. */
export function expectTag(el: DerElement | undefined, tag: number): DerElement {
  if (el === undefined) throw new DerError('missing element');
  if (el.tag !== tag) {
    throw new DerError(`expected tag 0x${hex2(tag)}, found 0x${hex2(el.tag)}`);
  }
  return el;
}

/** Decodes an OBJECT IDENTIFIER's content to dotted form (X.690 §8.19). */
export function decodeOid(content: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const b of content) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------
// Writer

/** Encodes one element from its tag and content octets. */
export function encode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const length = contents.reduce((n, c) => n + c.length, 0);
  const header = [tag, ...encodeLength(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let pos = header.length;
  for (const c of contents) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** SEQUENCE of already encoded elements. */
export const sequence = (...items: Uint8Array[]): Uint8Array => encode(Tag.SEQUENCE, ...items);

/** SET of already encoded elements, sorted as DER requires for SET OF (X.690 §11.6). */
export function setOf(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return encode(Tag.SET, ...sorted);
}

/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => encode(Tag.OCTET_STRING, bytes);

/** NULL. */
export const nullValue = (): Uint8Array => encode(Tag.NULL);

/** BMPString of a JavaScript string (UTF-16BE, X.680 §41). */
export function bmpString(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return encode(Tag.BMP_STRING, bytes);
}

/** Context-specific constructed tag `[n]`, explicit. */
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array =>
  encode(0xa0 | n, ...items);

/** Context-specific primitive tag `[n]`, implicit over octets. */
export const implicitPrimitive = (n: number, content: Uint8Array): Uint8Array =>
  encode(0x80 | n, content);

/** INTEGER from a non-negative safe integer or big-endian magnitude (X.690 §8.3). */
export function integer(value: number | bigint | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    bytes = value;
  } else {
    let n = BigInt(value);
    if (n < 0n) throw new RangeError('negative integers are not written by this encoder');
    const list: number[] = [];
    do {
      list.unshift(Number(n & 0xffn));
      n >>= 8n;
    } while (n > 0n);
    bytes = Uint8Array.from(list);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  // A set top bit would read as negative: prefix a zero octet.
  if ((bytes[0] ?? 0) & 0x80) bytes = Uint8Array.from([0, ...bytes]);
  if (bytes.length === 0) bytes = Uint8Array.of(0);
  return encode(Tag.INTEGER, bytes);
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => BigInt(s));
  const [a = 0n, b = 0n, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk: number[] = [];
    let n = arc;
    do {
      chunk.unshift(Number(n & 0x7fn));
      n >>= 7n;
    } while (n > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] ?? 0) | 0x80;
    out.push(...chunk);
  }
  return encode(Tag.OID, Uint8Array.from(out));
}

/** Lexicographic byte comparison. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
