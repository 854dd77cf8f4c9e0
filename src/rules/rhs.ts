/**
 * The right-hand side of a comparison, read according to the operator and the type of the
 * left side: strings, byte strings, integers, addresses, regular expressions, wildcards,
 * inline sets `{…}` and named lists `$name`.
 */
import type { ComparisonOp, Rhs, SetItem } from './ast.ts';
import { binaryToText, textToBinary } from './bytes.ts';
import { compareIp, maskIp } from './ip.ts';
import type { Limits } from './limits.ts';
import { compileRegex, regexErrorMessage } from './regex.ts';
import type { Type } from './types.ts';
import { parseWildcard } from './wildcard.ts';
import { Cursor } from './lexer.ts';

/** A named list's items as a caller supplies them: strings (IPs, CIDRs, text) or numbers. */
export type ListItems = readonly (string | number)[];

/**
 * Where named lists (`$name`) come from: a function or a record from name to items. An Ip
 * list holds addresses, CIDRs and ranges (`"10.0.0.1-10.0.0.9"` or `..`); an Int list holds
 * numbers or `"a..b"` ranges; a Bytes list holds strings.
 */
export type ListResolver =
  ((name: string) => ListItems | undefined) | Readonly<Record<string, ListItems>>;

/** What reading a right-hand side needs besides the cursor. */
export interface RhsContext {
  readonly limits: Limits;
  readonly lists: ListResolver | undefined;
}

const SCALAR_OPS = new Set<ComparisonOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'bitwise_and']);

/** Reads the right-hand side of `op` for a left side of the (scalar) type. */
export function parseRhs(c: Cursor, op: ComparisonOp, type: Type, ctx: RhsContext): Rhs {
  c.skipSpace();
  const start = c.pos;
  const span = () => ({ start, end: c.pos });
  if (op === 'matches') {
    const pattern = c.regex();
    checkRegex(c, pattern, start, ctx.limits);
    return { kind: 'regex', pattern, span: span() };
  }
  if (op === 'wildcard' || op === 'strict wildcard') {
    if (!c.atString()) throw c.unexpected('a wildcard pattern in "…" or r"…"');
    const pattern = c.string();
    const parsed = parseWildcard(binaryToText(pattern), op === 'strict wildcard');
    if (typeof parsed === 'string') throw c.error('InvalidWildcard', parsed, start, c.pos);
    return { kind: 'wildcard', pattern, span: span() };
  }
  if (op === 'in' || (op === 'contains' && c.peek() === '{')) {
    if (c.peek() === '$' && op === 'in') return parseList(c, type, ctx);
    const items = parseSet(c, type, ctx.limits);
    return { kind: 'set', items, span: span() };
  }
  if (SCALAR_OPS.has(op) || op === 'contains') return parseScalar(c, type, start);
  throw c.unexpected('a value');
}

function parseScalar(c: Cursor, type: Type, start: number): Rhs {
  if (type.kind === 'Int') {
    if (!c.atInt()) throw c.unexpected('an integer');
    const value = c.int();
    return { kind: 'int', value, span: { start, end: c.pos } };
  }
  if (type.kind === 'Ip') {
    const { ip, bits } = c.ip();
    if (bits !== undefined) {
      throw c.error(
        'InvalidIp',
        'a CIDR is allowed only in a set: write ip.src in {…}',
        start,
        c.pos,
      );
    }
    return { kind: 'ip', value: ip, span: { start, end: c.pos } };
  }
  const value = readBytes(c);
  return { kind: 'bytes', value, span: { start, end: c.pos } };
}

function readBytes(c: Cursor): string {
  if (c.atString()) return c.string();
  if (c.atByteString()) return c.byteString();
  throw c.unexpected('a string');
}

function checkRegex(c: Cursor, pattern: string, start: number, limits: Limits): void {
  let size: number;
  try {
    size = compileRegex(pattern).programSize;
  } catch (err) {
    throw c.error(
      'InvalidRegex',
      `invalid regular expression: ${regexErrorMessage(err)}`,
      start,
      c.pos,
    );
  }
  if (size > limits.maxRegexProgramSize) {
    throw c.error(
      'RegexTooLarge',
      `regular expression compiles to ${size} instructions, over the limit of ${limits.maxRegexProgramSize}`,
      start,
      c.pos,
    );
  }
}

function parseSet(c: Cursor, type: Type, limits: Limits): SetItem[] {
  if (!c.eat('{')) throw c.unexpected('"{" or a named list "$name"');
  const items: SetItem[] = [];
  for (;;) {
    c.skipSpace();
    if (c.eat('}')) return items;
    if (c.atEnd()) throw c.unexpected('"}"');
    if (items.length >= limits.maxSetSize) {
      throw c.error(
        'SetTooLarge',
        `set has more than ${limits.maxSetSize} items`,
        c.pos,
        c.pos + 1,
      );
    }
    items.push(parseSetItem(c, type));
  }
}

/** Reads one set item of the type; used for inline sets and for named lists' items. */
function parseSetItem(c: Cursor, type: Type): SetItem {
  const start = c.pos;
  if (type.kind === 'Int') {
    if (!c.atInt()) throw c.unexpected('an integer or a range a..b');
    const from = c.int();
    if (!c.eat('..')) return { kind: 'int', value: from };
    if (!c.atInt()) throw c.unexpected('the end of the range');
    const to = c.int();
    if (to < from)
      throw c.error('InvalidRange', `range ${from}..${to} ends before it starts`, start, c.pos);
    return { kind: 'intRange', from, to };
  }
  if (type.kind === 'Ip') return parseIpItem(c, start);
  return { kind: 'bytes', value: readBytes(c) };
}

function parseIpItem(c: Cursor, start: number): SetItem {
  const first = c.ip();
  if (first.bits !== undefined) {
    // As wirefilter: a CIDR with host bits set is refused, it is most likely a typo.
    const network = maskIp(first.ip, first.bits);
    if (network.key !== first.ip.key) {
      const hint = `${network.key}/${first.bits}`;
      throw c.error(
        'InvalidIp',
        `host bits are set in a CIDR; did you mean ${hint}?`,
        start,
        c.pos,
      );
    }
    return { kind: 'cidr', value: network, bits: first.bits };
  }
  if (!c.eat('..')) return { kind: 'ip', value: first.ip };
  const last = c.ip();
  if (last.bits !== undefined || last.ip.family !== first.ip.family) {
    throw c.error('InvalidRange', 'a range joins two addresses of one family', start, c.pos);
  }
  if (compareIp(last.ip, first.ip) < 0) {
    throw c.error(
      'InvalidRange',
      `range ${first.ip.key}..${last.ip.key} ends before it starts`,
      start,
      c.pos,
    );
  }
  return { kind: 'ipRange', from: first.ip, to: last.ip };
}

function resolveList(lists: ListResolver | undefined, name: string): ListItems | undefined {
  if (!lists) return undefined;
  if (typeof lists === 'function') return lists(name);
  return Object.hasOwn(lists, name) ? lists[name] : undefined;
}

function parseList(c: Cursor, type: Type, ctx: RhsContext): Rhs {
  const start = c.pos;
  c.pos++;
  const name = c.identifier();
  const span = { start, end: c.pos };
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*$/.test(name)) {
    throw c.error(
      'UnexpectedInput',
      'a list name has lowercase letters, digits and _',
      start,
      c.pos,
    );
  }
  const raw = resolveList(ctx.lists, name);
  if (!raw) throw c.error('UnknownList', `unknown list $${name}`, start, c.pos);
  if (raw.length > ctx.limits.maxSetSize) {
    throw c.error(
      'SetTooLarge',
      `list $${name} has more than ${ctx.limits.maxSetSize} items`,
      start,
      c.pos,
    );
  }
  const items = raw.map((item, i) => listItem(c, type, item, `list $${name} item ${i + 1}`, span));
  return { kind: 'list', name, items, span };
}

/**
 * A list item as set syntax. Cloudflare's list API writes ranges with "-"
 * (`192.0.2.1-192.0.2.9`, `8000-8009`); expressions write them with "..".
 */
function listItemText(type: Type, item: string | number): string {
  const text = String(item).trim();
  if (type.kind === 'Ip') return text.replace('-', '..'); // no address contains "-"
  return text.replace(/^(-?\d+)-(-?\d+)$/, '$1..$2');
}

/** Reads a list item with the literal readers, so lists and sets accept the same forms. */
function listItem(
  c: Cursor,
  type: Type,
  item: string | number,
  where: string,
  span: { start: number; end: number },
): SetItem {
  if (type.kind === 'Bytes') {
    if (typeof item !== 'string')
      throw c.error('InvalidListItem', `${where}: expected a string`, span.start, span.end);
    return { kind: 'bytes', value: textToBinary(item) };
  }
  const ic = new Cursor(listItemText(type, item));
  try {
    const parsed = parseSetItem(ic, type);
    if (!ic.atEnd()) throw ic.unexpected('the end of the item');
    return parsed;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw c.error(
      'InvalidListItem',
      `${where} (${JSON.stringify(item)}): ${message}`,
      span.start,
      span.end,
    );
  }
}
