/**
 * The limits an expression must stay within. Each is a named setting with a default; a
 * caller passes a `Partial<Limits>` to override some of them.
 */
export interface Limits {
  /** Longest expression accepted, in characters. Cloudflare's limit: 4,096. */
  maxExpressionLength: number;
  /** Deepest nesting of parentheses, `not`, indexes and function calls. Default 64. */
  maxNestingDepth: number;
  /** Most items in one inline set `{…}` or named list. Default 10,000. */
  maxSetSize: number;
  /**
   * Largest compiled regular expression, in RE2 program instructions. Matching time grows
   * with program size times input length, so this bounds the cost of one `matches` on
   * attacker-controlled input. Default 20,000 (`[a-z0-9]{1,255}` is about 500,
   * `.{1000}` about 1,000).
   */
  maxRegexProgramSize: number;
}

/** The default {@link Limits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxExpressionLength: 4096,
  maxNestingDepth: 64,
  maxSetSize: 10_000,
  maxRegexProgramSize: 20_000,
});

/** Fills in the defaults for the limits a caller did not set. */
export function resolveLimits(limits?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...limits };
}
