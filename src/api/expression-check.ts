import {
  checkExpression,
  listItemsOf,
  listNamesIn,
  type ListItems,
  type RuleError,
} from '../rules/index.ts';
import type { Transaction } from '../store/index.ts';
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
    if (list) lists[name] = listItemsOf(list.kind, await tx.listItemValues(list.id));
  }
  const result = checkExpression(expression, { lists });
  if (!result.ok) throw new ExpressionApiError(result.error, pointer);
}
