import type { ListItems } from './rhs.ts';

// `$name` in an expression, as the lexer reads a list reference.
const LIST_REFERENCE = /\$([a-z0-9_]+(?:\.[a-z0-9_]+)*)/g;

/**
 * The names of the lists an expression appears to use, so that a caller can load just those
 * before parsing. A `$` inside a string literal may give a name that is not used; loading one
 * list too many is harmless, and the parser reports names it cannot resolve.
 */
export function listNamesIn(expression: string): string[] {
  return [...new Set([...expression.matchAll(LIST_REFERENCE)].map((m) => m[1]!))];
}

/** A list's items as the engine takes them: ASNs as numbers, IPs and hostnames as text. */
export function listItemsOf(kind: string, values: readonly string[]): ListItems {
  return kind === 'asn' ? values.map(Number) : values;
}
