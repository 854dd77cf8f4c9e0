/**
 * A deliberately plain tree-walking evaluator: no hoisting, no caching, sets scanned item by
 * item. It serves as the reference the compiled code is tested against (both must agree on
 * every input) and as the baseline of the benchmark.
 */
import type { CompareNode, Node, SetItem } from './ast.ts';
import { binaryToText } from './bytes.ts';
import type { FieldSource } from './compiler.ts';
import type { Expression } from './expression.ts';
import { FUNCTIONS } from './functions.ts';
import { compareIp, maskIp, type IpAddress } from './ip.ts';
import { compileRegex } from './regex.ts';
import * as rt from './runtime.ts';
import { matchWildcard, parseWildcard } from './wildcard.ts';

/** Evaluates an expression against fields by walking its tree. */
export function interpret(expr: Expression, fields: FieldSource): boolean {
  return evalNode(expr.root, fields) === true;
}

function evalNode(node: Node, src: FieldSource, elem?: unknown): unknown {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? binaryToText(node.value) : node.value;
    case 'field': {
      const v = src.get(node.name);
      return rt.checked(node.type, v);
    }
    case 'index': {
      if (node.key === null) {
        return node.target.mapped ? evalNode(node.target, src, elem) : rt.checked(node.type, elem);
      }
      const target = node.target.mapped
        ? evalNode(node.target, src, elem)
        : evalNode(node.target, src);
      const v =
        typeof node.key === 'number'
          ? rt.at(target, node.key)
          : rt.key(target, binaryToText(node.key));
      return rt.checked(node.type, v);
    }
    case 'call':
      return evalCall(node, src, elem);
    case 'compare':
      return evalCompare(
        node,
        node.lhs.mapped ? evalNode(node.lhs, src, elem) : evalNode(node.lhs, src),
      );
    case 'not':
      return evalNode(node.operand, src, elem) !== true;
    case 'logical': {
      const values = node.items.map((i) => evalNode(i, src, elem) === true);
      if (node.op === 'and') return values.every(Boolean);
      if (node.op === 'or') return values.some(Boolean);
      return values.reduce((a, b) => a !== b);
    }
  }
}

/** The elements a `[*]` chain iterates. */
function sourceOf(node: Node, src: FieldSource): readonly unknown[] | undefined {
  if (node.kind === 'index') {
    return node.key === null && !node.target.mapped
      ? rt.values(evalNode(node.target, src))
      : sourceOf(node.target, src);
  }
  if (node.kind === 'call' && node.args[0]) return sourceOf(node.args[0], src);
  if (node.kind === 'compare') return sourceOf(node.lhs, src);
  if (node.kind === 'not') return sourceOf(node.operand, src);
  return undefined;
}

function evalCall(node: Extract<Node, { kind: 'call' }>, src: FieldSource, elem: unknown): unknown {
  const def = FUNCTIONS.get(node.name);
  if (!def) return undefined;
  const first = node.args[0];
  if (def.reducesArray && first) {
    const items = first.mapped ? sourceOf(first, src) : (evalNode(first, src) as unknown[]);
    const results = first.mapped ? items?.map((e) => evalNode(first, src, e)) : items;
    return (def.impl as (v: unknown) => unknown)(results);
  }
  const args = node.args.map((a, i) =>
    i === 0 && a.mapped ? evalNode(a, src, elem) : evalNode(a, src),
  );
  return (def.impl as (...v: unknown[]) => unknown)(...args);
}

function inItem(item: SetItem, v: unknown): boolean {
  switch (item.kind) {
    case 'bytes':
      return v === binaryToText(item.value);
    case 'int':
      return v === item.value;
    case 'intRange':
      return typeof v === 'number' && v >= item.from && v <= item.to;
    case 'ip':
      return (v as IpAddress).key === item.value.key;
    case 'cidr': {
      const ip = v as IpAddress;
      return ip.family === item.value.family && maskIp(ip, item.bits).key === item.value.key;
    }
    case 'ipRange': {
      const ip = v as IpAddress;
      return (
        ip.family === item.from.family &&
        compareIp(ip, item.from) >= 0 &&
        compareIp(ip, item.to) <= 0
      );
    }
  }
}

function evalCompare(node: CompareNode, v: unknown): boolean {
  if (v === undefined) return false;
  const { op, rhs } = node;
  switch (rhs.kind) {
    case 'set':
    case 'list':
      if (op === 'contains') {
        return rhs.items.some(
          (i) => i.kind === 'bytes' && (v as string).includes(binaryToText(i.value)),
        );
      }
      return rhs.items.some((i) => inItem(i, v));
    case 'regex':
      return compileRegex(rhs.pattern).test(v as string);
    case 'wildcard': {
      const p = parseWildcard(binaryToText(rhs.pattern), op === 'strict wildcard');
      return typeof p !== 'string' && matchWildcard(p, v as string);
    }
    case 'ip':
      return ordered(op, rt.ipOrder(v as IpAddress, rhs.value));
    case 'int':
      if (op === 'bitwise_and') return rt.band(v as number, rhs.value);
      return ordered(op, (v as number) - rhs.value);
    case 'bytes': {
      const c = binaryToText(rhs.value);
      if (op === 'contains') return (v as string).includes(c);
      return ordered(op, (v as string) < c ? -1 : (v as string) > c ? 1 : 0);
    }
  }
}

/** Applies an ordering operator to a difference; NaN (incomparable) is only `ne`. */
function ordered(op: CompareNode['op'], d: number): boolean {
  if (Number.isNaN(d)) return op === 'ne';
  switch (op) {
    case 'eq':
      return d === 0;
    case 'ne':
      return d !== 0;
    case 'lt':
      return d < 0;
    case 'le':
      return d <= 0;
    case 'gt':
      return d > 0;
    case 'ge':
      return d >= 0;
    default:
      return false;
  }
}
