/**
 * The small functions compiled expressions call at run time. Each takes a possibly missing
 * value (undefined) and answers without throwing whatever the edge supplies.
 */
import { compareIp, ipFromRequest, type IpAddress } from './ip.ts';
import type { Type } from './types.ts';
import { matchWildcard, type WildcardPattern } from './wildcard.ts';

/** The marker of a field not read yet in this evaluation. */
export const UNREAD: unique symbol = Symbol('unread');

/** An Ip value from the edge: an {@link IpAddress}, or text such as `"192.0.2.1"`. */
export function ip(value: unknown): IpAddress | undefined {
  if (typeof value === 'string') return ipFromRequest(value);
  if (value !== null && typeof value === 'object' && 'key' in value) return value as IpAddress;
  return undefined;
}

/** A Bytes value, or missing when the edge supplied something else. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An Int value, or missing when the edge supplied something else. */
export function int(value: unknown): number | undefined {
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}

/**
 * The run-time check of a value read from the edge against its declared type. The type
 * checker guarantees the expression is well typed; this guarantees that a wrongly typed
 * value from the edge becomes a missing value instead of an exception mid-rule.
 */
export const CHECKS: Readonly<Record<Type['kind'], ((v: unknown) => unknown) | undefined>> = {
  Bytes: str,
  Int: int,
  Ip: ip,
  // Every use of a Bool compares it with `=== true`, which already treats anything else as
  // false; a check would only cost time on the hottest fields (cert_verified, cert_revoked).
  Bool: undefined,
  Array: undefined,
  Map: undefined,
};

/** Applies {@link CHECKS} for the type. */
export function checked(type: Type, value: unknown): unknown {
  const check = CHECKS[type.kind];
  return check ? check(value) : value;
}

/** `map["key"]` on a plain object or a Map; missing when absent. */
export function key(target: unknown, k: string): unknown {
  if (target === null || typeof target !== 'object') return undefined;
  if (target instanceof Map) return target.get(k);
  return Object.hasOwn(target, k) ? (target as Record<string, unknown>)[k] : undefined;
}

/** `array[n]`; missing when out of range. */
export function at(target: unknown, n: number): unknown {
  return Array.isArray(target) ? target[n] : undefined;
}

/** The elements `[*]` visits: an array's items or a map's values. */
export function values(target: unknown): readonly unknown[] | undefined {
  if (Array.isArray(target)) return target;
  if (target instanceof Map) return [...target.values()];
  if (target !== null && typeof target === 'object') return Object.values(target);
  return undefined;
}

/** any(): some element makes the test true; false for a missing array. */
export function some(
  items: readonly unknown[] | undefined,
  test: (e: unknown) => boolean,
): boolean {
  if (items === undefined) return false;
  for (let i = 0; i < items.length; i++) if (test(items[i])) return true;
  return false;
}

/** all(): every element makes the test true; false for a missing array. */
export function every(
  items: readonly unknown[] | undefined,
  test: (e: unknown) => boolean,
): boolean {
  if (items === undefined) return false;
  for (let i = 0; i < items.length; i++) if (!test(items[i])) return false;
  return true;
}

/** `a & b != 0`, also beyond 32 bits. */
export function band(a: number | undefined, b: number): boolean {
  if (a === undefined) return false;
  if ((a | 0) === a && (b | 0) === b) return (a & b) !== 0;
  return (BigInt(a) & BigInt(b)) !== 0n;
}

/** Orders two addresses; NaN when either is missing or they are of different families. */
export function ipOrder(a: IpAddress | undefined, b: IpAddress): number {
  if (a === undefined || a.family !== b.family) return NaN;
  return compareIp(a, b);
}

/** `contains {…}`: the value contains one of the strings. */
export function containsAny(value: string | undefined, needles: readonly string[]): boolean {
  if (value === undefined) return false;
  for (const n of needles) if (value.includes(n)) return true;
  return false;
}

/** `wildcard` and `strict wildcard`. */
export function wildcard(p: WildcardPattern, value: string | undefined): boolean {
  return value !== undefined && matchWildcard(p, value);
}
