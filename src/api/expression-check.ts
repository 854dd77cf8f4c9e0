import { checkExpression, type ListItems, type RuleError } from '../rules/index.ts';
import type { Transaction, RuleList } from '../store/index.ts';
import type { EnvelopeMessage } from './envelope.ts';
import { ApiError } from './errors.ts';

/** An envelope error entry with the span of an expression error, for editors to underline. */
export interface ExpressionErrorMessage extends EnvelopeMessage {
  line: number;
  column: number;
  length: number;
  /** The engine's kind, e.g. `UnknownField`. */
  kind: string;
}

/**
 * The 400 answer for an expression that does not parse or type-check. Cloudflare's shape
 * (`message`, `source.pointer`) plus the span, so that a dashboard can underline the error.
 */
export class ExpressionApiError extends ApiError {
  readonly error: RuleError;

  constructor(error: RuleError, pointer: string) {
    super('invalidExpression', `invalid expression: ${error.message}`, { pointer });
    this.error = error;
  }

  override toMessage(): ExpressionErrorMessage {
    const { line, column, length, kind } = this.error;
    return { ...super.toMessage(), line, column, length, kind };
  }
}

// `$name` in an expression; the engine reads the same shape and reports unknown names itself.
const LIST_REFERENCE = /\$([a-z0-9_]+(?:\.[a-z0-9_]+)*)/g;

/** The names of the lists an expression appears to use, for loading them before checking. */
export function listNamesIn(expression: string): string[] {
  return [...new Set([...expression.matchAll(LIST_REFERENCE)].map((m) => m[1]!))];
}

/** The items of a list as the engine takes them: ASNs as numbers, the rest as text. */
export function engineItems(list: RuleList, values: readonly string[]): ListItems {
  return list.kind === 'asn' ? values.map(Number) : values;
}

/**
 * Parses and type-checks `expression` against the Cloudflare scheme and the account's lists,
 * inside the transaction that will store it, so that a list deleted meanwhile cannot slip
 * through. Throws {@link ExpressionApiError} pointing at `pointer`.
 */
export async function validateExpression(
  tx: Transaction,
  accountId: string,
  expression: string,
  pointer = '/expression',
): Promise<void> {
  const lists: Record<string, ListItems> = {};
  for (const name of listNamesIn(expression)) {
    const list = await tx.getListByName(accountId, name);
    if (list) lists[name] = engineItems(list, await tx.listItemValues(list.id));
  }
  const result = checkExpression(expression, { lists });
  if (!result.ok) throw new ExpressionApiError(result.error, pointer);
}
