/**
 * The part of Node's `Buffer` that the Rules engine uses on non-ASCII text (UTF-8 and latin1
 * conversions, base64 decoding, byte lengths), so that the engine runs unchanged in the
 * browser for the Expression Builder and Preview. Installed once, before anything parses.
 */

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** Bytes whose toString() knows the encodings the engine asks for. */
function withText(bytes: Uint8Array): Uint8Array {
  return Object.assign(bytes, {
    toString(encoding = 'utf8'): string {
      if (encoding === 'latin1' || encoding === 'binary') {
        let out = '';
        for (const byte of bytes) out += String.fromCharCode(byte);
        return out;
      }
      return new TextDecoder().decode(bytes);
    },
  });
}

const BrowserBuffer = {
  from(data: string, encoding = 'utf8'): Uint8Array {
    switch (encoding) {
      case 'latin1':
      case 'binary':
        return withText(latin1Bytes(data));
      case 'base64':
      case 'base64url': {
        const std = data.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
        return withText(latin1Bytes(atob(std + '='.repeat((4 - (std.length % 4)) % 4))));
      }
      default:
        return withText(new TextEncoder().encode(data));
    }
  },
  byteLength(text: string): number {
    return new TextEncoder().encode(text).length;
  },
};

const scope = globalThis as { Buffer?: unknown };
scope.Buffer ??= BrowserBuffer;
