/**
 * The functions of the Rules language that apply to firewall rules: their signatures, which
 * the parser checks, and their implementations, which compiled expressions call. Every
 * implementation returns undefined (a missing value) when an input is missing, and never
 * throws on request data: malformed input gives a missing value, as Cloudflare documents.
 */
import { asciiLower, asciiUpper, byteLength, binaryToText, textToBinary } from './bytes.ts';
import { maskIp, type IpAddress } from './ip.ts';
import { ip } from './runtime.ts';
import { isTimedHmacValid } from './hmac.ts';
import { arrayOf, Types, type Type } from './types.ts';

type Kind = Type['kind'];

/** One parameter of a function. */
export interface Param {
  readonly name: string;
  /** The kinds accepted; 'Array' accepts any Array<T>. */
  readonly kinds: readonly Kind[];
  /** The argument must be a literal written in the expression (not a field). */
  readonly literal?: boolean;
  readonly optional?: boolean;
  /** The parameter repeats: every further argument takes it. */
  readonly variadic?: boolean;
  /** The argument must not be a literal (Cloudflare: "source cannot be a literal"). */
  readonly notLiteral?: boolean;
  /** For an Array parameter: the element kind required. */
  readonly element?: Kind;
}

/** A function's definition. */
export interface FunctionDefinition {
  readonly name: string;
  readonly params: readonly Param[];
  /** The result type, given the argument types (element types for a mapped first argument). */
  readonly returns: (args: readonly Type[]) => Type;
  /** any() and all() take the array a `[*]` argument produces instead of mapping over it. */
  readonly reducesArray?: boolean;
  /** Checks literal argument values; returns an error message or undefined. */
  readonly validate?: (literals: readonly unknown[]) => string | undefined;
  readonly impl: (...args: never[]) => unknown;
}

type Str = string | undefined;
type Num = number | undefined;

const bytesParam = (name: string, extra: Partial<Param> = {}): Param => ({
  name,
  kinds: ['Bytes'],
  ...extra,
});

function first(args: readonly Type[]): Type {
  return args[0] ?? Types.Bytes;
}

function substringImpl(value: Str, start: Num, end?: Num): Str {
  if (value === undefined || start === undefined) return undefined;
  const ascii = value.length === byteLength(value);
  const bytes = ascii ? value : textToBinary(value);
  const size = bytes.length;
  const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size);
  const to = end === undefined ? size : end < 0 ? Math.max(0, size + end) : Math.min(end, size);
  if (to <= from) return '';
  const slice = bytes.slice(from, to);
  return ascii ? slice : binaryToText(slice);
}

function urlDecodeOnce(value: string, unicode: boolean): string {
  // One pass, so that a "+" produced by "%2B" stays a "+".
  const pattern = /%([0-9a-fA-F]{2})|%u([0-9a-fA-F]{4})|\+/g;
  const binary = textToBinary(value).replace(pattern, (m, hex?: string, u?: string) => {
    if (m === '+') return ' ';
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    if (!unicode || u === undefined) return m;
    return textToBinary(String.fromCharCode(parseInt(u, 16)));
  });
  return binaryToText(binary);
}

function urlDecodeImpl(value: Str, options?: Str): Str {
  if (value === undefined) return undefined;
  const recursive = options?.includes('r') ?? false;
  const unicode = options?.includes('u') ?? false;
  let current = urlDecodeOnce(value, unicode);
  // Recursion stops when nothing changes; each pass shortens the text, so it terminates.
  while (recursive && current.includes('%')) {
    const next = urlDecodeOnce(current, unicode);
    if (next === current) break;
    current = next;
  }
  return current;
}

function decodeBase64Impl(value: Str): Str {
  if (value === undefined) return undefined;
  const clean = value.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) && !/^[A-Za-z0-9_-]*={0,2}$/.test(clean)) {
    return undefined;
  }
  return binaryToText(Buffer.from(clean, 'base64').toString('latin1'));
}

function lookupJson(value: Str, keys: readonly (string | number)[]): unknown {
  if (value === undefined) return undefined;
  let node: unknown;
  try {
    node = JSON.parse(value);
  } catch {
    return undefined;
  }
  for (const key of keys) {
    if (typeof key === 'number') {
      node = Array.isArray(node) ? node[key] : undefined;
    } else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    } else {
      return undefined;
    }
  }
  return node;
}

function removeBytesImpl(value: Str, remove: Str): Str {
  if (value === undefined || remove === undefined) return undefined;
  const drop = new Set(remove);
  let out = '';
  for (const c of value) if (!drop.has(c)) out += c;
  return out;
}

function toIp(value: unknown): IpAddress | undefined {
  return ip(value);
}

function concatImpl(...values: unknown[]): unknown {
  if (values.every((v) => typeof v === 'string')) return values.join('');
  if (values.every((v) => Array.isArray(v))) return (values as unknown[][]).flat(1);
  return undefined;
}

function splitImpl(value: Str, sep: Str, limit: Num): unknown {
  if (value === undefined || sep === undefined || limit === undefined) return undefined;
  const parts = sep === '' ? [...value] : value.split(sep);
  if (parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
}

const FUNCTION_LIST: FunctionDefinition[] = [
  {
    name: 'any',
    params: [{ name: 'values', kinds: ['Array'], element: 'Bool' }],
    returns: () => Types.Bool,
    reducesArray: true,
    impl: (values: unknown) => Array.isArray(values) && values.some((v) => v === true),
  },
  {
    name: 'all',
    params: [{ name: 'values', kinds: ['Array'], element: 'Bool' }],
    returns: () => Types.Bool,
    reducesArray: true,
    impl: (values: unknown) => Array.isArray(values) && values.every((v) => v === true),
  },
  {
    name: 'concat',
    params: [
      { name: 'value', kinds: ['Bytes', 'Array'] },
      { name: 'more', kinds: ['Bytes', 'Array'], variadic: true },
    ],
    returns: first,
    impl: concatImpl,
  },
  {
    name: 'len',
    params: [{ name: 'value', kinds: ['Bytes', 'Array'] }],
    returns: () => Types.Int,
    impl: (v: unknown) =>
      typeof v === 'string' ? byteLength(v) : Array.isArray(v) ? v.length : undefined,
  },
  {
    name: 'lower',
    params: [bytesParam('value')],
    returns: () => Types.Bytes,
    impl: (v: Str) => (v === undefined ? undefined : asciiLower(v)),
  },
  {
    name: 'upper',
    params: [bytesParam('value')],
    returns: () => Types.Bytes,
    impl: (v: Str) => (v === undefined ? undefined : asciiUpper(v)),
  },
  {
    name: 'starts_with',
    params: [bytesParam('source', { notLiteral: true }), bytesParam('prefix')],
    returns: () => Types.Bool,
    impl: (v: Str, p: Str) => (v === undefined || p === undefined ? undefined : v.startsWith(p)),
  },
  {
    name: 'ends_with',
    params: [bytesParam('source', { notLiteral: true }), bytesParam('suffix')],
    returns: () => Types.Bool,
    impl: (v: Str, s: Str) => (v === undefined || s === undefined ? undefined : v.endsWith(s)),
  },
  {
    name: 'substring',
    params: [
      bytesParam('value'),
      { name: 'start', kinds: ['Int'] },
      { name: 'end', kinds: ['Int'], optional: true },
    ],
    returns: () => Types.Bytes,
    impl: substringImpl,
  },
  {
    name: 'url_decode',
    params: [bytesParam('value'), bytesParam('options', { literal: true, optional: true })],
    returns: () => Types.Bytes,
    validate: ([, options]) =>
      options === undefined || /^[ru]*$/.test(options as string)
        ? undefined
        : 'url_decode options may only contain "r" and "u"',
    impl: urlDecodeImpl,
  },
  {
    name: 'decode_base64',
    params: [bytesParam('value', { notLiteral: true })],
    returns: () => Types.Bytes,
    impl: decodeBase64Impl,
  },
  {
    name: 'lookup_json_string',
    params: [
      bytesParam('json'),
      { name: 'key', kinds: ['Bytes', 'Int'], literal: true },
      { name: 'keys', kinds: ['Bytes', 'Int'], literal: true, variadic: true },
    ],
    returns: () => Types.Bytes,
    impl: (json: Str, ...keys: (string | number)[]) => {
      const v = lookupJson(json, keys);
      return typeof v === 'string' ? v : undefined;
    },
  },
  {
    name: 'lookup_json_integer',
    params: [
      bytesParam('json'),
      { name: 'key', kinds: ['Bytes', 'Int'], literal: true },
      { name: 'keys', kinds: ['Bytes', 'Int'], literal: true, variadic: true },
    ],
    returns: () => Types.Int,
    impl: (json: Str, ...keys: (string | number)[]) => {
      const v = lookupJson(json, keys);
      return Number.isSafeInteger(v) ? v : undefined;
    },
  },
  {
    name: 'remove_bytes',
    params: [bytesParam('value'), bytesParam('bytes', { literal: true })],
    returns: () => Types.Bytes,
    impl: removeBytesImpl,
  },
  {
    name: 'cidr',
    params: [
      { name: 'address', kinds: ['Ip'] },
      { name: 'ipv4_bits', kinds: ['Int'], literal: true },
      { name: 'ipv6_bits', kinds: ['Int'], literal: true },
    ],
    returns: () => Types.Ip,
    validate: ([, v4, v6]) =>
      inRange(v4, 1, 32) && inRange(v6, 1, 128)
        ? undefined
        : 'cidr takes 1-32 bits for IPv4 and 1-128 bits for IPv6',
    impl: (ip: unknown, v4: number, v6: number) => {
      const a = toIp(ip);
      return a && maskIp(a, a.family === 4 ? v4 : v6);
    },
  },
  {
    name: 'cidr6',
    params: [
      { name: 'address', kinds: ['Ip'] },
      { name: 'ipv6_bits', kinds: ['Int'], literal: true },
    ],
    returns: () => Types.Ip,
    validate: ([, v6]) => (inRange(v6, 1, 128) ? undefined : 'cidr6 takes 1-128 bits'),
    impl: (ip: unknown, v6: number) => {
      const a = toIp(ip);
      return a && (a.family === 4 ? a : maskIp(a, v6));
    },
  },
  {
    name: 'to_string',
    params: [{ name: 'value', kinds: ['Int', 'Bool', 'Ip'] }],
    returns: () => Types.Bytes,
    impl: (v: unknown) =>
      typeof v === 'number' || typeof v === 'boolean' ? String(v) : toIp(v)?.key,
  },
  {
    name: 'join',
    params: [{ name: 'values', kinds: ['Array'], element: 'Bytes' }, bytesParam('separator')],
    returns: () => Types.Bytes,
    impl: (values: unknown, sep: Str) =>
      !Array.isArray(values) || sep === undefined
        ? undefined
        : values.filter((v): v is string => typeof v === 'string').join(sep),
  },
  {
    name: 'split',
    params: [
      bytesParam('value'),
      bytesParam('separator', { literal: true }),
      { name: 'limit', kinds: ['Int'], literal: true },
    ],
    returns: () => arrayOf(Types.Bytes),
    validate: ([, sep, limit]) =>
      sep === ''
        ? 'split separator must not be empty'
        : inRange(limit, 1, 128)
          ? undefined
          : 'split limit must be 1-128',
    impl: splitImpl,
  },
  {
    name: 'is_timed_hmac_valid_v0',
    params: [
      bytesParam('key', { literal: true }),
      bytesParam('message_mac'),
      { name: 'ttl', kinds: ['Int'], literal: true },
      { name: 'current_timestamp', kinds: ['Int'] },
      { name: 'separator_length', kinds: ['Int'], literal: true, optional: true },
      bytesParam('flags', { literal: true, optional: true }),
    ],
    returns: () => Types.Bool,
    validate: ([, , ttl, , sep, flags]) =>
      !inRange(ttl, 0, Number.MAX_SAFE_INTEGER)
        ? 'is_timed_hmac_valid_v0 ttl must not be negative'
        : sep !== undefined && !inRange(sep, 0, 1024)
          ? 'is_timed_hmac_valid_v0 separator length must be 0-1024'
          : flags !== undefined && flags !== 's' && flags !== ''
            ? 'is_timed_hmac_valid_v0 flags may only be "s"'
            : undefined,
    impl: isTimedHmacValid,
  },
];

function inRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}

/** Every function, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDefinition> = new Map(
  FUNCTION_LIST.map((f) => [f.name, f]),
);
