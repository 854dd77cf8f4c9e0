/**
 * Regular expressions for `matches`. Request data is attacker-controlled, so a backtracking
 * engine (JavaScript's RegExp) on a user's pattern would be a denial of service: patterns
 * run on re2js, a port of RE2 whose matching time is linear in the input. What RE2 cannot
 * compile (backreferences, lookaround) is rejected when the expression is parsed.
 */
import { RE2JS } from 're2js';
import { literalHint } from './regex-prefilter.ts';

/** A compiled pattern, as the compiler and the interpreter call it. */
export interface CompiledRegex {
  readonly pattern: string;
  /** Size of the RE2 program; the cost of a match is about this times the input length. */
  readonly programSize: number;
  /** True when the pattern matches anywhere in the value (regexes are not anchored). */
  test(value: string): boolean;
}

// Parsing one expression often compiles the same pattern as the last one (a zone of rules
// re-validated after one change), so compiled patterns are kept, up to a bound.
const cache = new Map<string, CompiledRegex>();
const CACHE_LIMIT = 1000;

/**
 * Cloudflare runs patterns on Rust's regex crate, whose flag groups may carry `u` (Unicode,
 * on by default there and always on here). RE2 rejects `u`, so it is dropped from `(?u)`,
 * `(?iu)`, `(?u:…)`; a group left with no flag disappears (`(?u)`) or becomes `(?:`.
 */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    const group = c === '(' ? /^\(\?([a-zA-Z-]*)([:)])/.exec(pattern.slice(i)) : null;
    if (!group || !group[1]?.includes('u')) {
      out += c;
      continue;
    }
    const flags = group[1].replace(/u/g, '');
    const empty = flags === '' || flags === '-';
    if (group[2] === ':') out += empty ? '(?:' : `(?${flags}:`;
    else if (!empty) out += `(?${flags})`;
    i += group[0].length - 1;
  }
  return out;
}

/**
 * Compiles a pattern in RE2 syntax (after {@link toRe2Syntax}).
 *
 * @throws Error with RE2's message when the pattern is not valid RE2.
 */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const re = RE2JS.compile(toRe2Syntax(pattern));
  const hint = literalHint(pattern);
  const prefix = hint?.prefix;
  const literal = hint?.literal;
  const test =
    prefix !== undefined
      ? (v: string) =>
          v.startsWith(prefix) && (literal === undefined || v.includes(literal)) && re.test(v)
      : literal !== undefined
        ? (v: string) => v.includes(literal) && re.test(v)
        : (v: string) => re.test(v);
  const compiled: CompiledRegex = { pattern, programSize: re.programSize(), test };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** RE2's error message for a pattern, without the library's prefix. */
export function regexErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^error parsing regexp: /, '');
}
