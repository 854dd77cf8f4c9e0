/**
 * The type rules of the Rules language, applied while parsing so that a compiled expression
 * can never fail on request data: which operators each type takes, what a function call
 * accepts, and where a `[*]` value may flow.
 */
import type { ComparisonOp, Node, Span } from './ast.ts';
import type { Cursor } from './lexer.ts';
import type { FunctionDefinition, Param } from './functions.ts';
import { arrayOf, sameType, typeName, type Type } from './types.ts';

const ORDERING: readonly ComparisonOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];

/** The comparison operators each scalar type takes. Bool, Array and Map take none. */
export const OPERATORS: Readonly<Record<Type['kind'], readonly ComparisonOp[]>> = {
  Bytes: [...ORDERING, 'contains', 'matches', 'wildcard', 'strict wildcard', 'in'],
  Int: [...ORDERING, 'in', 'bitwise_and'],
  Ip: [...ORDERING, 'in'],
  Bool: [],
  Array: [],
  Map: [],
};

/** Fails unless the operator applies to the type. */
export function checkOperator(c: Cursor, op: ComparisonOp, type: Type, span: Span): void {
  if (OPERATORS[type.kind].includes(op)) return;
  const hint =
    type.kind === 'Bool'
      ? '; a Bool field is a condition by itself (write it alone, or with not)'
      : type.kind === 'Array' || type.kind === 'Map'
        ? '; index it ([0], ["key"]) or use [*] inside any()'
        : '';
  throw c.error(
    'UnsupportedOperator',
    `operator ${op} cannot be used with ${typeName(type)}${hint}`,
    span.start,
    span.end,
  );
}

/** Fails unless the node is a plain Bool (not an array made by `[*]`). */
export function requireBool(c: Cursor, node: Node, what: string): void {
  if (node.mapped) {
    throw c.error(
      'InvalidMapEach',
      `${what}: [*] gives one value per element; use it inside any() or all()`,
      node.span.start,
      node.span.end,
    );
  }
  if (node.type.kind !== 'Bool') {
    throw c.error(
      'TypeMismatch',
      `${what}: expected Bool, got ${typeName(node.type)}`,
      node.span.start,
      node.span.end,
    );
  }
}

function paramFor(def: FunctionDefinition, index: number): Param | undefined {
  const direct = def.params[index];
  if (direct) return direct;
  const last = def.params[def.params.length - 1];
  return last?.variadic ? last : undefined;
}

function checkArity(c: Cursor, def: FunctionDefinition, args: readonly Node[], span: Span): void {
  const required = def.params.filter((p) => !p.optional && !p.variadic).length;
  const variadic = def.params.some((p) => p.variadic);
  const max = variadic ? Infinity : def.params.length;
  if (args.length >= required && args.length <= max) return;
  const expected = variadic
    ? `at least ${required}`
    : required === max
      ? `${required}`
      : `${required} to ${max}`;
  throw c.error(
    'ArgumentCount',
    `${def.name}() takes ${expected} argument${required === 1 && max === 1 ? '' : 's'}, got ${args.length}`,
    span.start,
    span.end,
  );
}

/** The type an argument is checked as: a `[*]` Bool counts as Array<Bool> for any()/all(). */
function argType(def: FunctionDefinition, arg: Node, index: number): Type {
  return def.reducesArray && index === 0 && arg.mapped ? arrayOf(arg.type) : arg.type;
}

function checkArg(c: Cursor, def: FunctionDefinition, arg: Node, index: number): void {
  const param = paramFor(def, index);
  if (!param) return;
  const where = `${def.name}() argument ${index + 1} (${param.name})`;
  const fail = (kind: 'TypeMismatch' | 'InvalidArgument' | 'InvalidMapEach', msg: string) =>
    c.error(kind, `${where}: ${msg}`, arg.span.start, arg.span.end);
  if (arg.mapped && index > 0)
    throw fail('InvalidMapEach', '[*] is allowed in the first argument only');
  const type = argType(def, arg, index);
  const kindOk = param.kinds.includes(type.kind);
  const elementOk =
    !param.element || (type.kind === 'Array' && type.element.kind === param.element);
  if (!kindOk || !elementOk) {
    const wanted = param.kinds
      .map((k) => (k === 'Array' ? `Array<${param.element ?? 'T'}>` : k))
      .join(' or ');
    throw fail('TypeMismatch', `expected ${wanted}, got ${typeName(type)}`);
  }
  if (param.literal && arg.kind !== 'literal') throw fail('InvalidArgument', 'must be a literal');
  if (param.notLiteral && arg.kind === 'literal')
    throw fail('InvalidArgument', 'cannot be a literal');
}

/**
 * Checks a call and returns its type and whether it is mapped. A `[*]` first argument maps
 * the function over the elements, except for any() and all(), which reduce the array.
 */
export function checkCall(
  c: Cursor,
  def: FunctionDefinition,
  args: readonly Node[],
  span: Span,
): { type: Type; mapped: boolean } {
  checkArity(c, def, args, span);
  args.forEach((arg, i) => checkArg(c, def, arg, i));
  const firstArg = args[0];
  if (def.name === 'concat' && firstArg) {
    for (const arg of args.slice(1)) {
      if (!sameType(arg.type, firstArg.type)) {
        throw c.error(
          'TypeMismatch',
          `concat() arguments must share one type: expected ${typeName(firstArg.type)}, got ${typeName(arg.type)}`,
          arg.span.start,
          arg.span.end,
        );
      }
    }
  }
  if (def.validate) {
    const literals = args.map((a) => (a.kind === 'literal' ? a.value : undefined));
    const problem = def.validate(literals);
    if (problem) throw c.error('InvalidArgument', problem, span.start, span.end);
  }
  const mapped = !def.reducesArray && (firstArg?.mapped ?? false);
  return { type: def.returns(args.map((a) => a.type)), mapped };
}
