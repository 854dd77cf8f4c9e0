/**
 * Wildcard patterns for `wildcard` (case-insensitive) and `strict wildcard`: `*` matches any
 * run of characters, `\*` and `\\` stand for themselves, and the pattern must match the whole
 * value. Matching is a greedy left-to-right search of the literal pieces, which is linear in
 * the value for each piece; a pattern cannot backtrack, so it cannot be a denial of service.
 */
import { asciiLower } from './bytes.ts';

/** A parsed pattern: the literal pieces between the stars. */
export interface WildcardPattern {
  /** Literal pieces; n stars make n+1 pieces (the first and last may be empty). */
  readonly pieces: readonly string[];
  readonly caseSensitive: boolean;
}

/**
 * Splits a pattern (run-time text) into literal pieces.
 *
 * @returns the pattern, or an error message.
 */
export function parseWildcard(pattern: string, caseSensitive: boolean): WildcardPattern | string {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      const next = pattern.charAt(i + 1);
      if (next !== '*' && next !== '\\') {
        return `invalid wildcard escape "\\${next}": only \\* and \\\\ are allowed`;
      }
      current += next;
      i++;
    } else if (c === '*') {
      if (pattern.charAt(i + 1) === '*') return 'invalid wildcard: "**" is not allowed';
      pieces.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  pieces.push(current);
  const fold = caseSensitive ? pieces : pieces.map(asciiLower);
  return { pieces: fold, caseSensitive };
}

/** True when the whole value matches the pattern. */
export function matchWildcard(p: WildcardPattern, input: string): boolean {
  const value = p.caseSensitive ? input : asciiLower(input);
  const pieces = p.pieces;
  const head = pieces[0] ?? '';
  if (pieces.length === 1) return value === head;
  const tail = pieces[pieces.length - 1] ?? '';
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head) || !value.endsWith(tail)) return false;
  let at = head.length;
  const limit = value.length - tail.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = value.indexOf(piece, at);
    if (found === -1 || found + piece.length > limit) return false;
    at = found + piece.length;
  }
  return true;
}
