/**
 * The parser: recursive descent over the {@link Cursor}, building the typed syntax tree and
 * checking types as it goes. Precedence, tightest first, as in wirefilter: `not`, `and`,
 * `xor`, `or`.
 */
import type {
  ComparisonOp,
  IndexNode,
  LiteralNode,
  LogicalOp,
  Node,
  Span,
  ValueNode,
} from './ast.ts';
import { checkCall, checkOperator, requireBool } from './checker.ts';
import { FUNCTIONS } from './functions.ts';
import type { Cursor } from './lexer.ts';
import type { Limits } from './limits.ts';
import { parseRhs, type ListResolver } from './rhs.ts';
import type { Scheme } from './scheme.ts';
import { typeName, Types } from './types.ts';

/** What the parser needs besides the text. */
export interface ParserContext {
  readonly scheme: Scheme;
  readonly lists: ListResolver | undefined;
  readonly limits: Limits;
}

const LOGICAL_LEVELS: readonly { op: LogicalOp; word: string; symbol: string }[] = [
  { op: 'or', word: 'or', symbol: '||' },
  { op: 'xor', word: 'xor', symbol: '^^' },
  { op: 'and', word: 'and', symbol: '&&' },
];

const SYMBOL_OPS: readonly [string, ComparisonOp][] = [
  ['==', 'eq'],
  ['!=', 'ne'],
  ['<=', 'le'],
  ['>=', 'ge'],
  ['<', 'lt'],
  ['>', 'gt'],
  ['~', 'matches'],
];

const WORD_OPS = new Set<string>([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'matches',
  'wildcard',
  'in',
  'bitwise_and',
]);

/** Parses a whole expression; the result is a Bool node. */
export function parseNode(c: Cursor, ctx: ParserContext): Node {
  const p = new Parser(c, ctx);
  c.skipSpace();
  if (c.atEnd()) throw c.error('UnexpectedEnd', 'expected an expression, got end of input', 0, 0);
  const node = p.logical(0);
  c.skipSpace();
  if (!c.atEnd()) throw c.unexpected('"and", "or", "xor" or the end of the expression');
  requireBool(c, node, 'the expression');
  return node;
}

class Parser {
  private depth = 0;
  private argDepth = 0;

  constructor(
    private readonly c: Cursor,
    private readonly ctx: ParserContext,
  ) {}

  private enter(start: number): void {
    if (++this.depth > this.ctx.limits.maxNestingDepth) {
      throw this.c.error(
        'NestingTooDeep',
        `expression nests deeper than ${this.ctx.limits.maxNestingDepth} levels`,
        start,
        start + 1,
      );
    }
  }

  private span(start: number): Span {
    return { start, end: this.c.pos };
  }

  logical(level: number): Node {
    const spec = LOGICAL_LEVELS[level];
    if (!spec) return this.unary();
    const start = this.c.pos;
    const items = [this.logical(level + 1)];
    for (;;) {
      this.c.skipSpace();
      if (!this.c.eatWord(spec.word) && !this.c.eat(spec.symbol)) break;
      this.c.skipSpace();
      items.push(this.logical(level + 1));
    }
    if (items.length === 1) return items[0] as Node;
    for (const item of items) requireBool(this.c, item, `operand of ${spec.op}`);
    // From the first operand to the last, without the spaces around them.
    const span = { start: items[0]?.span.start ?? start, end: items.at(-1)?.span.end ?? start };
    return { kind: 'logical', op: spec.op, items, type: Types.Bool, mapped: false, span };
  }

  private unary(): Node {
    const c = this.c;
    c.skipSpace();
    const start = c.pos;
    if (c.eatWord('not') || (c.peek() === '!' && c.peek(1) !== '=' && c.eat('!'))) {
      this.enter(start);
      c.skipSpace();
      const operand = this.unary();
      this.depth--;
      const span = { start, end: operand.span.end };
      // Inside all()/any(), `not x[*] in {…}` negates each element's result.
      if (operand.mapped && operand.type.kind === 'Bool' && this.argDepth > 0) {
        return { kind: 'not', operand, type: Types.Bool, mapped: true, span };
      }
      requireBool(c, operand, 'operand of not');
      return { kind: 'not', operand, type: Types.Bool, mapped: false, span };
    }
    return this.simple();
  }

  private simple(): Node {
    const c = this.c;
    const start = c.pos;
    if (c.eat('(')) {
      this.enter(start);
      c.skipSpace();
      const inner = this.logical(0);
      c.skipSpace();
      if (!c.eat(')')) throw c.unexpected('")"');
      this.depth--;
      // The span grows to cover the parentheses, so errors underline what the user wrote.
      return { ...inner, span: this.span(start) };
    }
    if (c.eatWord('true') || c.eatWord('false')) {
      const value = c.source.slice(start, c.pos) === 'true';
      return { kind: 'literal', value, type: Types.Bool, mapped: false, span: this.span(start) };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const c = this.c;
    const start = c.pos;
    const lhs = this.value();
    if (lhs.kind === 'literal') return lhs;
    c.skipSpace();
    const opStart = c.pos;
    const op = this.operator();
    if (!op) {
      if (lhs.type.kind === 'Bool' || this.argDepth > 0) return lhs;
      throw c.unexpected(
        `an operator after ${typeName(lhs.type)} ${c.source.slice(start, lhs.span.end)}`,
      );
    }
    checkOperator(c, op, lhs.type, { start: opStart, end: c.pos });
    const rhs = parseRhs(c, op, lhs.type, this.ctx);
    return {
      kind: 'compare',
      lhs,
      op,
      rhs,
      type: Types.Bool,
      mapped: lhs.mapped,
      span: this.span(start),
    };
  }

  private operator(): ComparisonOp | undefined {
    const c = this.c;
    if (c.startsWith('&&')) return undefined;
    if (c.eat('&')) return 'bitwise_and';
    for (const [symbol, op] of SYMBOL_OPS) if (c.eat(symbol)) return op;
    const save = c.pos;
    const word = c.identifier();
    if (word === 'strict') {
      c.skipSpace();
      if (c.eatWord('wildcard')) return 'strict wildcard';
      throw c.unexpected('"wildcard" after "strict"');
    }
    if (WORD_OPS.has(word)) return word as ComparisonOp;
    c.pos = save;
    return undefined;
  }

  private value(): ValueNode | LiteralNode {
    const c = this.c;
    c.skipSpace();
    const start = c.pos;
    if (c.atString() || c.atInt()) {
      if (this.argDepth === 0)
        throw c.unexpected('a field or a function (literals go after the operator)');
      const value = c.atString() ? c.string() : c.int();
      const type = typeof value === 'string' ? Types.Bytes : Types.Int;
      return { kind: 'literal', value, type, mapped: false, span: this.span(start) };
    }
    const name = c.identifier();
    if (name === '') throw c.unexpected('a field, a function, "not" or "("');
    const afterName = c.pos;
    c.skipSpace();
    let node: ValueNode;
    if (c.peek() === '(' && FUNCTIONS.has(name)) {
      node = this.call(name, start);
    } else {
      c.pos = afterName;
      node = this.field(name, start);
    }
    return this.indexes(node, start);
  }

  private field(name: string, start: number): ValueNode {
    const def = this.ctx.scheme.field(name);
    if (!def) {
      const c = this.c;
      c.skipSpace();
      const what = c.peek() === '(' ? 'UnknownFunction' : 'UnknownField';
      const label = what === 'UnknownField' ? 'field' : 'function';
      throw c.error(what, `unknown ${label} "${name}"`, start, start + name.length);
    }
    return { kind: 'field', name, type: def.type, mapped: false, span: this.span(start) };
  }

  private call(name: string, start: number): ValueNode {
    const c = this.c;
    const def = FUNCTIONS.get(name);
    if (!def)
      throw c.error('UnknownFunction', `unknown function "${name}"`, start, start + name.length);
    this.enter(start);
    c.eat('(');
    this.argDepth++;
    const args: Node[] = [];
    c.skipSpace();
    if (!c.eat(')')) {
      for (;;) {
        args.push(this.logical(0));
        c.skipSpace();
        if (c.eat(')')) break;
        if (!c.eat(',')) throw c.unexpected('"," or ")"');
      }
    }
    this.argDepth--;
    this.depth--;
    const span = this.span(start);
    const { type, mapped } = checkCall(c, def, args, span);
    return { kind: 'call', name, args, type, mapped, span };
  }

  private indexes(node: ValueNode, start: number): ValueNode {
    const c = this.c;
    let current = node;
    while (c.peek() === '[') {
      this.enter(c.pos);
      current = this.index(current, start);
      this.depth--;
    }
    return current;
  }

  private index(target: ValueNode, start: number): IndexNode {
    const c = this.c;
    const open = c.pos;
    c.eat('[');
    c.skipSpace();
    const type = target.type;
    // `f(x[*])[*]`: Cloudflare writes [*] again after a function mapped over an array; the
    // value is already one per element, so the second [*] only restates that.
    if (target.mapped && target.kind === 'call' && c.eat('*')) {
      c.skipSpace();
      if (!c.eat(']')) throw c.unexpected('"]"');
      return { kind: 'index', target, key: null, type, mapped: true, span: this.span(start) };
    }
    if (type.kind !== 'Array' && type.kind !== 'Map') {
      throw c.error('UnsupportedOperator', `cannot index ${typeName(type)}`, open, open + 1);
    }
    let key: string | number | null;
    if (c.eat('*')) {
      if (target.mapped)
        throw c.error('InvalidMapEach', 'only one [*] is allowed per argument', open, c.pos);
      key = null;
    } else if (type.kind === 'Map') {
      if (!c.atString()) throw c.unexpected('a key in quotes or *');
      key = c.string();
    } else {
      if (!/[0-9]/.test(c.peek())) throw c.unexpected('an index (0, 1, …) or *');
      const digits = /[0-9]+/y;
      digits.lastIndex = c.pos;
      const text = digits.exec(c.source)?.[0] ?? '';
      c.pos += text.length;
      key = Number(text);
      if (!Number.isSafeInteger(key))
        throw c.error('InvalidInteger', `index ${text} is too large`, open, c.pos);
    }
    c.skipSpace();
    if (!c.eat(']')) throw c.unexpected('"]"');
    const mapped = target.mapped || key === null;
    return { kind: 'index', target, key, type: type.element, mapped, span: this.span(start) };
  }
}
