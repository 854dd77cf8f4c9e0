/**
 * IP addresses for the Rules language: parsing, canonical text, ordering and masks. An
 * address is 4 or 16 bytes; IPv4 and IPv6 are different families and never equal, except
 * that an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what Node reports on dual-stack
 * sockets) is read as the IPv4 address when it comes from request data.
 */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  /** Canonical text (RFC 5952 for IPv6); equal addresses have equal keys. */
  readonly key: string;
  /** For IPv4, the address as an unsigned 32-bit number (for range checks); else -1. */
  readonly v4: number;
}

const V4_PART = /^(0|[1-9][0-9]{0,2})$/;

function parseV4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!V4_PART.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseGroups(text: string, allowV4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    if (allowV4Tail && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseV4Bytes(group);
      if (!v4) return undefined;
      out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    out.push(parseInt(group, 16));
  }
  return out;
}

function parseV6Bytes(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '', false);
    const tail = parseGroups(halves[1] ?? '', true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Reads an IPv4 or IPv6 address written literally; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseV6Bytes(text);
    return bytes ? makeIp(6, Uint8Array.from(bytes)) : undefined;
  }
  return fastV4(text);
}

/**
 * Reads an address from request data: like {@link parseIp}, but an IPv4-mapped IPv6
 * address becomes IPv4 and an IPv6 zone (`%eth0`) is dropped.
 */
export function ipFromRequest(text: string): IpAddress | undefined {
  const v4 = fastV4(text);
  if (v4) return v4;
  const zone = text.indexOf('%');
  const ip = parseIp(zone === -1 ? text : text.slice(0, zone));
  if (ip && ip.family === 6 && isV4Mapped(ip.bytes)) return makeIp(4, ip.bytes.slice(12));
  return ip;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Builds an address from its bytes (4 or 16). */
export function makeIp(family: 4 | 6, bytes: Uint8Array, text?: string): IpAddress {
  if (family === 6) return { family, bytes, key: formatV6(bytes), v4: -1 };
  const v4 =
    (((bytes[0] ?? 0) << 24) |
      ((bytes[1] ?? 0) << 16) |
      ((bytes[2] ?? 0) << 8) |
      (bytes[3] ?? 0)) >>>
    0;
  return { family, bytes, key: text ?? bytes.join('.'), v4 };
}

/**
 * Reads a dotted IPv4 address without allocating intermediate strings: request data is
 * read on every request, so this is the hot path of every `ip.src` rule.
 */
function fastV4(text: string): IpAddress | undefined {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return undefined;
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return undefined; // no leading zeros
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || part !== 3) return undefined;
  bytes[3] = value;
  return makeIp(4, bytes, text);
}

function formatV6(bytes: Uint8Array): string {
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail.
  if (isV4Mapped(bytes)) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::", the first wins.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Orders two addresses of the same family byte by byte; IPv4 sorts before IPv6. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The address with every bit after the first `bits` cleared (a CIDR's network address). */
export function maskIp(ip: IpAddress, bits: number): IpAddress {
  const out = new Uint8Array(ip.bytes.length);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (ip.bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return makeIp(ip.family, out);
}

/** The number of bits of an address of the family. */
export function familyBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}
