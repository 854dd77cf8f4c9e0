/**
 * Matchers built once when an expression is compiled, so that `in {…}` costs one lookup per
 * request: hash sets for strings and integers, sorted disjoint ranges searched by bisection
 * for integer ranges, and prefix tries (with a hash set for whole addresses) for IP sets.
 */
import type { SetItem } from './ast.ts';
import { binaryToText } from './bytes.ts';
import { familyBits, makeIp, type IpAddress } from './ip.ts';

/** Membership test of a compiled set. */
export interface Matcher<T> {
  has(value: T | undefined): boolean;
}

/** The set of strings of `bytes` items. */
export function bytesMatcher(items: readonly SetItem[]): Set<string> {
  const set = new Set<string>();
  for (const item of items) if (item.kind === 'bytes') set.add(binaryToText(item.value));
  return set;
}

/** Integers: a hash set for single values, bisection over merged ranges for the rest. */
export class IntMatcher implements Matcher<number> {
  readonly #singles = new Set<number>();
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];

  constructor(items: readonly SetItem[]) {
    const ranges: [number, number][] = [];
    for (const item of items) {
      if (item.kind === 'int') this.#singles.add(item.value);
      else if (item.kind === 'intRange') ranges.push([item.from, item.to]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (const [from, to] of ranges) {
      const last = this.#ends.length - 1;
      if (last >= 0 && from <= (this.#ends[last] ?? 0) + 1) {
        this.#ends[last] = Math.max(this.#ends[last] ?? 0, to);
      } else {
        this.#starts.push(from);
        this.#ends.push(to);
      }
    }
  }

  has(value: number | undefined): boolean {
    if (value === undefined) return false;
    if (this.#singles.has(value)) return true;
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#starts[mid] ?? 0) > value) hi = mid - 1;
      else if ((this.#ends[mid] ?? 0) < value) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

interface TrieNode {
  zero?: TrieNode;
  one?: TrieNode;
  /** A prefix ends here: every address below matches. */
  end?: boolean;
}

function toBigInt(ip: IpAddress): bigint {
  let n = 0n;
  for (const b of ip.bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function fromBigInt(family: 4 | 6, n: bigint): IpAddress {
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return makeIp(family, bytes);
}

/** Splits an inclusive address range into the fewest CIDR blocks that cover it exactly. */
export function rangeToCidrs(from: IpAddress, to: IpAddress): [IpAddress, number][] {
  const width = familyBits(from.family);
  const out: [IpAddress, number][] = [];
  let start = toBigInt(from);
  const end = toBigInt(to);
  while (start <= end) {
    let size = start === 0n ? 1n << BigInt(width) : start & -start;
    while (start + size - 1n > end) size >>= 1n;
    out.push([fromBigInt(from.family, start), width - (size.toString(2).length - 1)]);
    start += size;
  }
  return out;
}

/**
 * IP addresses, CIDRs and ranges. IPv4 entries become merged, sorted numeric ranges searched
 * by bisection (an IPv4 address is one 32-bit number, so this beats walking a trie). IPv6
 * entries go into a hash set (whole addresses) and a bit trie (prefixes).
 */
export class IpMatcher implements Matcher<IpAddress> {
  readonly #v4 = new IntMatcher([]);
  readonly #exact6 = new Set<string>();
  #trie6: TrieNode | undefined;

  constructor(items: readonly SetItem[]) {
    const v4: SetItem[] = [];
    for (const item of items) {
      if (item.kind !== 'ip' && item.kind !== 'cidr' && item.kind !== 'ipRange') continue;
      const ip = item.kind === 'ipRange' ? item.from : item.value;
      if (ip.family === 4) v4.push(v4Range(item));
      else if (item.kind === 'ip') this.#exact6.add(item.value.key);
      else if (item.kind === 'cidr') this.#add6(item.value, item.bits);
      else if (item.kind === 'ipRange') {
        for (const [from, bits] of rangeToCidrs(item.from, item.to)) this.#add6(from, bits);
      }
    }
    this.#v4 = new IntMatcher(v4);
  }

  #add6(ip: IpAddress, bits: number): void {
    if (bits === 128) {
      this.#exact6.add(ip.key);
      return;
    }
    let node = (this.#trie6 ??= {});
    for (let i = 0; i < bits && !node.end; i++) {
      const bit = ((ip.bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
      node = bit ? (node.one ??= {}) : (node.zero ??= {});
    }
    node.end = true;
  }

  has(ip: IpAddress | undefined): boolean {
    if (ip === undefined) return false;
    if (ip.family === 4) return this.#v4.has(ip.v4);
    if (this.#exact6.has(ip.key)) return true;
    let node = this.#trie6;
    for (let i = 0; node !== undefined; i++) {
      if (node.end) return true;
      if (i >= 128) return false;
      const bit = ((ip.bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1;
      node = bit ? node.one : node.zero;
    }
    return false;
  }
}

/** An IPv4 set item as an integer range. */
function v4Range(item: SetItem): SetItem {
  if (item.kind === 'ip') return { kind: 'int', value: item.value.v4 };
  if (item.kind === 'ipRange') return { kind: 'intRange', from: item.from.v4, to: item.to.v4 };
  if (item.kind === 'cidr') {
    const size = 2 ** (32 - item.bits);
    return { kind: 'intRange', from: item.value.v4, to: item.value.v4 + size - 1 };
  }
  throw new Error('v4Range: not an IP item');
}
