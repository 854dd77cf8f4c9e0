/**
 * Compiles an expression to a JavaScript function. The function reads fields lazily through
 * a {@link FieldSource}: a field the expression does not reach (because `and` or `or`
 * already decided) is never asked for, and a field read twice is asked for once.
 */
import type { Node } from './ast.ts';
import { CodeGen, readField } from './codegen.ts';
import type { Expression } from './expression.ts';
import { UNREAD } from './runtime.ts';
import type { Type } from './types.ts';

/**
 * Where a compiled expression gets field values from. `get(name)` returns the value or
 * undefined when the request has none (a missing value: every comparison on it is false).
 * Values by type: Bool → boolean, Int → number, Bytes → string, Ip → an address as text
 * (`"192.0.2.1"`, `"::ffff:192.0.2.1"` is read as IPv4) or an `IpAddress`, Array<T> → an
 * array, Map<T> → a plain object or a `Map` keyed by string.
 *
 * The edge implements `get` with getters that compute a field on first use; see
 * {@link fieldsFromObject} for a source over plain data.
 */
export interface FieldSource {
  get(name: string): unknown;
}

/** A compiled expression: true when the request matches. Never throws on field values. */
export type CompiledExpression = (fields: FieldSource) => boolean;

/** A {@link FieldSource} over a plain object of values. */
export function fieldsFromObject(values: Readonly<Record<string, unknown>>): FieldSource {
  return { get: (name) => (Object.hasOwn(values, name) ? values[name] : undefined) };
}

/** Counts how often each field appears, to cache only those read more than once. */
export function countFields(node: Node, counts = new Map<string, number>()): Map<string, number> {
  switch (node.kind) {
    case 'field':
      counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
      break;
    case 'index':
      countFields(node.target, counts);
      break;
    case 'call':
      node.args.forEach((a) => countFields(a, counts));
      break;
    case 'compare':
      countFields(node.lhs, counts);
      break;
    case 'not':
      countFields(node.operand, counts);
      break;
    case 'logical':
      node.items.forEach((i) => countFields(i, counts));
      break;
    case 'literal':
      break;
  }
  return counts;
}

/**
 * Compiles an expression. The work of building sets, tries and regexes is done here, once.
 *
 * @example
 * ```ts
 * const match = compileExpression(parseExpression('ip.src in {192.0.2.0/24}'));
 * match(fieldsFromObject({ 'ip.src': '192.0.2.7' })); // true
 * ```
 */
export function compileExpression(expr: Expression): CompiledExpression {
  const counts = countFields(expr.root);
  const slots = new Map<string, string>();
  const gen: CodeGen = new CodeGen((name: string, type: Type) => {
    if ((counts.get(name) ?? 0) < 2) return readField(gen, name, type);
    let slot = slots.get(name);
    if (!slot) {
      slot = `s${slots.size}`;
      slots.set(name, slot);
    }
    return `(${slot} !== U ? ${slot} : (${slot} = ${readField(gen, name, type)}))`;
  });
  const body = gen.bool(expr.root);
  const slotDecl = slots.size
    ? `let ${[...slots.values()].map((s) => `${s} = U`).join(', ')};`
    : '';
  const source = [
    gen.constDeclarations(),
    'return function compiledExpression(src) {',
    slotDecl,
    gen.takeTemps(),
    `return ${body};`,
    '};',
  ].join('\n');
  const factory = new Function('K', 'U', source) as (k: unknown[], u: symbol) => CompiledExpression;
  return factory(gen.consts, UNREAD);
}
