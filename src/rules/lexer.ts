/**
 * The lexer. The Rules language is not lexed ahead of the parser: what a piece of text
 * means depends on where it stands (after `matches` a quoted string is a regular
 * expression, after an Ip field `1.2.3.4` is an address, after a Bytes field `01:02` is a
 * byte string). So the lexer is a cursor over the source with one method per token kind,
 * and the parser calls the one it expects, as wirefilter does.
 */
import { RuleError, type RuleErrorKind } from './errors.ts';
import { parseIp, type IpAddress } from './ip.ts';

// wirefilter accepts space, CR and LF; tab is accepted too (carets under a tab may be off).
const SPACE = new Set([32, 13, 10, 9]);
const IDENT = /[A-Za-z0-9_.]/y;
const HEX = /^[0-9a-fA-F]$/;
const MAX_RAW_HASHES = 255;

/** A reading position in an expression, with the token readers the parser uses. */
export class Cursor {
  readonly source: string;
  pos = 0;

  constructor(source: string) {
    this.source = source;
  }

  /** A {@link RuleError} over `source.slice(start, end)`. */
  error(kind: RuleErrorKind, message: string, start = this.pos, end = start + 1): RuleError {
    return new RuleError(kind, message, this.source, start, end);
  }

  /** The error for text the parser did not expect here, spanning the next word. */
  unexpected(expected: string): RuleError {
    if (this.atEnd()) return this.error('UnexpectedEnd', `expected ${expected}, got end of input`);
    const word = /[A-Za-z0-9_.]+|\S/y;
    word.lastIndex = this.pos;
    const m = word.exec(this.source);
    const end = this.pos + (m?.[0].length ?? 1);
    const got = JSON.stringify(this.source.slice(this.pos, end));
    return this.error('UnexpectedInput', `expected ${expected}, got ${got}`, this.pos, end);
  }

  atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  skipSpace(): void {
    while (this.pos < this.source.length && SPACE.has(this.source.charCodeAt(this.pos))) {
      this.pos++;
    }
  }

  peek(offset = 0): string {
    return this.source.charAt(this.pos + offset);
  }

  startsWith(text: string): boolean {
    return this.source.startsWith(text, this.pos);
  }

  /** Consumes `text` when the source continues with it. */
  eat(text: string): boolean {
    if (!this.startsWith(text)) return false;
    this.pos += text.length;
    return true;
  }

  /** Consumes `word` only when it is a whole word (not the start of a longer name). */
  eatWord(word: string): boolean {
    if (!this.startsWith(word)) return false;
    IDENT.lastIndex = this.pos + word.length;
    if (IDENT.test(this.source)) return false;
    this.pos += word.length;
    return true;
  }

  /** Reads a name: letters, digits, `_` and `.`. Returns '' when none is there. */
  identifier(): string {
    const start = this.pos;
    while (this.pos < this.source.length) {
      IDENT.lastIndex = this.pos;
      if (!IDENT.test(this.source)) break;
      this.pos++;
    }
    return this.source.slice(start, this.pos);
  }

  /** True when a quoted or raw string starts here. */
  atString(): boolean {
    const c = this.peek();
    return c === '"' || (c === 'r' && (this.peek(1) === '"' || this.peek(1) === '#'));
  }

  /** Reads `"…"` or `r#"…"#` into a binary string (one char per byte). */
  string(): string {
    if (this.peek() === '"') return this.quoted();
    if (this.peek() === 'r') return utf8Binary(this.raw());
    throw this.unexpected('a string');
  }

  // Quoted strings take exactly wirefilter's escapes: \" \\ \xHH and \OOO; nothing else.
  private quoted(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.atEnd()) {
        throw this.error('MissingEndingQuote', 'missing ending quote', start, this.pos);
      }
      const c = this.source.charAt(this.pos);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== '\\') {
        const cp = this.source.codePointAt(this.pos) ?? 0;
        const ch = String.fromCodePoint(cp);
        out += utf8Binary(ch);
        this.pos += ch.length;
        continue;
      }
      out += this.escape(start);
    }
  }

  private escape(stringStart: number): string {
    const at = this.pos;
    const c = this.peek(1);
    if (c === '') {
      throw this.error('MissingEndingQuote', 'missing ending quote', stringStart, at + 1);
    }
    if (c === '"' || c === '\\') {
      this.pos += 2;
      return c;
    }
    if (c === 'x' || (c >= '0' && c <= '7')) {
      // Both forms span four characters: \xHH and \OOO.
      const hex = c === 'x';
      const digits = this.source.slice(hex ? at + 2 : at + 1, at + 4);
      const value = parseInt(digits, hex ? 16 : 8);
      if (!(hex ? /^[0-9a-fA-F]{2}$/ : /^[0-7]{3}$/).test(digits) || value > 255) {
        const text = `\\${hex ? 'x' : ''}${digits}`;
        throw this.error('InvalidEscape', `invalid escape "${text}"`, at, at + 4);
      }
      this.pos = at + 4;
      return String.fromCharCode(value);
    }
    const cp = String.fromCodePoint(this.source.codePointAt(at + 1) ?? 0);
    throw this.error(
      'InvalidEscape',
      `invalid escape "\\${cp}": expected \\", \\\\, \\xHH or \\OOO`,
      at,
      at + 1 + cp.length,
    );
  }

  /** Reads `r"…"`, `r#"…"#`, … and returns its text unchanged (no escapes). */
  raw(): string {
    const start = this.pos;
    this.pos++;
    let hashes = 0;
    while (this.peek() === '#') {
      hashes++;
      this.pos++;
    }
    if (hashes > MAX_RAW_HASHES) {
      throw this.error(
        'InvalidRawString',
        `raw string opens with ${hashes} #, at most 255`,
        start,
        this.pos,
      );
    }
    if (!this.eat('"')) throw this.unexpected('" after r and #');
    const close = '"' + '#'.repeat(hashes);
    const end = this.source.indexOf(close, this.pos);
    if (end === -1) {
      this.pos = this.source.length;
      throw this.error('MissingEndingQuote', `missing ending ${close}`, start, this.source.length);
    }
    const text = this.source.slice(this.pos, end);
    this.pos = end + close.length;
    return text;
  }

  /**
   * Reads the pattern of `matches`. In a quoted string, `\"` is a quote and every other
   * escape is kept for the regex engine (so `"\d+"` means the regex `\d+`); a `"` inside a
   * character class `[…]` does not end the string. A raw string is taken as it is.
   */
  regex(): string {
    if (this.peek() === 'r') return this.raw();
    if (this.peek() !== '"') throw this.unexpected('a regular expression in "…" or r"…"');
    const start = this.pos;
    this.pos++;
    let out = '';
    let inClass = false;
    for (;;) {
      if (this.atEnd()) {
        throw this.error('MissingEndingQuote', 'missing ending quote', start, this.pos);
      }
      const c = this.source.charAt(this.pos++);
      if (c === '\\') {
        const next = this.source.charAt(this.pos++);
        if (inClass || next !== '"') out += '\\';
        out += next;
      } else if (c === '"' && !inClass) {
        return out;
      } else {
        if (c === '[' && !inClass) inClass = true;
        else if (c === ']' && inClass) inClass = false;
        out += c;
      }
    }
  }

  /** True when an integer starts here. */
  atInt(): boolean {
    const c = this.peek();
    return (c >= '0' && c <= '9') || (c === '-' && this.peek(1) >= '0' && this.peek(1) <= '9');
  }

  /**
   * Reads an integer: decimal with an optional `-`, `0x` hexadecimal, or octal when it
   * starts with `0`, like wirefilter. Values must be safe JavaScript integers (±2^53-1).
   */
  int(): number {
    const start = this.pos;
    let radix = 10;
    let digitsStart = this.pos;
    if (this.startsWith('0x')) {
      radix = 16;
      digitsStart = this.pos += 2;
    } else if (this.peek() === '0') {
      radix = 8;
    } else if (this.peek() === '-') {
      this.pos++;
    }
    // Take every hex digit so that "0128" and "10fe" fail as one token.
    while (HEX.test(this.peek())) this.pos++;
    const digits = this.source.slice(digitsStart, this.pos);
    const valid = { 8: /^[0-7]+$/, 10: /^-?[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix];
    const value = radix === 10 ? Number(digits) : parseInt(digits, radix);
    if (!valid?.test(digits) || !Number.isSafeInteger(value)) {
      const text = JSON.stringify(this.source.slice(start, Math.max(this.pos, start + 1)));
      throw this.error(
        'InvalidInteger',
        `invalid integer ${text}`,
        start,
        Math.max(this.pos, start + 1),
      );
    }
    return value;
  }

  /**
   * Reads an IP address, optionally with `/bits`. Stops before `..`, which separates the
   * ends of a range. Returns the address and the prefix length (undefined without `/`).
   */
  ip(): { ip: IpAddress; bits: number | undefined; start: number } {
    const start = this.pos;
    while (/^[0-9a-fA-F:.]$/.test(this.peek()) && !this.startsWith('..')) this.pos++;
    const text = this.source.slice(start, this.pos);
    const ip = parseIp(text);
    if (!ip) {
      throw this.error(
        'InvalidIp',
        `invalid IP address ${JSON.stringify(text || this.peek())}`,
        start,
        Math.max(this.pos, start + 1),
      );
    }
    if (!this.eat('/')) return { ip, bits: undefined, start };
    const bitsStart = this.pos;
    while (/^[0-9]$/.test(this.peek())) this.pos++;
    const bitsText = this.source.slice(bitsStart, this.pos);
    const bits = Number(bitsText);
    const max = ip.family === 4 ? 32 : 128;
    if (bitsText === '' || bitsText.length > 3 || bits > max) {
      throw this.error(
        'InvalidIp',
        `invalid prefix length "/${bitsText}" for IPv${ip.family}`,
        start,
        Math.max(this.pos, bitsStart),
      );
    }
    return { ip, bits, start };
  }

  /** True when a byte string such as `01:02` starts here. */
  atByteString(): boolean {
    return /^[0-9a-fA-F]{2}[:.-]/.test(this.source.slice(this.pos, this.pos + 3));
  }

  /** Reads hex bytes separated by `:`, `-` or `.` (at least two) into a binary string. */
  byteString(): string {
    const start = this.pos;
    let out = '';
    for (;;) {
      const pair = this.source.slice(this.pos, this.pos + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
        throw this.error(
          'InvalidBytes',
          `invalid byte ${JSON.stringify(pair)} in byte string`,
          this.pos,
          this.pos + Math.max(1, pair.length),
        );
      }
      out += String.fromCharCode(parseInt(pair, 16));
      this.pos += 2;
      const sep = this.peek();
      if (sep !== ':' && sep !== '-' && sep !== '.') break;
      this.pos++;
    }
    if (out.length < 2) {
      throw this.error('InvalidBytes', 'a byte string needs two bytes or more', start, this.pos);
    }
    return out;
  }
}

/** The UTF-8 bytes of text as a binary string. */
function utf8Binary(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) ascii = false;
  return ascii ? text : Buffer.from(text, 'utf8').toString('latin1');
}
