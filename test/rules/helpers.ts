import assert from 'node:assert/strict';
import {
  compileExpression,
  fieldsFromObject,
  interpret,
  parseExpression,
  RuleError,
  type Node,
  type ParseOptions,
} from '../../src/rules/index.ts';

/** Evaluates with the compiled engine and the interpreter, and checks that they agree. */
export function evaluate(
  text: string,
  values: Record<string, unknown>,
  options: ParseOptions = {},
): boolean {
  const expr = parseExpression(text, options);
  const fields = fieldsFromObject(values);
  const compiled = compileExpression(expr)(fields);
  const interpreted = interpret(expr, fields);
  assert.equal(compiled, interpreted, `compiled and interpreted disagree on ${text}`);
  return compiled;
}

/** The error a text gives, or fails when it parses. */
export function errorOf(text: string, options: ParseOptions = {}): RuleError {
  try {
    parseExpression(text, options);
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

/** A tree without spans, for comparing the trees of two texts. */
export function shape(node: Node): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) =>
      key === 'span' ? undefined : value instanceof Uint8Array ? [...value] : value,
    ),
  );
}
