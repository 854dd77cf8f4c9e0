/**
 * Byte strings. The Rules language compares bytes; JavaScript has UTF-16 strings. Literals
 * are read into "binary strings" (one char per byte, 0–255), then turned into the string the
 * edge's values are compared with: the UTF-8 decoding when the bytes are valid UTF-8, the
 * binary string itself otherwise (which matches a header value that Node decoded as latin1).
 */

const decoder = new TextDecoder('utf-8', { fatal: true });

// Searching for one non-ASCII character is several times faster in V8 than matching a whole
// string against an anchored ASCII class, and these checks run on every request value.
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** The UTF-8 bytes of a string, as a binary string. */
export function textToBinary(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** True when the binary string is valid UTF-8. */
export function isUtf8(binary: string): boolean {
  if (!NON_ASCII.test(binary)) return true;
  try {
    decoder.decode(Buffer.from(binary, 'latin1'));
    return true;
  } catch {
    return false;
  }
}

/** The run-time string of a literal's bytes: see the module comment. */
export function binaryToText(binary: string): string {
  if (!NON_ASCII.test(binary)) return binary;
  try {
    return decoder.decode(Buffer.from(binary, 'latin1'));
  } catch {
    return binary;
  }
}

/** The length in bytes of a value: its UTF-8 length. */
export function byteLength(text: string): number {
  return NON_ASCII.test(text) ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** Lowercases A–Z only, as Cloudflare's `lower()` and case-insensitive wildcards do. */
export function asciiLower(text: string): string {
  // On ASCII text the built-in is exactly ASCII lowercasing, and much faster than a replace.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Uppercases a–z only, as Cloudflare's `upper()` does. */
export function asciiUpper(text: string): string {
  if (!NON_ASCII.test(text)) return text.toUpperCase();
  return text.replace(/[a-z]+/g, (m) => m.toUpperCase());
}
