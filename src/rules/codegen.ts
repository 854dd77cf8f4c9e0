/**
 * Turns a checked syntax tree into JavaScript source. Constants (sets, regexes, wildcard
 * patterns, function implementations) are hoisted into the closure that holds the generated
 * function, so evaluating a rule allocates nothing but what the functions it calls return.
 * Every value may be missing (undefined); each comparison is written so that a missing left
 * side makes it false, as Cloudflare documents.
 *
 * No text of the expression reaches the generated source unescaped: strings and field names
 * go through JSON.stringify, numbers are numbers, and everything else (sets, regexes,
 * functions) is passed in as a hoisted constant, so an expression cannot inject code.
 */
import type { CompareNode, Node, Rhs, ValueNode } from './ast.ts';
import { binaryToText } from './bytes.ts';
import { FUNCTIONS } from './functions.ts';
import { bytesMatcher, IntMatcher, IpMatcher } from './matchers.ts';
import { compileRegex } from './regex.ts';
import * as rt from './runtime.ts';
import type { Type } from './types.ts';
import { parseWildcard } from './wildcard.ts';

/** How generated code reads a field: an expression that yields the (converted) value. */
export type FieldReader = (name: string, type: Type) => string;

/** The read of a field from the source `src`, checked against its type (Ip text is parsed). */
export function readField(gen: CodeGen, name: string, type: Type): string {
  return gen.check(type, `src.get(${JSON.stringify(name)})`);
}

/** Generates the code of one function body; see the module comment. */
export class CodeGen {
  readonly consts: unknown[] = [];
  readonly #constIndex = new Map<unknown, number>();
  temps = 0;
  #elem = 0;

  constructor(private readonly field: FieldReader) {}

  /** A name for a hoisted constant (shared when the same object is hoisted twice). */
  konst(value: unknown): string {
    let i = this.#constIndex.get(value);
    if (i === undefined) {
      i = this.consts.push(value) - 1;
      this.#constIndex.set(value, i);
    }
    return `k${i}`;
  }

  /** Wraps code reading an edge value in the run-time check of its type (see runtime.ts). */
  check(type: Type, code: string): string {
    const check = rt.CHECKS[type.kind];
    return check ? `${this.konst(check)}(${code})` : code;
  }

  /** Element tests hoisted out of the rules (see {@link lambda}). */
  readonly hoisted: string[] = [];

  /**
   * The prologue that binds the constants and the hoisted element tests, for the factory
   * `new Function('K', …)`.
   */
  constDeclarations(): string {
    const consts = this.consts.map((_, i) => `const k${i} = K[${i}];`);
    return [...consts, ...this.hoisted].join('\n');
  }

  /** `let t0, t1;` for the temporaries used since the last call. */
  takeTemps(): string {
    const decl =
      this.temps === 0
        ? ''
        : `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};`;
    this.temps = 0;
    return decl;
  }

  #temp(): string {
    return `t${this.temps++}`;
  }

  /** Code that yields true or false for a Bool node. */
  bool(node: Node, elem?: string): string {
    switch (node.kind) {
      case 'literal':
        return node.value === true ? 'true' : 'false';
      case 'not':
        return `!${this.bool(node.operand, elem)}`;
      case 'logical': {
        const parts = node.items.map((item) => this.bool(item, elem));
        if (node.op === 'xor') return parts.reduce((a, b) => `(${a} !== ${b})`);
        return `(${parts.join(node.op === 'and' ? ' && ' : ' || ')})`;
      }
      case 'compare':
        return this.compare(node, elem);
      default:
        return `(${this.value(node, elem)} === true)`;
    }
  }

  /** Code that yields the value of a node, or undefined when it is missing. */
  value(node: Node, elem?: string): string {
    switch (node.kind) {
      case 'literal':
        return typeof node.value === 'string'
          ? JSON.stringify(binaryToText(node.value))
          : String(node.value);
      case 'field':
        return this.field(node.name, node.type);
      case 'index':
        return this.index(node, elem);
      case 'call':
        return this.call(node, elem);
      default:
        return this.bool(node, elem);
    }
  }

  #elementValue(node: Node, elem: string | undefined): string {
    // Inside a [*] lambda, the mapped part of the chain reads the element variable.
    return node.mapped && elem !== undefined ? this.value(node, elem) : this.value(node);
  }

  private index(node: Extract<ValueNode, { kind: 'index' }>, elem?: string): string {
    if (node.key === null) {
      if (elem === undefined) throw new Error('codegen: [*] outside a mapped context');
      return node.target.mapped ? this.value(node.target, elem) : this.check(node.type, elem);
    }
    const target = this.#elementValue(node.target, elem);
    const read =
      typeof node.key === 'number'
        ? `${this.konst(rt.at)}(${target}, ${node.key})`
        : `${this.konst(rt.key)}(${target}, ${JSON.stringify(binaryToText(node.key))})`;
    return this.check(node.type, read);
  }

  private call(node: Extract<ValueNode, { kind: 'call' }>, elem?: string): string {
    const def = FUNCTIONS.get(node.name);
    if (!def) throw new Error(`codegen: unknown function ${node.name}`);
    const [first, ...rest] = node.args;
    if (def.reducesArray && first) {
      const test = first.mapped ? this.lambda(first) : `(e) => e === true`;
      const items = first.mapped ? this.source(first) : this.value(first);
      const reducer = node.name === 'any' ? rt.some : rt.every;
      return `${this.konst(reducer)}(${items}, ${test})`;
    }
    const args = [first ? this.#elementValue(first, elem) : '', ...rest.map((a) => this.value(a))];
    return `${this.konst(def.impl)}(${args.filter((a) => a !== '').join(', ')})`;
  }

  /** The array a mapped chain iterates: the target of its `[*]`. */
  source(node: Node): string {
    switch (node.kind) {
      case 'index':
        return node.key === null && !node.target.mapped
          ? `${this.konst(rt.values)}(${this.value(node.target)})`
          : this.source(node.target);
      case 'not':
        return this.source(node.operand);
      case 'call':
      case 'compare': {
        const first = node.kind === 'call' ? node.args[0] : node.lhs;
        if (!first) throw new Error('codegen: mapped node without a mapped argument');
        return this.source(first);
      }
      default:
        throw new Error(`codegen: ${node.kind} cannot be mapped`);
    }
  }

  /**
   * `(e) => …`: the test any()/all() applies to each element. A test that reads no field
   * (the common case: `any(x[*] eq "a")`) is hoisted out of the rule, so that evaluating the
   * rule does not allocate a closure.
   */
  lambda(node: Node): string {
    const e = `e${this.#elem++}`;
    const outerTemps = this.temps;
    this.temps = 0;
    const test = node.type.kind === 'Bool' ? this.bool(node, e) : `${this.value(node, e)} === true`;
    const fn = `(${e}) => { ${this.takeTemps()} return ${test}; }`;
    this.temps = outerTemps;
    if (/\bsrc\b|\bs\d+\b|\bs\[/.test(test)) return fn;
    this.hoisted.push(`const l${this.hoisted.length} = ${fn};`);
    return `l${this.hoisted.length - 1}`;
  }

  private compare(node: CompareNode, elem?: string): string {
    const lhs = this.#elementValue(node.lhs, elem);
    return this.#compareWith(node, lhs);
  }

  #compareWith(node: CompareNode, lhs: string): string {
    const { op, rhs } = node;
    const kind = node.lhs.type.kind;
    if (rhs.kind === 'set' || rhs.kind === 'list') return this.#membership(node, lhs, rhs);
    if (rhs.kind === 'regex') {
      const t = this.#temp();
      return `((${t} = ${lhs}) !== undefined && ${this.konst(compileRegex(rhs.pattern))}.test(${t}))`;
    }
    if (rhs.kind === 'wildcard') {
      const p = parseWildcard(binaryToText(rhs.pattern), op === 'strict wildcard');
      return `${this.konst(rt.wildcard)}(${this.konst(p)}, ${lhs})`;
    }
    if (kind === 'Ip' && rhs.kind === 'ip') return this.#ipCompare(op, lhs, rhs.value);
    const constant =
      rhs.kind === 'bytes'
        ? JSON.stringify(binaryToText(rhs.value))
        : rhs.kind === 'int'
          ? String(rhs.value)
          : 'undefined';
    return this.#scalarCompare(op, lhs, constant);
  }

  #scalarCompare(op: CompareNode['op'], lhs: string, c: string): string {
    const symbols: Partial<Record<CompareNode['op'], string>> = {
      lt: '<',
      le: '<=',
      gt: '>',
      ge: '>=',
    };
    const symbol = symbols[op];
    // undefined < x, undefined > x and undefined === x are all false: no guard is needed.
    if (symbol) return `(${lhs} ${symbol} ${c})`;
    if (op === 'eq') return `(${lhs} === ${c})`;
    const t = this.#temp();
    if (op === 'ne') return `((${t} = ${lhs}) !== undefined && ${t} !== ${c})`;
    if (op === 'contains') return `((${t} = ${lhs}) !== undefined && ${t}.includes(${c}))`;
    if (op === 'bitwise_and') return `${this.konst(rt.band)}(${lhs}, ${c})`;
    throw new Error(`codegen: operator ${op} on a scalar`);
  }

  #ipCompare(op: CompareNode['op'], lhs: string, ip: { key: string }): string {
    const t = this.#temp();
    const key = JSON.stringify(ip.key);
    if (op === 'eq') return `((${t} = ${lhs}) !== undefined && ${t}.key === ${key})`;
    if (op === 'ne') return `((${t} = ${lhs}) !== undefined && ${t}.key !== ${key})`;
    const symbols: Partial<Record<CompareNode['op'], string>> = {
      lt: '<',
      le: '<=',
      gt: '>',
      ge: '>=',
    };
    return `(${this.konst(rt.ipOrder)}(${lhs}, ${this.konst(ip)}) ${symbols[op] ?? '==='} 0)`;
  }

  #membership(node: CompareNode, lhs: string, rhs: Extract<Rhs, { kind: 'set' | 'list' }>): string {
    const kind = node.lhs.type.kind;
    if (node.op === 'contains') {
      const needles = rhs.items.flatMap((i) => (i.kind === 'bytes' ? [binaryToText(i.value)] : []));
      return `${this.konst(rt.containsAny)}(${lhs}, ${this.konst(needles)})`;
    }
    const matcher =
      kind === 'Int'
        ? new IntMatcher(rhs.items)
        : kind === 'Ip'
          ? new IpMatcher(rhs.items)
          : bytesMatcher(rhs.items);
    return `${this.konst(matcher)}.has(${lhs})`;
  }
}
