/**
 * The syntax tree of an expression. Every node carries its span in the source (UTF-16
 * offsets, end exclusive) and, for value nodes, its type. `mapped` marks a value computed
 * per element of an array reached through `[*]`.
 */
import type { IpAddress } from './ip.ts';
import type { Type } from './types.ts';

/** A range of the source text: `source.slice(start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The comparison operators, by their English names. */
export type ComparisonOp =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'contains'
  | 'matches'
  | 'wildcard'
  | 'strict wildcard'
  | 'in'
  | 'bitwise_and';

/** The logical operators, loosest binding last. */
export type LogicalOp = 'and' | 'xor' | 'or';

/** An item of an inline set. Bytes are binary strings (see bytes.ts). */
export type SetItem =
  | { readonly kind: 'bytes'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'intRange'; readonly from: number; readonly to: number }
  | { readonly kind: 'ip'; readonly value: IpAddress }
  | { readonly kind: 'cidr'; readonly value: IpAddress; readonly bits: number }
  | { readonly kind: 'ipRange'; readonly from: IpAddress; readonly to: IpAddress };

/** The right-hand side of a comparison. */
export type Rhs =
  | { readonly kind: 'bytes'; readonly value: string; readonly span: Span }
  | { readonly kind: 'int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'ip'; readonly value: IpAddress; readonly span: Span }
  | { readonly kind: 'regex'; readonly pattern: string; readonly span: Span }
  | { readonly kind: 'wildcard'; readonly pattern: string; readonly span: Span }
  | { readonly kind: 'set'; readonly items: readonly SetItem[]; readonly span: Span }
  | {
      readonly kind: 'list';
      readonly name: string;
      readonly items: readonly SetItem[];
      readonly span: Span;
    };

interface Typed {
  readonly span: Span;
  readonly type: Type;
  readonly mapped: boolean;
}

/** A field read from the request. */
export interface FieldNode extends Typed {
  readonly kind: 'field';
  readonly name: string;
}

/** `target[0]`, `target["key"]`, or `target[*]` (key `null`, which makes the value mapped). */
export interface IndexNode extends Typed {
  readonly kind: 'index';
  readonly target: ValueNode;
  readonly key: string | number | null;
}

/** A function call. */
export interface CallNode extends Typed {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Node[];
}

/** A literal: `true`/`false` as an expression, or an argument of a function. */
export interface LiteralNode extends Typed {
  readonly kind: 'literal';
  readonly value: boolean | number | string;
}

/** A comparison `lhs op rhs`; its type is Bool (mapped when the left side is). */
export interface CompareNode extends Typed {
  readonly kind: 'compare';
  readonly lhs: ValueNode;
  readonly op: ComparisonOp;
  readonly rhs: Rhs;
}

/** `not operand`. */
export interface NotNode extends Typed {
  readonly kind: 'not';
  readonly operand: Node;
}

/** A chain of one logical operator: `a and b and c`. */
export interface LogicalNode extends Typed {
  readonly kind: 'logical';
  readonly op: LogicalOp;
  readonly items: readonly Node[];
}

/** A node that yields a value read from the request. */
export type ValueNode = FieldNode | IndexNode | CallNode;

/** Any node of the tree. */
export type Node = ValueNode | LiteralNode | CompareNode | NotNode | LogicalNode;
