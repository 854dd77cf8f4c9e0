/**
 * The Expression Builder's model: an expression as rows of field, operator and value, all
 * joined by one `and` or one `or`. The builder has no nesting and no functions other than
 * starts_with/ends_with; anything else needs the Expression Editor, and {@link toBuilderRows}
 * says why.
 */
import type { Node, Rhs, SetItem } from './ast.ts';
import { binaryToText, isUtf8, textToBinary } from './bytes.ts';
import { parseExpression, type Expression, type ParseOptions } from './expression.ts';
import { quoteBytes, rawString } from './formatter.ts';
import { cloudflareScheme } from './cloudflare-scheme.ts';
import type { Type } from './types.ts';

/** The operators of the builder's dropdown. */
export type BuilderOperator =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'contains'
  | 'not_contains'
  | 'matches'
  | 'not_matches'
  | 'wildcard'
  | 'strict_wildcard'
  | 'in'
  | 'not_in'
  | 'starts_with'
  | 'not_starts_with'
  | 'ends_with'
  | 'not_ends_with';

/**
 * One row. `value` is text for Bytes fields (unescaped, as typed), a number for Int, an
 * address for Ip, `true`/`false` for a Bool field with `eq`, a list of items for `in`
 * (`"10.0.0.0/8"`, `"1..5"`, `"a"`), or `"$name"` for a named list.
 */
export interface BuilderRow {
  field: string;
  operator: BuilderOperator;
  value: string | number | boolean | (string | number)[];
}

/**
 * The operators the builder offers for a field of each type, in dropdown order. A Bool field
 * takes `eq` with `true` or `false`; Array and Map fields are not offered by the builder.
 */
export const BUILDER_OPERATORS: Readonly<
  Record<'Bytes' | 'Int' | 'Ip' | 'Bool', readonly BuilderOperator[]>
> = {
  Bytes: [
    'eq',
    'ne',
    'contains',
    'not_contains',
    'matches',
    'not_matches',
    'wildcard',
    'strict_wildcard',
    'starts_with',
    'not_starts_with',
    'ends_with',
    'not_ends_with',
    'in',
    'not_in',
    'lt',
    'le',
    'gt',
    'ge',
  ],
  Int: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'not_in'],
  Ip: ['eq', 'ne', 'in', 'not_in'],
  Bool: ['eq'],
};

/** How the rows are joined. */
export type BuilderJoiner = 'and' | 'or';

/** The answer of {@link toBuilderRows}. */
export type BuilderResult =
  { ok: true; rows: BuilderRow[]; joiner: BuilderJoiner } | { ok: false; reason: string };

class NeedsEditor extends Error {}

function needsEditor(why: string): never {
  throw new NeedsEditor(`needs the Expression Editor: ${why}`);
}

function text(binary: string): string {
  if (!isUtf8(binary)) needsEditor('a value holds bytes that are not text');
  return binaryToText(binary);
}

function itemValue(item: SetItem): string | number {
  switch (item.kind) {
    case 'bytes':
      return text(item.value);
    case 'int':
      return item.value;
    case 'intRange':
      return `${item.from}..${item.to}`;
    case 'ip':
      return item.value.key;
    case 'cidr':
      return `${item.value.key}/${item.bits}`;
    case 'ipRange':
      return `${item.from.key}..${item.to.key}`;
  }
}

function rhsValue(rhs: Rhs): BuilderRow['value'] {
  switch (rhs.kind) {
    case 'bytes':
      return text(rhs.value);
    case 'wildcard':
      return text(rhs.pattern);
    case 'int':
      return rhs.value;
    case 'ip':
      return rhs.value.key;
    case 'regex':
      return rhs.pattern;
    case 'set':
      return rhs.items.map(itemValue);
    case 'list':
      return `$${rhs.name}`;
  }
}

const NEGATABLE: Partial<Record<string, BuilderOperator>> = {
  contains: 'not_contains',
  matches: 'not_matches',
  in: 'not_in',
  starts_with: 'not_starts_with',
  ends_with: 'not_ends_with',
};

function row(node: Node, negated: boolean): BuilderRow {
  if (node.kind === 'not' && !negated) return row(node.operand, true);
  if (node.kind === 'field' && node.type.kind === 'Bool') {
    return { field: node.name, operator: 'eq', value: !negated };
  }
  if (node.kind === 'call' && (node.name === 'starts_with' || node.name === 'ends_with')) {
    const [field, literal] = node.args;
    if (
      field?.kind !== 'field' ||
      literal?.kind !== 'literal' ||
      typeof literal.value !== 'string'
    ) {
      needsEditor(`${node.name}() on something other than a field and a text`);
    }
    const operator = negated ? NEGATABLE[node.name] : node.name;
    return { field: field.name, operator: operator as BuilderOperator, value: text(literal.value) };
  }
  if (node.kind !== 'compare')
    needsEditor(
      `${node.kind === 'call' ? `${node.name}()` : 'this condition'} is not a builder row`,
    );
  if (node.lhs.kind !== 'field') needsEditor('the left side is not a plain field');
  if (node.op === 'bitwise_and') needsEditor('the builder has no bitwise_and');
  const op = node.op === 'strict wildcard' ? 'strict_wildcard' : node.op;
  const operator = negated ? NEGATABLE[op] : op;
  if (!operator) needsEditor(`the builder cannot negate ${node.op}`);
  return { field: node.lhs.name, operator, value: rhsValue(node.rhs) };
}

/**
 * The builder rows of an expression, or why it needs the Expression Editor.
 *
 * @example
 * ```ts
 * toBuilderRows(parseExpression('http.host in {"a.example"} and not cf.tls_client_auth.cert_verified'));
 * // { ok: true, joiner: 'and', rows: [
 * //   { field: 'http.host', operator: 'in', value: ['a.example'] },
 * //   { field: 'cf.tls_client_auth.cert_verified', operator: 'eq', value: false } ] }
 * ```
 */
export function toBuilderRows(expr: Expression): BuilderResult {
  try {
    const root = expr.root;
    if (root.kind === 'logical') {
      if (root.op === 'xor') needsEditor('the builder joins rows with and or or only');
      for (const item of root.items) {
        if (item.kind === 'logical') needsEditor('the builder cannot nest conditions');
      }
      return { ok: true, rows: root.items.map((i) => row(i, false)), joiner: root.op };
    }
    return { ok: true, rows: [row(root, false)], joiner: 'and' };
  } catch (err) {
    if (err instanceof NeedsEditor) return { ok: false, reason: err.message };
    throw err;
  }
}

function quoteText(value: string): string {
  return quoteBytes(textToBinary(value));
}

function scalar(type: Type, value: string | number): string {
  if (type.kind === 'Bytes') return quoteText(String(value));
  return String(value);
}

function rowText(r: BuilderRow, scheme: ParseOptions['scheme']): string {
  const type = (scheme ?? cloudflareScheme).field(r.field)?.type;
  const v = r.value;
  if (!type) return `${r.field} eq ""`; // parseExpression reports the unknown field.
  if (typeof v === 'boolean') return v ? r.field : `not ${r.field}`;
  const negate = r.operator.startsWith('not_');
  const op = negate ? r.operator.slice(4) : r.operator;
  let body: string;
  if (op === 'starts_with' || op === 'ends_with')
    body = `${op}(${r.field}, ${quoteText(String(v))})`;
  else if (op === 'matches') body = `${r.field} matches ${rawString(String(v))}`;
  else if (op === 'in') {
    const items = Array.isArray(v) ? `{${v.map((x) => scalar(type, x)).join(' ')}}` : String(v);
    body = `${r.field} in ${items}`;
  } else {
    const operator = op === 'strict_wildcard' ? 'strict wildcard' : op;
    body = `${r.field} ${operator} ${scalar(type, Array.isArray(v) ? String(v[0]) : v)}`;
  }
  return negate ? `not ${body}` : body;
}

/**
 * Builds the expression of builder rows. The text goes through {@link parseExpression}, so
 * rows that do not type-check throw a {@link RuleError} like typed text would.
 */
export function fromBuilderRows(
  rows: readonly BuilderRow[],
  joiner: BuilderJoiner,
  options: ParseOptions = {},
): Expression {
  const text = rows.map((r) => rowText(r, options.scheme)).join(` ${joiner} `);
  return parseExpression(text, options);
}
