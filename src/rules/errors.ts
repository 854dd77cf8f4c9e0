/**
 * The catalogue of expression errors. Every failure of the Rules engine while reading an
 * expression is a {@link RuleError} of one of these kinds, carrying the span of the input it
 * is about, so that the CLI can underline it and the API can return it to the dashboard.
 */

/** Every kind of expression error, with its stable code and a one-line description. */
export const ERROR_KINDS = {
  UnexpectedInput: 'the parser met text it could not read at this point',
  UnexpectedEnd: 'the expression ended where more was expected',
  UnknownField: 'the name is not a field of the scheme',
  UnknownFunction: 'the name is not a function of the Rules language',
  UnknownList: 'the named list does not exist',
  InvalidListItem: 'an item of a named list does not suit the field it is compared with',
  InvalidEscape: 'a quoted string uses an escape other than \\" \\\\ \\xHH or \\OOO',
  MissingEndingQuote: 'a string is not closed',
  InvalidRawString: 'a raw string opens with more than 255 #',
  InvalidInteger: 'an integer literal is malformed or out of range',
  InvalidIp: 'an IP address, CIDR or range is malformed',
  InvalidBytes: 'a byte string such as 01:02:03 is malformed',
  InvalidRange: 'a range ends before it starts, or mixes kinds',
  InvalidRegex: 'the regular expression does not compile in linear-time (RE2) syntax',
  InvalidWildcard: 'the wildcard pattern is malformed',
  TypeMismatch: 'a value has a different type from the one expected',
  UnsupportedOperator: 'the operator cannot be used with this type',
  InvalidMapEach: '[*] is used outside the first argument of a function',
  InvalidArgument: 'a function argument is of the wrong kind or value',
  ArgumentCount: 'a function is called with too few or too many arguments',
  ExpressionTooLong: 'the expression is longer than the maxExpressionLength limit',
  NestingTooDeep: 'the expression nests deeper than the maxNestingDepth limit',
  SetTooLarge: 'a set or list has more items than the maxSetSize limit',
  RegexTooLarge: 'a regular expression compiles larger than the maxRegexProgramSize limit',
} as const;

/** The kind of a {@link RuleError}: a key of {@link ERROR_KINDS}. */
export type RuleErrorKind = keyof typeof ERROR_KINDS;

/** The stable code of an error kind, e.g. `PORTCULLIS_ERR_RULES_UNKNOWN_FIELD`. */
export function errorCode(kind: RuleErrorKind): string {
  return 'PORTCULLIS_ERR_RULES_' + kind.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A position in an expression: 1-based line and column, counted in characters. */
export interface Position {
  line: number;
  column: number;
}

/** Converts a UTF-16 offset into a 1-based line and column (in code points). */
export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: codePoints(source.slice(lineStart, offset)) + 1 };
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * An error in an expression. `offset` and `end` are UTF-16 offsets into the source (what
 * `String.prototype.slice` takes); `line`, `column` and `length` count characters, which is
 * what an editor shows.
 */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  readonly kind: RuleErrorKind;
  readonly code: string;
  readonly offset: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;

  constructor(kind: RuleErrorKind, message: string, source: string, offset: number, end: number) {
    super(message);
    this.kind = kind;
    this.code = errorCode(kind);
    this.offset = Math.max(0, Math.min(offset, source.length));
    this.end = Math.max(this.offset, Math.min(end, source.length));
    const pos = positionAt(source, this.offset);
    this.line = pos.line;
    this.column = pos.column;
    // A span that crosses a line end is shown up to that line end only.
    const text = source.slice(this.offset, this.end);
    const newline = text.indexOf('\n');
    this.length = codePoints(newline === -1 ? text : text.slice(0, newline));
  }

  /**
   * The error as an operator reads it: the message with its position, the source line, and
   * carets under the span (one caret at least, also for an error at the end of the input).
   *
   * @example
   * ```
   * error at 1:1: unknown field "http.hots"
   * http.hots eq "a"
   * ^^^^^^^^^
   * ```
   */
  render(source: string): string {
    const lines = source.split('\n');
    const text = lines[this.line - 1] ?? '';
    const pad = ' '.repeat(this.column - 1);
    const carets = '^'.repeat(Math.max(1, this.length));
    return `error at ${this.line}:${this.column}: ${this.message}\n${text}\n${pad}${carets}`;
  }

  /** The fields the API and `portcullis expr batch` return. */
  toJSON(): { kind: RuleErrorKind; message: string; line: number; column: number; length: number } {
    return {
      kind: this.kind,
      message: this.message,
      line: this.line,
      column: this.column,
      length: this.length,
    };
  }
}
