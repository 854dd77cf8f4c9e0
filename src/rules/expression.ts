/**
 * The entry points for reading an expression: {@link parseExpression}, which throws a
 * {@link RuleError}, and {@link checkExpression}, which returns the error instead.
 */
import type { Node } from './ast.ts';
import { cloudflareScheme } from './cloudflare-scheme.ts';
import { RuleError } from './errors.ts';
import { Cursor } from './lexer.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { parseNode } from './parser.ts';
import type { ListResolver } from './rhs.ts';
import type { Scheme } from './scheme.ts';

/** A parsed, type-checked expression: the tree and what it was checked against. */
export interface Expression {
  /** The text the expression was parsed from. */
  readonly source: string;
  /** The root of the syntax tree; always of type Bool. */
  readonly root: Node;
  readonly scheme: Scheme;
  /** The fields the expression reads, each once, in order of first use. */
  readonly fields: readonly string[];
}

/** Options of {@link parseExpression}. */
export interface ParseOptions {
  /** The fields the expression may use. Default: {@link cloudflareScheme}. */
  scheme?: Scheme;
  /** Where `$name` lists come from. Without it, any `$name` is an UnknownList error. */
  lists?: ListResolver;
  /** Limits to override; the rest keep their defaults (see {@link DEFAULT_LIMITS}). */
  limits?: Partial<Limits>;
}

/** The fields a tree reads, in order of first use. */
export function fieldsOf(root: Node): string[] {
  const seen = new Set<string>();
  const visit = (node: Node): void => {
    switch (node.kind) {
      case 'field':
        seen.add(node.name);
        return;
      case 'index':
        return visit(node.target);
      case 'call':
        return node.args.forEach(visit);
      case 'compare':
        return visit(node.lhs);
      case 'not':
        return visit(node.operand);
      case 'logical':
        return node.items.forEach(visit);
      case 'literal':
        return;
    }
  };
  visit(root);
  return [...seen];
}

/**
 * Parses and type-checks an expression in Cloudflare's Rules language.
 *
 * @throws {RuleError} with the kind and span of the first problem.
 * @example
 * ```ts
 * const expr = parseExpression('http.host in {"api.example.com"} and not cf.tls_client_auth.cert_verified');
 * ```
 */
export function parseExpression(text: string, options: ParseOptions = {}): Expression {
  const limits = resolveLimits(options.limits);
  const scheme = options.scheme ?? cloudflareScheme;
  if (text.length > limits.maxExpressionLength) {
    throw new RuleError(
      'ExpressionTooLong',
      `expression is ${text.length} characters long, over the limit of ${limits.maxExpressionLength}`,
      text,
      limits.maxExpressionLength,
      text.length,
    );
  }
  const cursor = new Cursor(text);
  try {
    const root = parseNode(cursor, { scheme, lists: options.lists, limits });
    return { source: text, root, scheme, fields: fieldsOf(root) };
  } catch (err) {
    // A maxNestingDepth set beyond what the call stack holds must still fail as a RuleError.
    if (!(err instanceof RangeError)) throw err;
    const message = 'expression nests deeper than the call stack allows';
    throw new RuleError('NestingTooDeep', message, text, cursor.pos, cursor.pos + 1);
  }
}

/** The answer of {@link checkExpression}. */
export type CheckResult = { ok: true; expression: Expression } | { ok: false; error: RuleError };

/**
 * Like {@link parseExpression}, but returns the error instead of throwing it. Only
 * {@link RuleError}s are returned; anything else is a bug and still throws.
 */
export function checkExpression(text: string, options: ParseOptions = {}): CheckResult {
  try {
    return { ok: true, expression: parseExpression(text, options) };
  } catch (err) {
    if (err instanceof RuleError) return { ok: false, error: err };
    throw err;
  }
}
